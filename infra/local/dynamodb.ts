/**
 * DynamoDB on loopback (dynalite), with the release ledger table created from infra/ledger.yml,
 * the same definition the stack deploys.
 */
import { spawn } from 'node:child_process';
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

export async function startLocalDynamoDB(port = 0): Promise<LocalDynamoDB> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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

// `tsx infra/local/dynamodb.ts serve [port]`: prints the endpoint, serves until killed
if (require.main === module && process.argv[2] === 'serve') {
  void startLocalDynamoDB(Number(process.argv[3] ?? 0)).then(({ endpoint }) => process.stdout.write(`${endpoint}\n`));
}
