/**
 * AWS on loopback for the benchmark: answers the JSON-protocol calls the functions make to
 * CodeCommit, CodePipeline, CodeDeploy, SQS and DynamoDB, SNS's Publish, Parameter Store as the
 * Parameters and Secrets Lambda Extension serves it, and Slack's Web API
 * under /api/; counts every call by operation and keeps what was published. DynamoDB is answered
 * from memory for the few expressions the ledger uses (dynalite, which the tests use, spends
 * 5-25 ms a call, more than the functions themselves).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

export const BENCH_COMMIT = 'b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6';
const BENCH_PARENT = 'a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5';
const epoch = (iso: string) => Date.parse(iso) / 1000;

const ANSWERS: Record<string, (request: Record<string, unknown>) => unknown> = {
  'CodeCommit_20150413.GetCommit': () => ({ commit: { commitId: BENCH_COMMIT, message: 'Bench commit', author: { name: 'Bench', date: '1700000000 +0000' } } }),
  'CodeCommit_20150413.GetDifferences': () => ({ differences: [{ afterBlob: { path: 'index.html' }, changeType: 'M' }] }),
  'CodePipeline_20150709.StartPipelineExecution': () => ({ pipelineExecutionId: randomUUID() }),
  'CodePipeline_20150709.GetPipelineExecution': () => ({ pipelineExecution: { artifactRevisions: [{ revisionId: BENCH_COMMIT, created: epoch('2026-11-25T08:00:00Z') }], variables: [] } }),
  'CodePipeline_20150709.ListActionExecutions': () => ({ actionExecutionDetails: [] }),
  // the production pipeline's previous deployment, whose commit is the bench commit's parent
  'CodePipeline_20150709.ListPipelineExecutions': () => ({
    pipelineExecutionSummaries: [{ pipelineExecutionId: 'bench-previous', status: 'Succeeded', executionType: 'STANDARD', startTime: epoch('2026-11-24T08:00:00Z'), lastUpdateTime: epoch('2026-11-24T09:00:00Z'), sourceRevisions: [{ actionName: 'Source', revisionId: BENCH_PARENT }] }],
  }),
  'CodeCommit_20150413.BatchGetCommits': (request) => ({
    commits: (request.commitIds as string[]).map((commitId) => ({ commitId, message: 'Bench commit', parents: commitId === BENCH_COMMIT ? [BENCH_PARENT] : [], author: { name: 'Bench', date: '1700000000 +0000' }, committer: { name: 'Bench', date: '1700000000 +0000' } })),
    errors: [],
  }),
  'CodeDeploy_20141006.GetDeployment': () => ({ deploymentInfo: { createTime: epoch('2026-11-25T09:00:00Z'), completeTime: epoch('2026-11-25T09:02:00Z') } }),
  // the idempotency records' other calls: every delete succeeds
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

const CONDITION_FAILED = { error: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException' };

/**
 * The Slack card's updates (shared/aws/card-table.ts), recognised by their expressions, on the item
 * as plain values; other updates (the idempotency records') change nothing.
 */
function updatedCard(expression: string, old: Record<string, any> | undefined, key: Record<string, unknown>, values: Record<string, any>): Record<string, any> | typeof CONDITION_FAILED | undefined {
  const item = structuredClone(old) ?? { ...key };
  const holds = old?.lease?.owner === values[':owner'];
  const leaseHeld = old?.lease && old.lease.until >= values[':now'];
  // where a holder's message is, saved as it ends its lease
  const where = () => Object.assign(item, { channel: values[':channel'] ?? item.channel, ts: values[':ts'] ?? item.ts });
  if (expression.startsWith('SET inbox')) {
    const taking = expression.includes('lease = :lease');
    if (old?.seen?.has(values[':idValue']) || (taking && leaseHeld)) return CONDITION_FAILED;
    Object.assign(item, { inbox: [...(item.inbox ?? []), ...values[':notification']], channel: item.channel ?? values[':channel'], shownVersion: item.shownVersion ?? 0, version: (item.version ?? 0) + 1, seen: new Set([...(item.seen ?? []), ...values[':id']]) });
    if (taking) item.lease = values[':lease'];
  } else if (expression === 'SET lease = :lease') {
    if (!old || leaseHeld) return CONDITION_FAILED;
    item.lease = values[':lease'];
  } else if (expression.startsWith('SET lease.#until')) {
    if (!holds) return CONDITION_FAILED;
    item.lease.until = values[':now'];
    where();
  } else if (expression.startsWith('SET #state')) {
    if (!holds) return CONDITION_FAILED;
    Object.assign(item, { state: values[':state'], shownVersion: values[':version'], inbox: item.inbox.slice(expression.split('inbox[').length - 1) });
    where();
    delete item.lease;
  } else if (expression.startsWith('SET version = :next')) {
    if (!old || old.version !== values[':version'] || old.shownVersion !== values[':version'] || old.lease || old.seen?.has(values[':idValue'])) return CONDITION_FAILED;
    Object.assign(item, { version: values[':next'], shownVersion: values[':next'], state: values[':state'], seen: new Set([...(item.seen ?? []), ...values[':id']]) });
  } else if (expression.startsWith('SET cardKey')) item.cardKey = values[':key'];
  else if (expression.startsWith('SET held')) {
    if (old?.cardKey) return CONDITION_FAILED;
    item.held = [...(item.held ?? []), ...values[':notification']];
  } else return undefined;
  return item;
}

/** PutItem (with the ledger's conditions), GetItem, UpdateItem (the Slack card's) and Query (begins_with, BETWEEN, >; direction, Limit) over one table in memory. */
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
    PutItem({ Item, ConditionExpression, ExpressionAttributeValues = {}, ReturnValues }: { Item: Item; ConditionExpression?: string; ExpressionAttributeValues?: Item; ReturnValues?: string }) {
      const partition = items.get(text(Item.pk)) ?? new Map<string, Item>();
      const existing = partition.get(text(Item.sk));
      const newer = ConditionExpression?.includes('<= :at') && existing && text(existing.at) > text(ExpressionAttributeValues[':at']);
      const another = ConditionExpression?.includes('eventId = :eventId') && existing && text(existing.eventId) !== text(ExpressionAttributeValues[':eventId']);
      if (existing && (ConditionExpression === 'attribute_not_exists(pk)' || newer || another)) return CONDITION_FAILED;
      if (!existing) {
        const keys = sortKeys.get(text(Item.pk)) ?? [];
        keys.splice(firstAtOrAfter(keys, text(Item.sk)), 0, text(Item.sk));
        sortKeys.set(text(Item.pk), keys);
      }
      partition.set(text(Item.sk), Item);
      items.set(text(Item.pk), partition);
      return ReturnValues === 'ALL_OLD' && existing ? { Attributes: existing } : {};
    },
    GetItem({ Key }: { Key: Item }) {
      const item = items.get(text(Key.pk))?.get(text(Key.sk));
      return item ? { Item: item } : {};
    },
    UpdateItem({ Key, UpdateExpression, ExpressionAttributeValues = {}, ReturnValues }: { Key: Item; UpdateExpression: string; ExpressionAttributeValues?: Item; ReturnValues?: string }) {
      const stored = items.get(text(Key.pk))?.get(text(Key.sk));
      const old = stored && unmarshall(stored as never);
      const item = updatedCard(UpdateExpression, old, unmarshall(Key as never), unmarshall(ExpressionAttributeValues as never));
      if (item === undefined || item === CONDITION_FAILED) return item ?? {};
      this.PutItem({ Item: marshall(item, { removeUndefinedValues: true }) as Item });
      const returned = ReturnValues === 'ALL_OLD' ? old : ReturnValues === 'ALL_NEW' || ReturnValues === 'UPDATED_NEW' ? item : undefined;
      return returned ? { Attributes: marshall(returned, { removeUndefinedValues: true }) } : {};
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
    // the Parameters and Secrets extension's read, which is a GetParameter on its first use in a container
    const extension = request.url?.startsWith('/systemsmanager/parameters/get') ? new URL(request.url, 'http://localhost').searchParams : undefined;
    const target = slackMethod ? `Slack ${slackMethod}` : extension ? 'AmazonSSM.GetParameter' : String(request.headers['x-amz-target'] ?? (text.startsWith('Action=Publish') ? 'SNS.Publish' : ''));
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
    const operation = target.startsWith('DynamoDB_20120810.') ? (target.split('.')[1] as 'PutItem' | 'GetItem' | 'UpdateItem' | 'Query') : undefined;
    if (operation && operation in table) {
      const answer: object = table[operation](JSON.parse(text));
      const failed = 'error' in answer;
      response.writeHead(failed ? 400 : 200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(failed ? { __type: (answer as typeof CONDITION_FAILED).error, message: 'The conditional request failed' } : answer));
      return;
    }
    const answer = ANSWERS[target];
    if (!answer) {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
      return;
    }
    const input = extension ? { Name: extension.get('name'), WithDecryption: extension.get('withDecryption') === 'true' } : (JSON.parse(text || '{}') as Record<string, unknown>);
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer(input)));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, published, clearTable: () => table.clear(), close: () => new Promise((resolve) => server.close(() => resolve())) };
}
