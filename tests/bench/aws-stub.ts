/**
 * AWS on loopback for the benchmark: answers the JSON-protocol calls the functions make to
 * CodeCommit, CodePipeline, CodeDeploy, SQS, SSM and DynamoDB, SNS's Publish, and Slack's Web API
 * under /api/; counts every call by operation and keeps what was published. DynamoDB is answered
 * from memory for the few expressions the ledger uses (dynalite, which the tests use, spends
 * 5-25 ms a call, more than the functions themselves).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BENCH_COMMIT = 'b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6';
const epoch = (iso: string) => Date.parse(iso) / 1000;

const ANSWERS: Record<string, (request: Record<string, unknown>) => unknown> = {
  'CodeCommit_20150413.GetCommit': () => ({ commit: { commitId: BENCH_COMMIT, message: 'Bench commit', author: { name: 'Bench', date: '1700000000 +0000' } } }),
  'CodeCommit_20150413.GetDifferences': () => ({ differences: [{ afterBlob: { path: 'index.html' }, changeType: 'M' }] }),
  'CodePipeline_20150709.StartPipelineExecution': () => ({ pipelineExecutionId: randomUUID() }),
  'CodePipeline_20150709.GetPipelineExecution': () => ({ pipelineExecution: { artifactRevisions: [{ revisionId: BENCH_COMMIT, created: epoch('2026-11-25T08:00:00Z') }], variables: [] } }),
  'CodePipeline_20150709.ListActionExecutions': () => ({ actionExecutionDetails: [] }),
  'CodeDeploy_20141006.GetDeployment': () => ({ deploymentInfo: { createTime: epoch('2026-11-25T09:00:00Z'), completeTime: epoch('2026-11-25T09:02:00Z') } }),
  // the idempotency records' and Slack cards' other calls: every update and delete succeeds
  'DynamoDB_20120810.UpdateItem': () => ({}),
  'DynamoDB_20120810.DeleteItem': () => ({}),
  'AmazonSSM.GetParameter': (request) => ({ Parameter: { Name: request.Name, Type: 'SecureString', Value: 'xoxb-bench-token', Version: 1 } }),
  'AmazonSQS.SendMessage': (request) => ({ MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(String(request.MessageBody)).digest('hex') }),
};

const body = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
  });

type Attribute = { S?: string; N?: string; M?: Record<string, Attribute> };
type Item = Record<string, Attribute>;

/** PutItem (with the ledger's two conditions), GetItem and Query (begins_with, BETWEEN, >; direction, Limit) over one table in memory. */
function memoryTable() {
  const items = new Map<string, Map<string, Item>>();
  const sortKeys = new Map<string, string[]>(); // per partition, kept sorted
  const text = (attribute: Attribute | undefined) => attribute?.S ?? attribute?.N ?? '';
  const firstAtOrAfter = (keys: string[], sk: string) => {
    let [low, high] = [0, keys.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (keys[middle]! < sk) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return {
    clear() {
      items.clear();
      sortKeys.clear();
    },
    PutItem({ Item, ConditionExpression, ExpressionAttributeValues = {} }: { Item: Item; ConditionExpression?: string; ExpressionAttributeValues?: Item }) {
      const partition = items.get(text(Item.pk)) ?? new Map<string, Item>();
      const existing = partition.get(text(Item.sk));
      const newer = ConditionExpression?.includes('<= :at') && existing && text(existing.at) > text(ExpressionAttributeValues[':at']);
      if (existing && (ConditionExpression === 'attribute_not_exists(pk)' || newer)) return { error: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException' };
      if (!existing) {
        const keys = sortKeys.get(text(Item.pk)) ?? [];
        keys.splice(firstAtOrAfter(keys, text(Item.sk)), 0, text(Item.sk));
        sortKeys.set(text(Item.pk), keys);
      }
      partition.set(text(Item.sk), Item);
      items.set(text(Item.pk), partition);
      return {};
    },
    GetItem({ Key }: { Key: Item }) {
      const item = items.get(text(Key.pk))?.get(text(Key.sk));
      return item ? { Item: item } : {};
    },
    Query({ KeyConditionExpression, ExpressionAttributeValues: values, ScanIndexForward = true, Limit }: { KeyConditionExpression: string; ExpressionAttributeValues: Item; ScanIndexForward?: boolean; Limit?: number }) {
      const keys = sortKeys.get(text(values[':pk'])) ?? [];
      const [from, to] = KeyConditionExpression.includes('begins_with')
        ? [text(values[':prefix']), `${text(values[':prefix'])}\uffff`]
        : KeyConditionExpression.includes('BETWEEN')
          ? [text(values[':first'] ?? values[':from']), `${text(values[':bound'] ?? values[':to'])}\u0000`]
          : [`${text(values[':bound'])}\u0000`, '\uffff'];
      const found = keys.slice(firstAtOrAfter(keys, from), firstAtOrAfter(keys, to));
      if (!ScanIndexForward) found.reverse();
      const page = found.slice(0, Limit ?? found.length);
      return { Items: page.map((sk) => items.get(text(values[':pk']))!.get(sk)), Count: page.length };
    },
  };
}

export interface AwsStub {
  url: string;
  calls: Map<string, number>;
  /** every SNS message published, with its attributes, in order */
  published: { message: string; attributes: Record<string, string> }[];
  /** Forgets every item: a long run's items would otherwise slow the loopback AWS for the functions measured last. */
  clearTable(): void;
  close(): Promise<void>;
}

/** Publish's message and attributes from its form body (MessageAttributes.entry.N.Name / .Value.StringValue). */
function publishedMessage(form: string): AwsStub['published'][number] {
  const params = new URLSearchParams(form);
  const attributes: Record<string, string> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    attributes[params.get(`MessageAttributes.entry.${n}.Name`)!] = params.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
  }
  return { message: params.get('Message') ?? '', attributes };
}

export async function startAwsStub(): Promise<AwsStub> {
  const calls = new Map<string, number>();
  const published: AwsStub['published'] = [];
  const table = memoryTable();
  const server = createServer(async (request, response) => {
    const text = await body(request);
    // SNS speaks the query protocol: the action is in the form body, not a header; Slack's method is the path
    const slackMethod = request.url?.startsWith('/api/') ? request.url.slice('/api/'.length) : undefined;
    const target = slackMethod ? `Slack ${slackMethod}` : String(request.headers['x-amz-target'] ?? (text.startsWith('Action=Publish') ? 'SNS.Publish' : ''));
    calls.set(target, (calls.get(target) ?? 0) + 1);
    if (slackMethod) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, channel: 'C0BENCH', ts: `${Date.now() / 1000}` }));
      return;
    }
    if (target === 'SNS.Publish') {
      published.push(publishedMessage(text));
      response.writeHead(200, { 'content-type': 'text/xml' }).end('<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>');
      return;
    }
    if (target === 'DynamoDB_20120810.PutItem' || target === 'DynamoDB_20120810.Query' || target === 'DynamoDB_20120810.GetItem') {
      const request = JSON.parse(text);
      const answer = target.endsWith('PutItem') ? table.PutItem(request) : target.endsWith('GetItem') ? table.GetItem(request) : table.Query(request);
      const failed = 'error' in answer;
      response.writeHead(failed ? 400 : 200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(failed ? { __type: answer.error, message: 'The conditional request failed' } : answer));
      return;
    }
    const answer = ANSWERS[target];
    if (!answer) {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer(JSON.parse(text || '{}') as Record<string, unknown>)));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, published, clearTable: () => table.clear(), close: () => new Promise((resolve) => server.close(() => resolve())) };
}
