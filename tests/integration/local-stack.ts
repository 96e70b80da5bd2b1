import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SERVERLESS = join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');

export interface LocalStack {
  httpUrl: string;
  eventBridgeUrl: string;
  process: ChildProcess;
  logFile: string;
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

/** Starts `serverless offline` (API, Lambda invoke, EventBridge) on free loopback ports and waits until it answers. */
export async function startLocalStack(): Promise<LocalStack> {
  const [http, lambda, eventBridge, pubSub] = [await freePort(), await freePort(), await freePort(), await freePort()];
  mkdirSync(join(ROOT, '.local'), { recursive: true });
  const logFile = join(ROOT, '.local', 'integration-stack.log');
  const child = spawn(process.execPath, [SERVERLESS, 'offline', 'start', '--stage', 'local'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      RC_HTTP_PORT: String(http),
      RC_LAMBDA_PORT: String(lambda),
      RC_EVENTBRIDGE_PORT: String(eventBridge),
      RC_EVENTBRIDGE_PUBSUB_PORT: String(pubSub),
    },
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stack = { httpUrl: `http://127.0.0.1:${http}`, eventBridgeUrl: `http://127.0.0.1:${eventBridge}`, process: child, logFile };
  await waitUntilAnswering(`${stack.httpUrl}/`, child, logFile);
  return stack;
}

export function stopLocalStack(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
}

async function waitUntilAnswering(url: string, child: ChildProcess, logFile: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`local stack exited with ${child.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  stopLocalStack(child);
  throw new Error(`local stack did not answer ${url} within ${timeoutMs} ms; see ${logFile}`);
}
