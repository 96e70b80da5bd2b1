/**
 * `npm run redrive -- <queue-url | dead-letters.jsonl> [--stage <stage>]`: once the cause is fixed,
 * sends what the dead-letter queue holds back where it was going, and removes what was sent.
 * It understands the four kinds of letter the stack writes:
 * - ours (`{ functionName, reason, event }`, shared/aws/sqs.ts): the function is invoked with the event;
 * - Lambda's on-failure destination (`requestContext.functionArn`, `requestPayload`): the same;
 * - an EventBridge rule's dead letter (the event, `TARGET_ARN` attribute): the target is invoked;
 * - SNS's redrive of an undelivered notification (`Type: Notification`): published to its topic again.
 * Locally the dead letters are `.local/dead-letters.jsonl` and the functions serverless-offline's
 * (`--lambda-endpoint http://127.0.0.1:3002`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_PORTS, LOCAL_CREDENTIALS } from '../infra/local/endpoints';

const SERVICE = 'release-conductor';

export type Redrive =
  | { kind: 'invoke'; functionName: string; event: unknown }
  | { kind: 'publish'; topicArn: string; message: string; attributes: Record<string, { DataType: string; StringValue: string }> }
  | { kind: 'skip'; reason: string };

/** The fields of the four kinds of letter (one object may be any of them). */
interface Letter {
  functionName?: unknown;
  reason?: unknown;
  event?: unknown;
  requestContext?: { functionArn?: unknown };
  requestPayload?: unknown;
  Type?: unknown;
  TopicArn?: unknown;
  Message?: unknown;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
  'detail-type'?: unknown;
}

/** What to do with one dead letter: its body, and the SQS message attributes it came with. */
export function redriveOf(body: string, attributes: Record<string, string | undefined>, stage: string): Redrive {
  let letter: Letter;
  try {
    letter = JSON.parse(body) as Letter;
  } catch {
    return { kind: 'skip', reason: 'not JSON' };
  }
  if (typeof letter !== 'object' || letter === null) return { kind: 'skip', reason: 'not a dead letter this stack writes' };
  if (typeof letter.functionName === 'string' && 'reason' in letter) {
    if (!('event' in letter)) return { kind: 'skip', reason: `${letter.functionName}: the event was too large to keep whole (truncatedEvent)` };
    return { kind: 'invoke', functionName: `${SERVICE}-${stage}-${letter.functionName}`, event: letter.event };
  }
  if (typeof letter.requestContext?.functionArn === 'string' && 'requestPayload' in letter) {
    return { kind: 'invoke', functionName: letter.requestContext.functionArn.replace(/:\$LATEST$/, ''), event: letter.requestPayload };
  }
  if (letter.Type === 'Notification' && typeof letter.TopicArn === 'string') {
    const attributesOf = Object.entries(letter.MessageAttributes ?? {});
    return {
      kind: 'publish',
      topicArn: letter.TopicArn,
      message: String(letter.Message),
      attributes: Object.fromEntries(attributesOf.map(([name, { Type, Value }]) => [name, { DataType: Type, StringValue: Value }])),
    };
  }
  if (attributes.TARGET_ARN && typeof letter['detail-type'] === 'string') return { kind: 'invoke', functionName: attributes.TARGET_ARN, event: letter };
  return { kind: 'skip', reason: 'not a dead letter this stack writes' };
}

interface Clients {
  lambda: LambdaClient;
  sns: SNSClient;
}

async function send(redrive: Redrive, { lambda, sns }: Clients): Promise<void> {
  if (redrive.kind === 'invoke') {
    // asynchronously, as EventBridge and SNS invoke: the function's own retries and destination apply again;
    // by name (a queue and its functions share the region), which the local Lambda takes too
    const functionName = redrive.functionName.replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '');
    await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(redrive.event)) }));
  } else if (redrive.kind === 'publish') {
    await sns.send(new PublishCommand({ TopicArn: redrive.topicArn, Message: redrive.message, MessageAttributes: redrive.attributes }));
  }
}

export interface RedriveResult {
  sent: number;
  kept: { reason: string }[];
}

/** Redrives a local dead-letter file: what was sent leaves the file, what was not stays. */
export async function redriveFile(file: string, stage: string, clients: Clients): Promise<RedriveResult> {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  const result: RedriveResult = { sent: 0, kept: [] };
  const kept: string[] = [];
  for (const line of lines) {
    const redrive = redriveOf(line, {}, stage);
    try {
      if (redrive.kind === 'skip') throw new Error(redrive.reason);
      await send(redrive, clients);
      result.sent += 1;
    } catch (error) {
      kept.push(line);
      result.kept.push({ reason: error instanceof Error ? error.message : String(error) });
    }
  }
  writeFileSync(file, kept.map((line) => `${line}\n`).join(''));
  return result;
}

/** Redrives an SQS dead-letter queue until it is empty; a message that cannot be sent stays (and comes back after its visibility timeout). */
export async function redriveQueue(queueUrl: string, stage: string, clients: Clients & { sqs: SQSClient }): Promise<RedriveResult> {
  const result: RedriveResult = { sent: 0, kept: [] };
  for (;;) {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], VisibilityTimeout: 300 }));
    if (Messages.length === 0) return result;
    for (const message of Messages) {
      const attributes = Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue]));
      const redrive = redriveOf(message.Body ?? '', attributes, stage);
      try {
        if (redrive.kind === 'skip') throw new Error(redrive.reason);
        await send(redrive, clients);
        await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
        result.sent += 1;
      } catch (error) {
        result.kept.push({ reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { stage: { type: 'string' }, 'lambda-endpoint': { type: 'string' }, 'sns-endpoint': { type: 'string' } } });
  const [source] = positionals;
  if (!source) {
    process.stderr.write('usage: npm run redrive -- <queue-url | dead-letters.jsonl> [--stage <stage>] [--lambda-endpoint <url>] [--sns-endpoint <url>]\n');
    process.exit(2);
  }
  const local = !source.startsWith('https://');
  const stage = values.stage ?? (local ? 'local' : 'dev');
  const localConfig = local ? { region: 'us-east-1', credentials: LOCAL_CREDENTIALS } : {};
  const localEndpoint = (given: string | undefined, port: number) => given ?? (local ? `http://127.0.0.1:${port}` : undefined);
  const clients = {
    lambda: new LambdaClient({ ...localConfig, endpoint: localEndpoint(values['lambda-endpoint'], DEFAULT_PORTS.lambda) }),
    sns: new SNSClient({ ...localConfig, endpoint: localEndpoint(values['sns-endpoint'], DEFAULT_PORTS.sns) }),
    sqs: new SQSClient({}),
  };
  (local ? redriveFile(source, stage, clients) : redriveQueue(source, stage, clients)).then(
    ({ sent, kept }) => {
      process.stdout.write(`redrove ${sent}; kept ${kept.length}${kept.map(({ reason }) => `\n  - ${reason}`).join('')}\n`);
      process.exitCode = kept.length > 0 ? 1 : 0;
    },
    (error: Error) => {
      process.stderr.write(`redrive: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
