import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerTable, keys } from '../../../shared/aws/ledger-table';
import { createLedgerTable, startLocalDynamoDB, type LocalDynamoDB } from '../../../infra/local/dynamodb';
import { LOCAL_CREDENTIALS } from '../../../infra/local/endpoints';

// The ledger against DynamoDB on loopback (dynalite) with the table infra/ledger.yml defines.
describe('ledgerTable', () => {
  let dynamo: LocalDynamoDB;
  let documents: DynamoDBDocumentClient;
  let ledger: ReturnType<typeof ledgerTable>;
  const COMMIT = 'a'.repeat(40);

  beforeAll(async () => {
    dynamo = await startLocalDynamoDB();
    await createLedgerTable(dynamo.endpoint, 'ledger-test');
    documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));
    ledger = ledgerTable(documents, 'ledger-test', 30);
  });
  afterAll(() => dynamo.close());

  const item = async (key: { pk: string; sk: string }) => (await documents.send(new GetCommand({ TableName: 'ledger-test', Key: key }))).Item;

  it('keeps the first push of a commit to a branch, and finds its first push to any branch', async () => {
    const push = { repository: 'MyDemoRepo', commitId: COMMIT, author: 'Mina Kim', title: 'Add files', eventId: 'e1' };
    await ledger.recordPush({ ...push, branch: 'feature/a', pushedAt: '2026-11-20T09:00:00Z' });
    await ledger.recordPush({ ...push, branch: 'feature/a', pushedAt: '2026-11-20T12:00:00Z', eventId: 'e2' });
    await ledger.recordPush({ ...push, branch: 'main', pushedAt: '2026-11-21T09:00:00Z', eventId: 'e3' });
    expect(await ledger.firstPushAt(COMMIT)).toBe('2026-11-20T09:00:00Z');
    expect(await item(keys.push(COMMIT, 'MyDemoRepo', 'feature/a'))).toMatchObject({ pushedAt: '2026-11-20T09:00:00Z', eventId: 'e1', author: 'Mina Kim' });
    expect(await ledger.firstPushAt('b'.repeat(40))).toBeUndefined();
  });

  it('records an ended execution once, and lists a pipeline\'s ended executions', async () => {
    const ended = { pipeline: 'MyFirstPipeline', executionId: 'x1', result: 'SUCCEEDED' as const, endedAt: '2026-11-21T10:00:00Z', commitId: COMMIT, changedAt: '2026-11-20T09:00:00Z' };
    expect(await ledger.recordEnded(ended)).toBe(true);
    expect(await ledger.recordEnded(ended)).toBe(false);
    await ledger.recordEnded({ ...ended, executionId: 'x0', result: 'FAILED', endedAt: '2026-11-20T10:00:00Z', commitId: undefined, changedAt: undefined });
    expect(await ledger.endedExecutions('MyFirstPipeline')).toEqual([
      { pipeline: 'MyFirstPipeline', executionId: 'x0', result: 'FAILED', endedAt: '2026-11-20T10:00:00Z', commitId: undefined, changedAt: undefined },
      ended,
    ]);
    expect(await ledger.endedExecutions('OtherPipeline')).toEqual([]);
  });

  it('reads around a time only as far as the successes on either side', async () => {
    const at = (day: number, id: string, result: 'SUCCEEDED' | 'FAILED') => ({ pipeline: 'Around', executionId: id, result, endedAt: `2026-11-${day}T10:00:00Z` });
    const history = [at(10, 'a', 'SUCCEEDED'), at(11, 'b', 'SUCCEEDED'), at(12, 'c', 'FAILED'), at(13, 'd', 'FAILED'), at(15, 'f', 'FAILED'), at(16, 'g', 'SUCCEEDED'), at(17, 'h', 'SUCCEEDED')];
    for (const execution of history) await ledger.recordEnded(execution);
    const ids = async (endedAt: string) => (await ledger.executionsAround('Around', endedAt)).map((execution) => execution.executionId);
    expect(await ids('2026-11-14T10:00:00Z')).toEqual(['b', 'c', 'd', 'f', 'g']);
    expect(await ids('2026-11-11T10:00:00Z')).toEqual(['a', 'b']);
    expect(await ids('2026-11-18T10:00:00Z')).toEqual(['h']);
  });

  it('keeps the timeline of an execution, one item per step', async () => {
    await ledger.recordStep({ pipeline: 'MyFirstPipeline', executionId: 'x1', state: 'STARTED', at: '2026-11-21T09:50:00Z', eventId: 's1' });
    await ledger.recordStep({ pipeline: 'MyFirstPipeline', executionId: 'x1', stage: 'Deploy', action: 'Deploy', state: 'SUCCEEDED', at: '2026-11-21T09:59:00Z', eventId: 's2' });
    expect(await item(keys.step('MyFirstPipeline', 'x1', '2026-11-21T09:59:00Z', 's2'))).toMatchObject({ stage: 'Deploy', action: 'Deploy', state: 'SUCCEEDED' });
  });

  it('lets a later state of a build replace an earlier one, never the reverse, and expires items', async () => {
    const build = { buildId: 'arn:build/p:1', project: 'p', commitId: COMMIT, pipeline: 'MyFirstPipeline' };
    await ledger.recordBuild({ ...build, status: 'SUCCEEDED', at: '2026-11-21T09:58:00Z', durationSeconds: 114 });
    await ledger.recordBuild({ ...build, status: 'IN_PROGRESS', at: '2026-11-21T09:56:00Z' });
    const stored = await item(keys.build('arn:build/p:1'));
    expect(stored).toMatchObject({ status: 'SUCCEEDED', durationSeconds: 114, pipeline: 'MyFirstPipeline' });
    expect(stored!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
  });

  it('finds a build by the id CodePipeline gives it, whichever form CodeBuild used', async () => {
    await ledger.recordBuild({ buildId: 'arn:aws:codebuild:us-west-2:123456789012:build/my-sample-project:8745a7a9', project: 'my-sample-project', status: 'FAILED', at: '2026-11-21T10:00:00Z' });
    await ledger.linkToExecution({ kind: 'build', id: 'my-sample-project:8745a7a9', pipeline: 'MyFirstPipeline', executionId: 'x1', stage: 'Build', action: 'Build' });
    const { Items = [] } = await documents.send(new QueryCommand({ TableName: 'ledger-test', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'BUILD#my-sample-project:8745a7a9' } }));
    expect(Items.map((stored) => stored.sk)).toEqual(['BUILD', 'EXECUTION#MyFirstPipeline#x1']);
  });

  it('keeps a deployment with CodeDeploy\'s error', async () => {
    const deployment = { deploymentId: 'd-123456789', application: 'app', deploymentGroup: 'group' };
    await ledger.recordDeployment({ ...deployment, state: 'FAILURE', at: '2026-11-21T10:05:00Z', error: { code: 'HEALTH_CONSTRAINTS', message: 'too many failed' } });
    await ledger.recordDeployment({ ...deployment, state: 'START', at: '2026-11-21T10:00:00Z' });
    expect(await item(keys.deployment('d-123456789'))).toMatchObject({ state: 'FAILURE', error: { code: 'HEALTH_CONSTRAINTS', message: 'too many failed' } });
  });
});
