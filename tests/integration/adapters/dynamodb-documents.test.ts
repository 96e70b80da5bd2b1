import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createLedgerTable, startLocalDynamoDB, type LocalDynamoDB } from '../../../infra/local/dynamodb';
import { LOCAL_CREDENTIALS } from '../../../infra/local/endpoints';
import { conditional, dynamoDocuments, type DynamoDocuments } from '../../../shared/aws/dynamodb-documents';

// Our item operations against DynamoDB on loopback (dynalite), read and written beside the SDK's
// DocumentClient: each must see exactly what the other stored.
describe('dynamoDocuments', () => {
  let dynamo: LocalDynamoDB;
  let ours: DynamoDocuments;
  let sdk: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynamo = await startLocalDynamoDB();
    await createLedgerTable(dynamo.endpoint, 'documents-test');
    ours = dynamoDocuments({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    sdk = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));
  });
  afterAll(() => dynamo.close());

  const item = { pk: 'DOC#1', sk: 'A', count: 3, ratio: 0.5, flag: true, tags: new Set(['x', 'y']), nested: { list: [1, 'two', { three: null }] } };

  it('stores values as the SDK would, leaving out undefined ones, and reads back what the SDK stored', async () => {
    await ours.put({ TableName: 'documents-test', Item: { ...item, missing: undefined } });
    expect((await sdk.send(new GetCommand({ TableName: 'documents-test', Key: { pk: 'DOC#1', sk: 'A' } }))).Item).toEqual(item);
    await sdk.send(new PutCommand({ TableName: 'documents-test', Item: { ...item, sk: 'B' } }));
    expect((await ours.get({ TableName: 'documents-test', Key: { pk: 'DOC#1', sk: 'B' }, ConsistentRead: true })).Item).toEqual({ ...item, sk: 'B' });
  });

  it('answers an update with the attributes asked for, and says when a condition did not hold', async () => {
    const update = () => ours.update({ TableName: 'documents-test', Key: { pk: 'DOC#2', sk: 'A' }, UpdateExpression: 'ADD version :one', ConditionExpression: 'attribute_not_exists(version) OR version < :two', ExpressionAttributeValues: { ':one': 1, ':two': 2 }, ReturnValues: 'UPDATED_NEW' });
    expect(await update()).toEqual({ Attributes: { version: 1 } });
    expect((await update()).Attributes).toEqual({ version: 2 });
    expect(await conditional(update())).toBe(false);
  });

  it('reads every page of a query', async () => {
    await Promise.all(Array.from({ length: 7 }, (_, index) => ours.put({ TableName: 'documents-test', Item: { pk: 'DOC#PAGES', sk: `S${index}` } })));
    const items = await ours.queryAll({ TableName: 'documents-test', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'DOC#PAGES' }, Limit: 2 });
    expect(items.map(({ sk }) => sk)).toEqual(['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
  });

  it('deletes an item and answers with what it held', async () => {
    await ours.put({ TableName: 'documents-test', Item: { pk: 'DOC#3', sk: 'A', at: 'then' } });
    expect(await ours.delete({ TableName: 'documents-test', Key: { pk: 'DOC#3', sk: 'A' }, ReturnValues: 'ALL_OLD' })).toEqual({ Attributes: { pk: 'DOC#3', sk: 'A', at: 'then' } });
    expect((await ours.get({ TableName: 'documents-test', Key: { pk: 'DOC#3', sk: 'A' } })).Item).toBeUndefined();
  });
});
