/**
 * Lambda on worker threads, for the replays: a function's deployed bundle in each worker (one
 * invocation at a time, as in a Lambda execution environment), and invocations that can be killed
 * mid-delivery as Lambda ends one at its timeout: the worker stops wherever it is, in the middle of
 * a call or between two, and a new one (a cold start) takes its place. What the function writes
 * is searched for Slack tokens and its EMF counts summed, not printed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SLACK_TOKEN } from './secrets';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const TOKEN = new RegExp(${JSON.stringify(SLACK_TOKEN.source)});
const write = (chunk) => {
  const text = String(chunk);
  const leak = TOKEN.exec(text);
  if (leak) parentPort.postMessage({ leak: leak[0].slice(0, 9) });
  for (const [, name, value] of text.matchAll(/"(\\w+)":(\\d+)(?=[,}])/g)) if (workerData.metrics.includes(name)) parentPort.postMessage({ metric: name, value: Number(value) });
  return true;
};
process.stdout.write = write;
process.stderr.write = write;
const { handler } = require(workerData.bundle);
parentPort.on('message', async ({ id, event, remainingMs }) => {
  const deadline = Date.now() + remainingMs;
  const context = {
    functionName: workerData.functionName, functionVersion: '$LATEST', memoryLimitInMB: '1024', awsRequestId: id,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + workerData.functionName,
    logGroupName: '/aws/lambda/' + workerData.functionName, logStreamName: 'replay',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()), callbackWaitsForEmptyEventLoop: true,
  };
  try {
    parentPort.postMessage({ id, answer: await handler(event, context) });
  } catch (error) {
    parentPort.postMessage({ id, error: (error && error.name) + ': ' + (error && error.message) });
  }
});
`;

export class KilledError extends Error {
  override name = 'Killed';
}

export interface LambdaWorkers {
  /** Runs one invocation once a worker is free (`started` tells when); `killAfterMs` ends it there, as a timeout would, if it has not answered. */
  invoke(event: unknown, options: { remainingMs: number; killAfterMs?: number; started?: () => void }): Promise<unknown>;
  /** What the functions wrote: the sum of each EMF metric asked for, and any Slack token seen. */
  seen(): { metrics: Record<string, number>; leaks: string[]; coldStarts: number };
  close(): Promise<void>;
}

export function lambdaWorkers(code: string, { functionName, size, env, metrics }: { functionName: string; size: number; env: Record<string, string>; metrics: string[] }): LambdaWorkers {
  const folder = mkdtempSync(join(tmpdir(), `rc-${functionName}-`));
  const bundle = join(folder, 'handler.js');
  const script = join(folder, 'worker.cjs');
  writeFileSync(bundle, code);
  writeFileSync(script, WORKER);
  const seen = { metrics: Object.fromEntries(metrics.map((name) => [name, 0])) as Record<string, number>, leaks: [] as string[], coldStarts: 0 };
  const pending = new Map<string, { resolve(answer: unknown): void; reject(error: Error): void }>();

  const start = () => {
    seen.coldStarts += 1;
    const worker = new Worker(script, { workerData: { bundle, functionName, metrics }, env: { ...process.env, ...env }, stdout: false, stderr: false });
    worker.on('message', (message: { id?: string; answer?: unknown; error?: string; leak?: string; metric?: string; value?: number }) => {
      if (message.leak) seen.leaks.push(message.leak);
      if (message.metric) seen.metrics[message.metric]! += message.value!;
      const waiting = message.id ? pending.get(message.id) : undefined;
      if (!waiting) return;
      pending.delete(message.id!);
      if (message.error) waiting.reject(new Error(message.error));
      else waiting.resolve(message.answer);
    });
    return worker;
  };
  const idle: Worker[] = Array.from({ length: size }, start);
  const queue: ((worker: Worker) => void)[] = [];
  const release = (worker: Worker) => {
    const next = queue.shift();
    if (next) next(worker);
    else idle.push(worker);
  };

  return {
    async invoke(event, { remainingMs, killAfterMs, started }) {
      const worker = idle.pop() ?? (await new Promise<Worker>((resolve) => queue.push(resolve)));
      started?.();
      const id = randomUUID();
      const answered = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ id, event, remainingMs });
      let killed: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        if (killAfterMs !== undefined) killed = setTimeout(() => reject(new KilledError(`killed after ${killAfterMs} ms`)), killAfterMs);
      });
      try {
        const answer = await Promise.race([answered, timedOut]);
        release(worker);
        return answer;
      } catch (error) {
        if (!(error instanceof KilledError)) {
          release(worker);
          throw error;
        }
        pending.delete(id);
        void worker.terminate();
        release(start());
        throw error;
      } finally {
        clearTimeout(killed);
      }
    },
    seen: () => seen,
    close: async () => {
      await Promise.all(idle.map((worker) => worker.terminate()));
    },
  };
}
