import type { Context } from 'aws-lambda';
import { assertNoSecret } from './secrets';

/** The Context Lambda hands a function, with the values a local invocation would have; `remainingMs` from now until its timeout. */
export function lambdaContext(functionName: string, remainingMs = 10_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/25/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Everything written to stdout and stderr while `act` runs, one parsed JSON object per line. */
export async function captureOutput<T>(act: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const written: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => written.push(chunk.toString()) > 0) as typeof stream.write;
  }
  try {
    const result = await act();
    // every function run in the unit tests passes here: no log line of theirs may hold a secret
    assertNoSecret(written.join(''), 'a function');
    const lines = written
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { result, lines };
  } finally {
    streams.forEach((stream, i) => (stream.write = originals[i]!));
  }
}
