import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { clientsByPlace, memberRoles } from '../../../../shared/aws/places';
import { awsJsonStub } from '../../../support/aws-json-stub';

const HOME = { account: '123456789012', region: 'us-east-1' };
const MEMBER = { account: '111122223333', region: 'eu-west-1' };
/** A container's organization: its member roles' credentials, made once and shared by its clients. */
const organizationOf = () => ({ home: HOME, memberCredentials: memberRoles('release-conductor-prod-member', 'on-pipeline') });
let organization = organizationOf();
const HOUR = 3_600_000;

// STS on loopback, answering AssumeRole in its XML
const stub = awsJsonStub();
const { sts } = stub.services;
/** STS's answer: credentials of the member role, numbered so a test can tell one AssumeRole from the next. */
let issued = 0;
const answerAssumeRole = () =>
  sts.on(AssumeRoleCommand).callsFake(() => {
    issued += 1;
    return { Credentials: { AccessKeyId: `ASIAMEMBER${issued}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + HOUR) } };
  });

const credentialsOf = (client: CodePipelineClient) => client.config.credentials();
const assumed = () => sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);

// what Lambda gives the function: its own role's credentials
beforeAll(async () => Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'ASIAFUNCTIONROLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token', AWS_ENDPOINT_URL_STS: await stub.start() }));
afterAll(async () => {
  ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL_STS'].forEach((name) => delete process.env[name]);
  await stub.close();
});

beforeEach(() => {
  organization = organizationOf();
  sts.reset();
  issued = 0;
  answerAssumeRole();
  jest.useFakeTimers({ now: new Date('2026-11-30T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

describe('clientsByPlace', () => {
  it('gives the stack\'s own account and region the function\'s role, and assumes no role', async () => {
    const at = clientsByPlace((config) => new CodePipelineClient(config), organization);
    const client = at({});
    expect(await client.config.region()).toBe('us-east-1');
    expect((await credentialsOf(client)).accessKeyId).toBe('ASIAFUNCTIONROLE');
    expect(at(HOME)).toBe(client);
    expect(assumed()).toEqual([]);
  });

  it('reaches another region of the stack\'s own account with the function\'s role', async () => {
    const client = clientsByPlace((config) => new CodePipelineClient(config), organization)({ region: 'eu-west-1' });
    expect(await client.config.region()).toBe('eu-west-1');
    expect((await credentialsOf(client)).accessKeyId).toBe('ASIAFUNCTIONROLE');
    expect(assumed()).toEqual([]);
  });

  it('reaches a member account in its region with the member role, named exactly, as the function', async () => {
    const client = clientsByPlace((config) => new CodePipelineClient(config), organization)(MEMBER);
    expect(await client.config.region()).toBe('eu-west-1');
    expect(await credentialsOf(client)).toMatchObject({ accessKeyId: 'ASIAMEMBER1', secretAccessKey: 'secret', sessionToken: 'token' });
    expect(assumed()).toEqual([{ RoleArn: 'arn:aws:iam::111122223333:role/release-conductor-prod-member', RoleSessionName: 'on-pipeline' }]);
  });

  it('keeps a member account\'s credentials until they are about to expire, then assumes the role again', async () => {
    const client = clientsByPlace((config) => new CodePipelineClient(config), organization)(MEMBER);
    expect((await credentialsOf(client)).accessKeyId).toBe('ASIAMEMBER1');
    jest.advanceTimersByTime(50 * 60_000);
    expect((await credentialsOf(client)).accessKeyId).toBe('ASIAMEMBER1');
    expect(assumed()).toHaveLength(1);
    // the SDK refreshes five minutes before the expiration
    jest.advanceTimersByTime(6 * 60_000);
    expect((await credentialsOf(client)).accessKeyId).toBe('ASIAMEMBER2');
    expect(assumed()).toHaveLength(2);
  });

  it('makes one client per account and region, and assumes each account\'s role once for all of them', async () => {
    const at = clientsByPlace((config) => new CodePipelineClient(config), organization);
    const ireland = at(MEMBER);
    expect(at({ ...MEMBER })).toBe(ireland);
    const frankfurt = at({ account: MEMBER.account, region: 'eu-central-1' });
    const other = at({ account: '444455556666', region: 'eu-west-1' });
    const commits = clientsByPlace((config) => new CodeCommitClient(config), organization)(MEMBER);
    expect(new Set([ireland, frankfurt, other]).size).toBe(3);
    await Promise.all([ireland, frankfurt, other].map(credentialsOf));
    expect((await commits.config.credentials()).accessKeyId).toBe((await credentialsOf(ireland)).accessKeyId);
    expect(assumed().map(({ RoleArn }) => RoleArn).sort()).toEqual(['arn:aws:iam::111122223333:role/release-conductor-prod-member', 'arn:aws:iam::444455556666:role/release-conductor-prod-member']);
  });

  it('says which role gave no credentials', async () => {
    sts.reset();
    sts.on(AssumeRoleCommand).resolves({});
    const client = clientsByPlace((config) => new CodePipelineClient(config), organization)(MEMBER);
    await expect(credentialsOf(client)).rejects.toThrow('AssumeRole of arn:aws:iam::111122223333:role/release-conductor-prod-member answered no credentials');
  });
});

describe('the member role\'s ARN', () => {
  it.each([
    ['eu-west-1', 'arn:aws:iam::111122223333:role/release-conductor-prod-member'],
    ['cn-north-1', 'arn:aws-cn:iam::111122223333:role/release-conductor-prod-member'],
    ['us-gov-west-1', 'arn:aws-us-gov:iam::111122223333:role/release-conductor-prod-member'],
  ])('is in the partition of the region: %s', async (region, roleArn) => {
    await credentialsOf(clientsByPlace((config) => new CodePipelineClient(config), organization)({ account: MEMBER.account, region }));
    expect(assumed()).toEqual([{ RoleArn: roleArn, RoleSessionName: 'on-pipeline' }]);
  });
});
