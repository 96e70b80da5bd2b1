import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createLedgerTable, LOCAL_CREDENTIALS, spawnLocalDynamoDB } from './local-dynamodb';

export const PROJECT_DIR = join(__dirname, '..');
const SERVERLESS = join(PROJECT_DIR, 'node_modules', 'serverless', 'bin', 'serverless.js');

export interface LocalStack {
  httpUrl: string;
  eventBridgeUrl: string;
  dynamoDbUrl: string;
  localDir: string;
  logFile: string;
  process: ChildProcess;
  /** The JSON log lines the functions have written so far. */
  logLines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

/** The ports `npm start` uses; the tests and the demo take free ones. */
export interface StackPorts {
  http: number;
  lambda: number;
  eventBridge: number;
  pubSub: number;
  dynamoDb: number;
}

/** A port the OS says is free now; the stack binds it a moment later. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts DynamoDB (dynalite, with the ledger table) and `serverless offline --stage local` (API,
 * Lambda invoke, EventBridge) on loopback, free ports unless given, with its local state (git
 * repositories, recorded pipeline starts, dead letters) in `localDir`, and waits until it answers.
 */
export async function startLocalStack(localDir: string, ports?: StackPorts, echo = false): Promise<LocalStack> {
  const { http, lambda, eventBridge, pubSub, dynamoDb } = ports ?? { http: await freePort(), lambda: await freePort(), eventBridge: await freePort(), pubSub: await freePort(), dynamoDb: 0 };
  mkdirSync(localDir, { recursive: true });
  const dynamo = await spawnLocalDynamoDB(dynamoDb);
  await createLedgerTable(dynamo.endpoint);
  const logFile = join(localDir, 'stack.log');
  const child = spawn(process.execPath, [SERVERLESS, 'offline', 'start', '--stage', 'local'], {
    cwd: PROJECT_DIR,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      RC_LOCAL_DIR: localDir,
      RC_BUILD_DIR: join('.esbuild', `stack-${http}`),
      RC_HTTP_PORT: String(http),
      RC_LAMBDA_PORT: String(lambda),
      RC_EVENTBRIDGE_PORT: String(eventBridge),
      RC_EVENTBRIDGE_PUBSUB_PORT: String(pubSub),
      // the functions' AWS SDK finds DynamoDB here; nothing else local takes credentials
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: '',
    },
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (echo) {
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  }
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    await dynamo.close();
  };
  const stack: LocalStack = {
    httpUrl: `http://127.0.0.1:${http}`,
    eventBridgeUrl: `http://127.0.0.1:${eventBridge}`,
    dynamoDbUrl: dynamo.endpoint,
    localDir,
    logFile,
    process: child,
    logLines: () => parseLogLines(readFileSync(logFile, 'utf8')),
    stop,
  };
  await waitUntilAnswering(`${stack.httpUrl}/`, stack);
  return stack;
}

export function parseLogLines(text: string): Record<string, unknown>[] {
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

async function waitUntilAnswering(url: string, stack: LocalStack, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stack.process.exitCode !== null) {
      await stack.stop();
      throw new Error(`local stack exited with ${stack.process.exitCode}:\n${readFileSync(stack.logFile, 'utf8').slice(-3000)}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stack.stop();
  throw new Error(`local stack did not answer ${url} within ${timeoutMs} ms; see ${stack.logFile}`);
}

// `npm start`: the stack on its usual ports, state in .local/, logs on the terminal, Ctrl-C to stop.
if (require.main === module) {
  const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const ports = {
    http: port('RC_HTTP_PORT', 3000),
    lambda: port('RC_LAMBDA_PORT', 3002),
    eventBridge: port('RC_EVENTBRIDGE_PORT', 4010),
    pubSub: port('RC_EVENTBRIDGE_PUBSUB_PORT', 4011),
    dynamoDb: port('RC_DYNAMODB_PORT', 4012),
  };
  startLocalStack(process.env.RC_LOCAL_DIR ?? join(PROJECT_DIR, '.local'), ports, true).then(
    (stack) => {
      process.stdout.write(`\nRelease Conductor is running: API ${stack.httpUrl}, EventBridge ${stack.eventBridgeUrl}, DynamoDB ${stack.dynamoDbUrl}. Ctrl-C stops it.\n`);
      const stop = () => void stack.stop().then(() => process.exit(0));
      process.once('SIGINT', stop).once('SIGTERM', stop);
    },
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
