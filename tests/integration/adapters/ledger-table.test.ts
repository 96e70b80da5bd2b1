import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerTable, keys } from '../../../shared/aws/ledger-table';
import { createLedgerTable, startLocalDynamoDB, type LocalDynamoDB } from '../../../infra/local/dynamodb';
import { LOCAL_CREDENTIALS } from '../../../infra/local/endpoints';
import { dynamoDocuments } from '../../../shared/aws/dynamodb-documents';

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
    ledger = ledgerTable(dynamoDocuments({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), 'ledger-test', 30);
  });
  afterAll(() => dynamo.close());

  const item = async (key: { pk: string; sk: string }) => (await documents.send(new GetCommand({ TableName: 'ledger-test', Key: key }))).Item;

  it("keeps a push under its commit, and a DORA fact under its pipeline, named by the fact's key", async () => {
    await ledger.recordPush({ repository: 'MyDemoRepo', commitId: COMMIT, author: 'Mina Kim', title: 'Add files', eventId: 'e1', branch: 'feature/a', pushedAt: '2026-11-20T09:00:00Z' });
    expect(await item(keys.push(COMMIT, 'MyDemoRepo', 'feature/a'))).toMatchObject({ pushedAt: '2026-11-20T09:00:00Z', eventId: 'e1', author: 'Mina Kim' });
    const fact = { kind: 'lead-time', pipeline: 'MyFirstPipeline', executionId: 'x1', commitId: COMMIT, at: '2026-11-21T10:00:00Z', seconds: 90_000 } as const;
    await ledger.claimFact(fact);
    expect(await item({ pk: 'DORA#MyFirstPipeline', sk: `FACT#lead-time#x1#${COMMIT}` })).toMatchObject({ fact, expiresAt: expect.any(Number) });
  });

  it('keeps the timeline of an execution, one item per step', async () => {
    await ledger.recordStep({ pipeline: 'MyFirstPipeline', executionId: 'x1', state: 'STARTED', at: '2026-11-21T09:50:00Z', eventId: 's1' });
    await ledger.recordStep({ pipeline: 'MyFirstPipeline', executionId: 'x1', stage: 'Deploy', action: 'Deploy', state: 'SUCCEEDED', at: '2026-11-21T09:59:00Z', eventId: 's2' });
    expect(await item(keys.step('MyFirstPipeline', 'x1', '2026-11-21T09:59:00Z', 's2'))).toMatchObject({ stage: 'Deploy', action: 'Deploy', state: 'SUCCEEDED' });
  });

  it('lets a later state of a build replace an earlier one, never the reverse, and expires items', async () => {
    const build = { buildId: 'arn:build/p:1', project: 'p', commitId: COMMIT, pipeline: 'MyFirstPipeline' };
    await ledger.recordBuild({ ...build, status: 'SUCCEEDED', at: '2026-11-21T09:58:00Z', durationSeconds: 114, eventId: 'ev1' });
    await ledger.recordBuild({ ...build, status: 'IN_PROGRESS', at: '2026-11-21T09:56:00Z', eventId: 'ev2' });
    const stored = await item(keys.build('arn:build/p:1'));
    expect(stored).toMatchObject({ status: 'SUCCEEDED', durationSeconds: 114, pipeline: 'MyFirstPipeline' });
    expect(stored!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
  });

  it('finds a build by the id CodePipeline gives it, whichever form CodeBuild used', async () => {
    await ledger.recordBuild({ buildId: 'arn:aws:codebuild:us-west-2:123456789012:build/my-sample-project:8745a7a9', project: 'my-sample-project', status: 'FAILED', at: '2026-11-21T10:00:00Z', eventId: 'ev3' });
    await ledger.linkToExecution({ kind: 'build', id: 'my-sample-project:8745a7a9', pipeline: 'MyFirstPipeline', executionId: 'x1', stage: 'Build', action: 'Build' });
    const { Items = [] } = await documents.send(new QueryCommand({ TableName: 'ledger-test', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'BUILD#my-sample-project:8745a7a9' } }));
    expect(Items.map((stored) => stored.sk)).toEqual(['BUILD', 'EXECUTION#MyFirstPipeline#x1']);
  });

  it('keeps a deployment with CodeDeploy\'s error', async () => {
    const deployment = { deploymentId: 'd-123456789', application: 'app', deploymentGroup: 'group' };
    await ledger.recordDeployment({ ...deployment, state: 'FAILURE', at: '2026-11-21T10:05:00Z', error: { code: 'HEALTH_CONSTRAINTS', message: 'too many failed' }, eventId: 'ev4' });
    await ledger.recordDeployment({ ...deployment, state: 'START', at: '2026-11-21T10:00:00Z', eventId: 'ev5' });
    expect(await item(keys.deployment('d-123456789'))).toMatchObject({ state: 'FAILURE', error: { code: 'HEALTH_CONSTRAINTS', message: 'too many failed' } });
  });
});
