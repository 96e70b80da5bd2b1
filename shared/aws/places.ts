import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Place } from '../policy-rules';
import { awsQueryService, xmlText } from './signed-call';

/** What a client needs to work in one account and region. */
export interface PlaceConfig {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
}

/** The stack's own account and region, and the member role's credentials in every other account the policy names. */
export interface Organization {
  home: Place;
  /** Credentials of the member role in an account (`memberRoles`), one provider per account for every client. */
  memberCredentials: (account: string, region: string) => AwsCredentialIdentityProvider;
}

// STS's AssumeRole, in the function's own region, with its own role: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
let sts: ReturnType<typeof awsQueryService> | undefined;
const assumeRole = (RoleArn: string, RoleSessionName: string) => (sts ??= awsQueryService({ service: 'sts', version: '2011-06-15' }))('AssumeRole', { RoleArn, RoleSessionName });

const partitionOf = (region: string) => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');

/** The member role's ARN in an account (infra/member-account.yml creates it under this name). */
const memberRoleArn = (account: string, region: string, roleName: string) => `arn:${partitionOf(region)}:iam::${account}:role/${roleName}`;

/**
 * The member role's credentials in each account, from STS, as the function (`sessionName`, what the
 * member account's CloudTrail shows). One provider per role, shared by every client that reaches the
 * account (CodeCommit, CodePipeline, CodeDeploy, in any region): it keeps what AssumeRole answered
 * and asks again only when the credentials are about to expire (the SDK's rule: five minutes before
 * their `expiration`), so a warm function assumes each role once an hour.
 */
export function memberRoles(roleName: string, sessionName: string): Organization['memberCredentials'] {
  const providers = new Map<string, AwsCredentialIdentityProvider>();
  return (account, region) => {
    const roleArn = memberRoleArn(account, region, roleName);
    let provider = providers.get(roleArn);
    if (!provider) {
      provider = memoizeIdentityProvider(
        async () => {
          const answer = await assumeRole(roleArn, sessionName);
          const [accessKeyId, secretAccessKey, sessionToken, expiration] = ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'].map((name) => xmlText(answer, name));
          if (!accessKeyId || !secretAccessKey || !sessionToken) throw new Error(`AssumeRole of ${roleArn} answered no credentials`);
          return { accessKeyId, secretAccessKey, sessionToken, expiration: expiration ? new Date(expiration) : undefined };
        },
        isIdentityExpired,
        doesIdentityRequireRefresh,
      ) as AwsCredentialIdentityProvider;
      providers.set(roleArn, provider);
    }
    return provider;
  };
}

/**
 * One client per account and region, made when first asked for: in the stack's own account with
 * the function's role, in another with the member role there. A place the policy leaves open is
 * the stack's own.
 */
export function clientsByPlace<Client>(create: (config: PlaceConfig) => Client, { home, memberCredentials }: Organization): (place: Partial<Place>) => Client {
  const clients = new Map<string, Client>();
  return ({ account = home.account, region = home.region }) => {
    const key = `${account} ${region}`;
    let client = clients.get(key);
    if (!client) {
      const credentials = account === home.account ? undefined : memberCredentials(account, region);
      client = create({ region, ...(credentials && { credentials }) });
      clients.set(key, client);
    }
    return client;
  };
}
