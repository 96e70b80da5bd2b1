import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { clickTable } from '../../../shared/aws/click-table';
import { createLedgerTable, startLocalDynamoDB, type LocalDynamoDB } from '../../../infra/local/dynamodb';
import { LOCAL_CREDENTIALS } from '../../../infra/local/endpoints';
import { dynamoDocuments } from '../../../shared/aws/dynamodb-documents';

// The presses' conditional writes against DynamoDB on loopback (dynalite), in the ledger's table.
describe('clickTable', () => {
  let dynamo: LocalDynamoDB;
  let documents: DynamoDBDocumentClient;
  let clicks: ReturnType<typeof clickTable>;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    dynamo = await startLocalDynamoDB();
    await createLedgerTable(dynamo.endpoint, 'clicks-test');
    documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));
    clicks = clickTable(dynamoDocuments({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), 'clicks-test', 30);
  });
  afterAll(() => dynamo.close());

  it('claims a press once, however many copies of it come at once', async () => {
    const claims = await Promise.all(Array.from({ length: 5 }, () => clicks.claimClick('1764504000.123456-U0ANA-approve', '2026-11-30T12:00:00Z')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await clicks.claimClick('1764504000.999999-U0ANA-approve', '2026-11-30T12:00:01Z')).toBe(true);
  });

  it('holds an action for one press at a time: the holder may take it again (a retry), another may not until it runs out or is freed', async () => {
    const intent = 'MyFirstPipeline#e1#Approval#ManualApproval#decide';
    const held = await Promise.all(['press-a', 'press-b', 'press-c'].map((holder) => clicks.claimIntent(intent, holder, now() + 120)));
    expect(held.filter(Boolean)).toHaveLength(1);
    const holder = ['press-a', 'press-b', 'press-c'][held.indexOf(true)]!;
    const other = holder === 'press-a' ? 'press-b' : 'press-a';
    expect(await clicks.claimIntent(intent, holder, now() + 120)).toBe(true);
    expect(await clicks.claimIntent(intent, other, now() + 120)).toBe(false);
    await clicks.releaseIntent(intent, other); // not the holder: changes nothing
    expect(await clicks.claimIntent(intent, other, now() + 120)).toBe(false);
    await clicks.releaseIntent(intent, holder);
    expect(await clicks.claimIntent(intent, other, now() + 120)).toBe(true);
  });

  it('lets another press take a hold that has run out', async () => {
    const intent = 'MyFirstPipeline#e2#Deploy##retry';
    expect(await clicks.claimIntent(intent, 'press-a', now() - 1)).toBe(true);
    expect(await clicks.claimIntent(intent, 'press-b', now() + 120)).toBe(true);
  });

  it('keeps every press beside its execution, in time order', async () => {
    const entry = { pipeline: 'MyFirstPipeline', executionId: 'e3', stage: 'Approval', approvalAction: 'ManualApproval', action: 'approve', user: 'U0EVE', allowed: false, outcome: 'not named' };
    await clicks.audit({ ...entry, clickId: 'p2', at: '2026-11-30T12:00:02Z' });
    await clicks.audit({ ...entry, clickId: 'p1', at: '2026-11-30T12:00:01Z', user: 'U0ANA', allowed: true, outcome: 'approved' });
    const { Items = [] } = await documents.send(new QueryCommand({ TableName: 'clicks-test', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'AUDIT#MyFirstPipeline#e3' } }));
    expect(Items.map(({ user, allowed, outcome }) => ({ user, allowed, outcome }))).toEqual([
      { user: 'U0ANA', allowed: true, outcome: 'approved' },
      { user: 'U0EVE', allowed: false, outcome: 'not named' },
    ]);
    expect(Items[0]!.expiresAt).toBeGreaterThan(now() + 29 * 86_400);
  });
});
