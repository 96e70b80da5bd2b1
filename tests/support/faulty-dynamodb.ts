/**
 * DynamoDB with faults: a proxy on loopback in front of dynalite that fails calls the way DynamoDB
 * does, with throttling (400 ProvisionedThroughputExceededException) or a 500, before they reach
 * the table. `POST /_faults` fails the next calls of one operation, optionally only those whose
 * body holds a string; `POST /_random` fails a share of every call. `GET /_state` counts them.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
import { spawn } from 'node:child_process';
import { request as forward, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DynamoDBFault {
  /** The operation, as in `X-Amz-Target: DynamoDB_20120810.<operation>`. */
  operation: string;
  /** Only calls whose JSON body holds this string. */
  contains?: string;
  kind: 'throttle' | '5xx';
  times: number;
}

export interface FaultyDynamoDB {
  url: string;
  /** Fails the next matching calls. */
  fail(fault: DynamoDBFault): Promise<void>;
  /** Fails a share of all calls from now on, half throttled, half 500. */
  failAtRandom(rate: number, seed?: number): Promise<void>;
  state(): Promise<{ throttle: number; '5xx': number; calls: number }>;
  close(): Promise<void>;
}

const readBody = (request: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks)));
  });

const FAILURES = {
  throttle: { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded.' } },
  '5xx': { status: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' } },
};

async function serveFaultyDynamoDB(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  let faults: DynamoDBFault[] = [];
  let random: { rate: number; next(): number } | undefined;
  const state = { throttle: 0, '5xx': 0, calls: 0 };

  const server = createServer((request, response: ServerResponse) => {
    void readBody(request).then((body) => {
      const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(value));
      if (request.url === '/_state') return json(200, state);
      if (request.url === '/_faults') return (faults.push(JSON.parse(body.toString()) as DynamoDBFault), json(200, {}));
      if (request.url === '/_random') {
        const { rate, seed } = JSON.parse(body.toString()) as { rate: number; seed: number };
        let s = seed;
        random = { rate, next: () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) };
        return json(200, {});
      }
      state.calls += 1;
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1];
      const text = body.toString();
      const targeted = faults.find((fault) => fault.operation === operation && (fault.contains === undefined || text.includes(fault.contains)));
      let kind: DynamoDBFault['kind'] | undefined;
      if (targeted) {
        kind = targeted.kind;
        if ((targeted.times -= 1) <= 0) faults = faults.filter((fault) => fault !== targeted);
      } else if (random && random.next() < random.rate) kind = random.next() < 0.5 ? 'throttle' : '5xx';
      if (kind) {
        state[kind] += 1;
        return json(FAILURES[kind].status, FAILURES[kind].body);
      }
      const proxied = forward({ host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(response);
      });
      proxied.on('error', () => response.destroy());
      proxied.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function control(url: string, close: () => Promise<void>): FaultyDynamoDB {
  const post = async (path: string, body: unknown) => void (await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) }));
  return {
    url,
    fail: (fault) => post('/_faults', fault),
    failAtRandom: (rate, seed = 11) => post('/_random', { rate, seed }),
    state: async () => (await (await fetch(`${url}/_state`)).json()) as Awaited<ReturnType<FaultyDynamoDB['state']>>,
    close,
  };
}

/** In this process: for tests that fail one chosen call. */
export async function startFaultyDynamoDB(target: string): Promise<FaultyDynamoDB> {
  const { url, close } = await serveFaultyDynamoDB(target);
  return control(url, close);
}

/** In a process of its own, so the functions under test do not slow its answers: for the replay. */
export async function spawnFaultyDynamoDB(target: string): Promise<FaultyDynamoDB> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), __filename, 'serve', target], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`faulty DynamoDB exited with ${code}`)));
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return control(url, () => new Promise((resolve) => (child.exitCode === null ? child.once('exit', () => resolve()).kill() : resolve())));
}

// `tsx tests/support/faulty-dynamodb.ts serve <dynalite endpoint>`: prints its URL, serves until killed
if (require.main === module && process.argv[2] === 'serve') {
  void serveFaultyDynamoDB(process.argv[3]!).then(({ url }) => process.stdout.write(`${url}\n`));
}
