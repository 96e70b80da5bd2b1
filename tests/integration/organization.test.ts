import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalRepository, referenceChangeEntries } from '../../infra/local/codecommit';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_LEDGER_TABLE, LOCAL_REGION } from '../../infra/local/endpoints';
import { putEvents } from '../../infra/local/event-bus-client';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { localFiles } from '../../shared/local/files';
import { readRecordedStarts } from '../../shared/local/recorded-pipelines';
import { functionLinesOf, linesAfter } from '../support/local-stack-env';
import { sample } from '../support/samples';

// A central stack and a member account in another region: the member's events reach the local bus
// as its forwarding rule would deliver them (its account and region on each event), and the policy
// says which account and region each repository and pipeline lives in.
const MEMBER = { account: '111122223333', region: 'eu-west-1' };
const CENTRAL = { account: LOCAL_ACCOUNT, region: LOCAL_REGION };
const policy = `${readFileSync('release-policy.yml', 'utf8')}
  payments-api:
    team: platform
    account: "${MEMBER.account}"
    region: ${MEMBER.region}
    pipelines:
      - name: payments-prod
        branches: [main]
        production: true
`;

let stack: LocalStack;
let lines: () => Record<string, unknown>[];
const after = (act: () => Promise<unknown>) => linesAfter(act, 600, lines);
const documents = () => DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoDbUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }));
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Mina Kim', '-c', 'user.email=mina@example.com', ...args], { cwd, encoding: 'utf8' }).trim();

beforeAll(async () => {
  const policyFile = join(mkdtempSync(join(tmpdir(), 'rc-organization-')), 'release-policy.yml');
  writeFileSync(policyFile, policy);
  const given = process.env.RC_RELEASE_POLICY;
  process.env.RC_RELEASE_POLICY = policyFile;
  try {
    stack = await startLocalStack(mkdtempSync(join(tmpdir(), 'rc-organization-stack-')));
  } finally {
    if (given === undefined) delete process.env.RC_RELEASE_POLICY;
    else process.env.RC_RELEASE_POLICY = given;
  }
  lines = functionLinesOf(join(stack.localDir, 'stack.log'));
}, 120_000);
afterAll(() => stack?.stop());

describe('a member account in another region, through the local bus', () => {
  let commitId = '';
  let executionId = '';

  it('starts the member\'s pipeline for a push from the member\'s repository, where the policy places it, and ignores the same push from another account', async () => {
    const bare = createLocalRepository(stack.localDir, 'payments-api', stack.eventBridgeUrl);
    const work = mkdtempSync(join(tmpdir(), 'rc-payments-'));
    git(work, 'init', '--quiet', '--initial-branch=main');
    writeFileSync(join(work, 'index.html'), '<h1>Payments</h1>\n');
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', 'Take payments');
    commitId = git(work, 'rev-parse', 'HEAD');

    // the laptop's repository hook publishes as the central account: not where the policy says payments-api is
    const fromCentral = await after(async () => void git(work, 'push', '--quiet', bare, 'main'));
    expect(fromCentral).toContainEqual(
      expect.objectContaining({ function: 'on-push', message: 'push ignored', reason: `repository payments-api is in the release policy in account ${MEMBER.account} ${MEMBER.region}, not ${CENTRAL.account} ${CENTRAL.region}` }),
    );

    const push = referenceChangeEntries('payments-api', `${'0'.repeat(40)} ${commitId} refs/heads/main\n`, 'mina');
    const fromMember = await after(() => putEvents(stack.eventBridgeUrl, push, MEMBER));
    expect(fromMember).toContainEqual(expect.objectContaining({ function: 'on-push', message: 'pipeline started', pipeline: 'payments-prod', commitId }));
    const starts = (await readRecordedStarts(localFiles(stack.localDir).pipelineStarts)).filter((start) => start.pipeline === 'payments-prod');
    expect(starts).toEqual([expect.objectContaining({ account: MEMBER.account, region: MEMBER.region, context: expect.objectContaining({ commitId }) })]);
    executionId = starts[0]!.executionId;
  });

  it('counts the member pipeline\'s deployment from the member\'s events, and not from another account\'s pipeline of the same name', async () => {
    const ended = (execution: string) => {
      const { detail } = sample<{ detail: Record<string, unknown> }>('codepipeline/pipeline-succeeded.json');
      return [{ Source: 'aws.codepipeline', DetailType: 'CodePipeline Pipeline Execution State Change', Detail: JSON.stringify({ ...detail, pipeline: 'payments-prod', 'execution-id': execution }), Time: new Date() }];
    };
    const impostor = '0badc0de-0000-4000-8000-000000000000';
    const fromElsewhere = await after(() => putEvents(stack.eventBridgeUrl, ended(impostor), { account: '999999999999', region: MEMBER.region }));
    expect(fromElsewhere).toContainEqual(expect.objectContaining({ function: 'on-pipeline', executionId: impostor, message: expect.stringContaining('pipeline outside release-policy.yml') }));

    const fromMember = await after(() => putEvents(stack.eventBridgeUrl, ended(executionId), MEMBER));
    expect(fromMember.filter((line) => line.level === 'ERROR')).toEqual([]);
    const { Items = [] } = await documents().send(new QueryCommand({ TableName: LOCAL_LEDGER_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'DORA#payments-prod' } }));
    const facts = Items.map((item) => item.fact as { kind: string; executionId: string; commitId?: string });
    expect(facts.map(({ kind, executionId: execution }) => `${kind} ${execution}`).sort()).toEqual([`deployment ${executionId}`, `lead-time ${executionId}`]);
    expect(facts.find((fact) => fact.kind === 'lead-time')?.commitId).toBe(commitId);
  });

  it('shows the member\'s execution on its team\'s card with the member region\'s console link', async () => {
    const calls = await fetch(`${stack.slack.url}/_calls`).then((response) => response.json() as Promise<unknown[]>);
    const card = JSON.stringify(calls.filter((call) => JSON.stringify(call).includes(executionId)));
    expect(card).toContain(`https://${MEMBER.region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/payments-prod/executions/${executionId}`);
  });
});
