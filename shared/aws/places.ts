import type { AssumeRoleCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Place } from '../policy-rules';
import { awsClientConfig } from './client-config';

/** What a client needs to work in one account and region. */
export interface PlaceConfig extends ReturnType<typeof awsClientConfig> {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
}

/** The stack's own account and region, and the role it assumes in every other account the policy names. */
export interface Organization {
  home: Place;
  memberRoleName: string;
  /** Who assumes the role, as the member account's CloudTrail shows it: the function's name. */
  sessionName: string;
}

// loaded on the first assumed role only: a stack with one account never evaluates STS's client
let sts: Promise<{ client: STSClient; assumeRole: (RoleArn: string, RoleSessionName: string) => Promise<AssumeRoleCommandOutput> }> | undefined;
const stsClient = () =>
  (sts ??= import('@aws-sdk/client-sts').then(({ STSClient, AssumeRoleCommand }) => {
    const client = new STSClient(awsClientConfig());
    return { client, assumeRole: (RoleArn, RoleSessionName) => client.send(new AssumeRoleCommand({ RoleArn, RoleSessionName })) };
  }));

const partitionOf = (region: string) => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');

/** The member role's ARN in an account (infra/member-account.yml creates it under this name). */
export const memberRoleArn = (account: string, region: string, roleName: string) => `arn:${partitionOf(region)}:iam::${account}:role/${roleName}`;

/**
 * Credentials of the member role, from STS. The client that is given this provider keeps what it
 * returns and asks again only when the credentials are about to expire (the SDK refreshes them
 * five minutes before their `expiration`), so a warm function calls AssumeRole once an hour per account.
 */
function assumedRole(roleArn: string, sessionName: string): AwsCredentialIdentityProvider {
  return async () => {
    const { Credentials: credentials } = await (await stsClient()).assumeRole(roleArn, sessionName);
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) throw new Error(`AssumeRole of ${roleArn} answered no credentials`);
    return { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken, expiration: credentials.Expiration };
  };
}

/**
 * One client per account and region, made when first asked for: in the stack's own account with
 * the function's role, in another with the member role there. A place the policy leaves open is
 * the stack's own.
 */
export function clientsByPlace<Client>(create: (config: PlaceConfig) => Client, { home, memberRoleName, sessionName }: Organization): (place: Partial<Place>) => Client {
  const clients = new Map<string, Client>();
  return ({ account = home.account, region = home.region }) => {
    const key = `${account} ${region}`;
    let client = clients.get(key);
    if (!client) {
      const credentials = account === home.account ? undefined : assumedRole(memberRoleArn(account, region, memberRoleName), sessionName);
      client = create({ ...awsClientConfig(), region, ...(credentials && { credentials }) });
      clients.set(key, client);
    }
    return client;
  };
}
