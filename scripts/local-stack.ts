import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const PROJECT_DIR = join(__dirname, '..');
const SERVERLESS = join(PROJECT_DIR, 'node_modules', 'serverless', 'bin', 'serverless.js');

export interface LocalStack {
  httpUrl: string;
  eventBridgeUrl: string;
  localDir: string;
  logFile: string;
  process: ChildProcess;
  /** The JSON log lines the functions have written so far. */
  logLines(): Record<string, unknown>[];
  stop(): void;
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
 * Starts `serverless offline --stage local` (API, Lambda invoke, EventBridge) on free loopback
 * ports, with its local state (git repositories, recorded pipeline starts, dead letters) in
 * `localDir`, and waits until it answers.
 */
export async function startLocalStack(localDir: string): Promise<LocalStack> {
  const [http, lambda, eventBridge, pubSub] = [await freePort(), await freePort(), await freePort(), await freePort()];
  mkdirSync(localDir, { recursive: true });
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
    },
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stop = () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  };
  const stack: LocalStack = {
    httpUrl: `http://127.0.0.1:${http}`,
    eventBridgeUrl: `http://127.0.0.1:${eventBridge}`,
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
    if (stack.process.exitCode !== null) throw new Error(`local stack exited with ${stack.process.exitCode}:\n${readFileSync(stack.logFile, 'utf8').slice(-3000)}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  stack.stop();
  throw new Error(`local stack did not answer ${url} within ${timeoutMs} ms; see ${stack.logFile}`);
}
