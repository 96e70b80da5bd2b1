import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { cardTable } from '../../../shared/aws/card-table';
import { keys, ledgerTable } from '../../../shared/aws/ledger-table';
import type { BuildRecord, DeploymentRecord, PushRecord } from '../../../shared/ports';
import { createLedgerTable, startLocalDynamoDB, type LocalDynamoDB } from '../../../infra/local/dynamodb';
import { LOCAL_CREDENTIALS } from '../../../infra/local/endpoints';
import { cardStoreContract, ledgerContract } from '../../support/ledger-contract';
import { dynamoDocuments } from '../../../shared/aws/dynamodb-documents';

// The contract the unit tests' in-memory ledger and cards keep (tests/unit/support/memory-ledger.test.ts),
// held against the DynamoDB adapters on dynalite: what the fakes answer is what the table answers.
let dynamo: LocalDynamoDB;
let documents: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startLocalDynamoDB();
  await createLedgerTable(dynamo.endpoint, 'contract-ledger');
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), { marshallOptions: { removeUndefinedValues: true } });
});
afterAll(() => dynamo.close());

// the adapters write with their own client; the SDK's reads what they wrote
const ours = () => dynamoDocuments({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
const stored = async <T>(key: { pk: string; sk: string }) => (await documents.send(new GetCommand({ TableName: 'contract-ledger', Key: key, ConsistentRead: true }))).Item as T | undefined;

describe('ledgerTable', () => {
  ledgerContract(() => ({
    ...ledgerTable(ours(), 'contract-ledger', 1),
    pushes: async (commitId) => {
      const { Items = [] } = await documents.send(new QueryCommand({ TableName: 'contract-ledger', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `COMMIT#${commitId}` }, ConsistentRead: true }));
      return Items.map(({ repository, branch, commitId, author, title, pushedAt, eventId }) => ({ repository, branch, commitId, author, title, pushedAt, eventId }) as PushRecord);
    },
    build: (buildId) => stored<BuildRecord>(keys.build(buildId)),
    deployment: (deploymentId) => stored<DeploymentRecord>(keys.deployment(deploymentId)),
  }));
});

describe('cardTable', () => {
  cardStoreContract(() => cardTable(ours(), 'contract-ledger', 1));
});
