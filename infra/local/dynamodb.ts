/**
 * DynamoDB on loopback (dynalite), with the release ledger table created from infra/ledger.yml,
 * the same definition the stack deploys. It counts every write request per partition key, as
 * DynamoDB's per-partition throughput limits see them, and answers the tally at `GET /_writes`.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { parse } from 'yaml';
import { LOCAL_CREDENTIALS, LOCAL_LEDGER_TABLE } from './endpoints';

const LEDGER_DEFINITION = join(__dirname, '..', 'ledger.yml');

export interface LocalDynamoDB {
  endpoint: string;
  close(): Promise<void>;
}

/** The write requests the local DynamoDB took, per partition key (`<table> <key value>`) and per operation. */
export interface WriteTally {
  total: number;
  byOperation: Record<string, number>;
  byPartitionKey: Record<string, number>;
  /** The most writes one partition key took in one second (of the wall clock), with its key. */
  peakSecond: { partitionKey: string; writes: number };
}

type AttributeMap = Record<string, Record<string, unknown>>;
type WriteRequest = { PutRequest?: { Item: AttributeMap }; DeleteRequest?: { Key: AttributeMap } };
/** What PutItem, UpdateItem, DeleteItem and BatchWriteItem requests hold of their keys. */
type WriteBody = { TableName?: string; Item?: AttributeMap; Key?: AttributeMap; RequestItems?: Record<string, WriteRequest[]> };

// The ledger's partition key, as infra/ledger.yml declares it: the one table the stack writes.
const PARTITION_KEY = (parse(readFileSync(LEDGER_DEFINITION, 'utf8')).Resources.ReleaseLedger.Properties.KeySchema as { AttributeName: string; KeyType: string }[]).find(({ KeyType }) => KeyType === 'HASH')!.AttributeName;

// dynalite has no transactions (TransactWriteItems), and the functions use none
const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/**
 * The items each write request touches, as `<table> <partition key>`. A condition that fails still
 * consumes write capacity, so every request counts, whatever its answer.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html (write operations)
 */
function writtenKeys(operation: string, body: WriteBody): string[] {
  const key = (table: string, attributes: AttributeMap | undefined) => `${table} ${String(Object.values(attributes?.[PARTITION_KEY] ?? {})[0] ?? '?')}`;
  switch (operation) {
    case 'PutItem':
      return [key(body.TableName!, body.Item)];
    case 'UpdateItem':
    case 'DeleteItem':
      return [key(body.TableName!, body.Key)];
    case 'BatchWriteItem':
      return Object.entries(body.RequestItems ?? {}).flatMap(([table, requests]) => requests.map((request) => key(table, request.PutRequest?.Item ?? request.DeleteRequest?.Key)));
  }
  return [];
}

function writeTally() {
  const tally: WriteTally = { total: 0, byOperation: {}, byPartitionKey: {}, peakSecond: { partitionKey: '', writes: 0 } };
  const thisSecond = new Map<string, number>();
  let second = 0;
  return {
    tally,
    count(operation: string, body: string) {
      let keys: string[];
      try {
        keys = writtenKeys(operation, JSON.parse(body) as WriteBody);
      } catch {
        return; // dynalite answers a malformed request with its error
      }
      const now = Math.floor(Date.now() / 1000);
      if (now !== second) {
        second = now;
        thisSecond.clear();
      }
      for (const key of keys) {
        tally.total += 1;
        tally.byOperation[operation] = (tally.byOperation[operation] ?? 0) + 1;
        tally.byPartitionKey[key] = (tally.byPartitionKey[key] ?? 0) + 1;
        const writes = (thisSecond.get(key) ?? 0) + 1;
        thisSecond.set(key, writes);
        if (writes > tally.peakSecond.writes) tally.peakSecond = { partitionKey: key, writes };
      }
    },
  };
}

export async function startLocalDynamoDB(port = 0): Promise<LocalDynamoDB> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const [serveDynamoDb] = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  const writes = writeTally();
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' && request.url === '/_writes') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(writes.tally));
      return;
    }
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (!WRITE_OPERATIONS.has(operation)) return serveDynamoDb!(request, response);
    const chunks: Buffer[] = [];
    // dynalite reads the body from the same 'data' events
    request.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => writes.count(operation, Buffer.concat(chunks).toString()));
    serveDynamoDb!(request, response);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Creates the ledger table as infra/ledger.yml defines it (keys and billing; TTL and backups are AWS's). */
export async function createLedgerTable(endpoint: string, tableName = LOCAL_LEDGER_TABLE): Promise<void> {
  const { Properties } = parse(readFileSync(LEDGER_DEFINITION, 'utf8')).Resources.ReleaseLedger as { Properties: CreateTableCommandInput };
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  await client.send(
    new CreateTableCommand({ TableName: tableName, BillingMode: Properties.BillingMode, AttributeDefinitions: Properties.AttributeDefinitions, KeySchema: Properties.KeySchema }),
  );
  client.destroy();
}

/**
 * The same, in a process of its own: then nothing this process does synchronously (a test's
 * execFileSync, say) can stall the functions' DynamoDB calls.
 */
export async function spawnLocalDynamoDB(port = 0): Promise<LocalDynamoDB> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), __filename, 'serve', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`local DynamoDB exited with ${code}`)));
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return {
    endpoint,
    close: () => new Promise((resolve) => (child.exitCode === null ? child.once('exit', () => resolve()).kill() : resolve())),
  };
}

/** What the local DynamoDB at `endpoint` has written so far. */
export async function writesOf(endpoint: string): Promise<WriteTally> {
  return (await fetch(`${endpoint}/_writes`)).json() as Promise<WriteTally>;
}

// `tsx infra/local/dynamodb.ts serve [port]`: prints the endpoint, serves until killed
if (require.main === module && process.argv[2] === 'serve') {
  void startLocalDynamoDB(Number(process.argv[3] ?? 0)).then(({ endpoint }) => process.stdout.write(`${endpoint}\n`));
}
