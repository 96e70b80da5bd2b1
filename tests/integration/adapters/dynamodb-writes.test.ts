import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createLedgerTable, startLocalDynamoDB, writesOf, type LocalDynamoDB } from '../../../infra/local/dynamodb';
import { LOCAL_CREDENTIALS } from '../../../infra/local/endpoints';

describe("the local DynamoDB's count of writes per partition key", () => {
  let dynamo: LocalDynamoDB;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynamo = await startLocalDynamoDB();
    await createLedgerTable(dynamo.endpoint, 'writes');
    documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));
  });
  afterAll(() => dynamo.close());

  it('counts each item every write request touches, a failed condition too, and no read', async () => {
    const TableName = 'writes';
    await documents.send(new PutCommand({ TableName, Item: { pk: 'A', sk: '1' } }));
    await documents.send(new PutCommand({ TableName, Item: { pk: 'A', sk: '1' }, ConditionExpression: 'attribute_not_exists(pk)' })).catch(() => undefined);
    await documents.send(new UpdateCommand({ TableName, Key: { pk: 'B', sk: '1' }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } }));
    await documents.send(new DeleteCommand({ TableName, Key: { pk: 'B', sk: '1' } }));
    await documents.send(new BatchWriteCommand({ RequestItems: { [TableName]: [{ PutRequest: { Item: { pk: 'C', sk: '1' } } }, { DeleteRequest: { Key: { pk: 'A', sk: '1' } } }] } }));
    await documents.send(new GetCommand({ TableName, Key: { pk: 'C', sk: '1' } }));

    const writes = await writesOf(dynamo.endpoint);
    expect(writes.byPartitionKey).toEqual({ 'writes A': 3, 'writes B': 2, 'writes C': 1 });
    expect(writes.byOperation).toEqual({ PutItem: 2, UpdateItem: 1, DeleteItem: 1, BatchWriteItem: 2 });
    expect(writes.total).toBe(6);
    expect(writes.peakSecond.writes).toBeGreaterThanOrEqual(1);
  });
});
