/**
 * AWS on loopback with faults: CodeCommit GetCommit, CodePipeline StartPipelineExecution and SNS
 * Publish as the SDK speaks them, failing a share of the calls the way AWS does: throttling, 5xx,
 * a connection reset before or after the call took effect, or no answer at all (the client times
 * out, and the call may have taken effect). SQS SendMessage (the dead letters) never fails, so what
 * reached the dead-letter queue can be counted. CodePipeline keeps its clientRequestToken promise:
 * a token seen before answers the same execution and starts nothing.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'throttle' | '5xx' | 'reset-before' | 'reset-after' | 'timeout';
const FAULTS: [Fault, number][] = [['throttle', 0.35], ['5xx', 0.35], ['reset-before', 0.1], ['reset-after', 0.1], ['timeout', 0.1]];

export interface FaultyAwsState {
  /** Executions started, by clientRequestToken (a token's second call starts nothing). */
  starts: Record<string, { executionId: string; pipeline: string }>;
  /** Every message SNS accepted, duplicates included (SNS delivers at least once). */
  published: { message: string; attributes: Record<string, string> }[];
  deadLetters: { functionName: string; reason: string; event?: unknown }[];
  faults: Record<Fault, number>;
}

export interface FaultyAws {
  url: string;
  /** What it saw so far (GET /_state). */
  state(): Promise<FaultyAwsState>;
  close(): Promise<void>;
}

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve(body));
  });

async function serveFaultyAws(faultRate: number, seed: number): Promise<string> {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pickFault = (): Fault | undefined => {
    if (random() >= faultRate) return undefined;
    let roll = random();
    for (const [fault, share] of FAULTS) if ((roll -= share) < 0) return fault;
    return 'throttle';
  };
  const aws: FaultyAwsState = { starts: {}, published: [], deadLetters: [], faults: { throttle: 0, '5xx': 0, 'reset-before': 0, 'reset-after': 0, timeout: 0 } };

  const json = (response: ServerResponse, status: number, body: unknown, protocol = '1.1') =>
    response.writeHead(status, { 'content-type': `application/x-amz-json-${protocol}` }).end(JSON.stringify(body));
  const xml = (response: ServerResponse, status: number, body: string) => response.writeHead(status, { 'content-type': 'text/xml' }).end(body);

  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      if (request.url === '/_state') return json(response, 200, aws);
      const target = request.headers['x-amz-target'];
      const sns = body.startsWith('Action=Publish');
      // the call's effect, and its answer
      let effect: () => void = () => undefined;
      let answer: () => void;
      if (target === 'AmazonSQS.SendMessage') {
        const { MessageBody } = JSON.parse(body) as { MessageBody: string };
        aws.deadLetters.push(JSON.parse(MessageBody) as FaultyAwsState['deadLetters'][number]);
        return json(response, 200, { MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(MessageBody).digest('hex') }, '1.0');
      } else if (target === 'CodeCommit_20150413.GetCommit') {
        const { commitId } = JSON.parse(body) as { commitId: string };
        answer = () => json(response, 200, { commit: { commitId, message: `Change ${commitId.slice(0, 7)}`, author: { name: 'Mina Kim', date: '1700000000 +0000' } } });
      } else if (target === 'CodePipeline_20150709.StartPipelineExecution') {
        const { name, clientRequestToken } = JSON.parse(body) as { name: string; clientRequestToken: string };
        effect = () => {
          aws.starts[clientRequestToken] ??= { executionId: randomUUID(), pipeline: name };
        };
        answer = () => json(response, 200, { pipelineExecutionId: aws.starts[clientRequestToken]!.executionId });
      } else if (sns) {
        const params = new URLSearchParams(body);
        const attributes: Record<string, string> = {};
        for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n += 1) attributes[params.get(`MessageAttributes.entry.${n}.Name`)!] = params.get(`MessageAttributes.entry.${n}.Value.StringValue`)!;
        effect = () => void aws.published.push({ message: params.get('Message')!, attributes });
        answer = () => xml(response, 200, `<PublishResponse><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult></PublishResponse>`);
      } else {
        return json(response, 400, { __type: 'UnknownOperationException', message: String(target) });
      }

      const fault = pickFault();
      if (fault) aws.faults[fault] += 1;
      switch (fault) {
        case 'throttle':
          return sns ? xml(response, 400, '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>') : json(response, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
        case '5xx':
          return sns ? xml(response, 500, '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>Internal error</Message></Error></ErrorResponse>') : json(response, 500, { __type: 'InternalServerError', message: 'Internal error' });
        case 'reset-before':
          return request.socket.destroy();
        case 'reset-after':
          effect();
          return request.socket.destroy();
        case 'timeout':
          // took effect, but the answer never comes; the client gives up and retries
          effect();
          return;
        default:
          effect();
          return answer();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts it in a process of its own, so the functions under test do not slow its answers. */
export async function startFaultyAws(faultRate: number, seed = 7): Promise<FaultyAws> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), __filename, 'serve', String(faultRate), String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`faulty AWS exited with ${code}`)));
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return {
    url,
    state: async () => (await (await fetch(`${url}/_state`)).json()) as FaultyAwsState,
    close: () => new Promise((resolve) => (child.exitCode === null ? child.once('exit', () => resolve()).kill() : resolve())),
  };
}

// `tsx tests/support/faulty-aws.ts serve <fault rate> <seed>`: prints its URL, serves until killed
if (require.main === module && process.argv[2] === 'serve') {
  void serveFaultyAws(Number(process.argv[3]), Number(process.argv[4])).then((url) => process.stdout.write(`${url}\n`));
}
