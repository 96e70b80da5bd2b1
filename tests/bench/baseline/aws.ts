// BASELINE (benchmark only): AWS calls as signed POSTs with node:http, logs and EMF by hand.
import { createHash, createHmac } from 'node:crypto';
// plain node:http, as the functions post to AWS
import { post } from '../../../shared/aws/http-post';

const endpoint = () => process.env.AWS_ENDPOINT_URL ?? '';
// as the functions give up on a call (shared/aws/client-config.ts)
const REQUEST_TIMEOUT_MS = 3_000;
const SERVICES: Record<string, string> = { DynamoDB: 'dynamodb', CodeCommit: 'codecommit', CodePipeline: 'codepipeline', CodeDeploy: 'codedeploy', AmazonSQS: 'sqs' };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const signingKeys = new Map<string, Buffer>();

/**
 * A POST to AWS with Signature Version 4 headers, as AWS takes no unsigned call: the signing key
 * derived once a day for each service, as the SDK keeps it.
 */
function signed(service: string, headers: Record<string, string>, body: string): Record<string, string> {
  const url = new URL(endpoint());
  const amzDate = new Date().toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const sent: Record<string, string> = { ...headers, 'x-amz-date': amzDate, ...(process.env.AWS_SESSION_TOKEN ? { 'x-amz-security-token': process.env.AWS_SESSION_TOKEN } : {}) };
  // node:http sends the host itself
  const all: Record<string, string> = { ...sent, host: url.host };
  const names = Object.keys(all).sort();
  const scope = `${day}/${region}/${service}/aws4_request`;
  const canonical = ['POST', url.pathname, '', ...names.map((name) => `${name}:${all[name]}`), '', names.join(';'), sha256(body)].join('\n');
  let key = signingKeys.get(scope);
  if (!key) signingKeys.set(scope, (key = hmac(hmac(hmac(hmac(`AWS4${process.env.AWS_SECRET_ACCESS_KEY}`, day), region), service), 'aws4_request')));
  const signature = createHmac('sha256', key).update(['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')).digest('hex');
  return { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${process.env.AWS_ACCESS_KEY_ID}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

export async function call<T>(target: string, input: object, protocol = '1.1'): Promise<T> {
  const body = JSON.stringify(input);
  const headers = signed(SERVICES[target.split('_')[0]!.split('.')[0]!]!, { 'content-type': `application/x-amz-json-${protocol}`, 'x-amz-target': target }, body);
  const { status, text } = await post(new URL(endpoint()), headers, body, REQUEST_TIMEOUT_MS);
  if (status >= 300) throw new Error(`${target}: ${status} ${text}`);
  return JSON.parse(text) as T;
}

/** PutItem of string and number attributes; false when the condition failed. */
export async function putItem(item: Record<string, string | number | undefined>, condition?: string, values?: Record<string, string>): Promise<boolean> {
  return (await written(item, condition, values)) !== undefined;
}

/** An event's own record, as the functions write it: false when the same event (its `eventId`) was recorded before, so counts nothing twice. */
export async function recordEvent(item: Record<string, string | number | undefined> & { eventId: string }, condition?: string, values?: Record<string, string>): Promise<boolean> {
  const old = await written(item, condition, values);
  return old?.eventId?.S !== item.eventId;
}

async function written(item: Record<string, string | number | undefined>, condition?: string, values?: Record<string, string>): Promise<Record<string, { S?: string }> | undefined> {
  const Item = Object.fromEntries(Object.entries(item).flatMap(([key, value]) => (value === undefined ? [] : [[key, typeof value === 'number' ? { N: String(value) } : { S: value }]])));
  const ExpressionAttributeValues = values && Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { S: value }]));
  try {
    const { Attributes } = await call<{ Attributes?: Record<string, { S?: string }> }>('DynamoDB_20120810.PutItem', { TableName: process.env.LEDGER_TABLE, Item, ConditionExpression: condition, ExpressionAttributeValues, ReturnValues: 'ALL_OLD' }, '1.0');
    return Attributes ?? {};
  } catch (error) {
    if (String(error).includes('ConditionalCheckFailed')) return undefined;
    throw error;
  }
}

/** An item's string and number attributes, or undefined. */
export async function getItem(pk: string, sk: string): Promise<Record<string, string> | undefined> {
  const { Item } = await call<{ Item?: Record<string, { S?: string; N?: string }> }>('DynamoDB_20120810.GetItem', { TableName: process.env.LEDGER_TABLE, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }, '1.0');
  return Item && Object.fromEntries(Object.entries(Item).map(([key, value]) => [key, value.S ?? value.N ?? '']));
}

/** One page of a Query: by prefix, or after (forward) or up to (backward) a bound. */
export async function query(pk: string, range: { prefix: string } | { bound: string; forward: boolean; limit: number }): Promise<Record<string, string>[]> {
  const condition =
    'prefix' in range
      ? { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': { S: pk }, ':prefix': { S: range.prefix } } }
      : {
          KeyConditionExpression: range.forward ? 'pk = :pk AND sk > :bound' : 'pk = :pk AND sk BETWEEN :first AND :bound',
          ExpressionAttributeValues: { ':pk': { S: pk }, ':bound': { S: range.bound }, ...(range.forward ? {} : { ':first': { S: 'ENDED#' } }) },
          ScanIndexForward: range.forward,
          Limit: range.limit,
        };
  const { Items = [] } = await call<{ Items?: Record<string, { S?: string; N?: string }>[] }>('DynamoDB_20120810.Query', { TableName: process.env.LEDGER_TABLE, ...condition }, '1.0');
  return Items.map((item) => Object.fromEntries(Object.entries(item).map(([key, value]) => [key, value.S ?? value.N ?? ''])));
}

export const log = (level: string, message: string, fields: object = {}) => process.stdout.write(`${JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields })}\n`);

export function emf(metrics: Record<string, number>, dimensions: Record<string, string> = {}): void {
  const all = { service: 'release-conductor', ...dimensions };
  const declared = Object.keys(metrics).map((Name) => ({ Name, Unit: Name.endsWith('Duration') ? 'Seconds' : 'Count' }));
  process.stdout.write(`${JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'ReleaseConductor', Dimensions: [Object.keys(all)], Metrics: declared }] }, ...all, ...metrics })}\n`);
}

export async function deadLetter(functionName: string, reason: string, event: unknown): Promise<void> {
  log('ERROR', 'malformed event: dead-lettered', { reason });
  await call('AmazonSQS.SendMessage', { QueueUrl: process.env.DEAD_LETTER_QUEUE_URL, MessageBody: JSON.stringify({ functionName, reason, event }) }, '1.0');
}

export const token = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');

/** SNS Publish in the query protocol, with the attributes subscribers filter on. */
export async function publish(notification: { id: string; kind: string; severity: string; team: string } & Record<string, unknown>): Promise<void> {
  const attributes = (['team', 'severity', 'kind'] as const).flatMap((name, i): [string, string][] => [
    [`MessageAttributes.entry.${i + 1}.Name`, name],
    [`MessageAttributes.entry.${i + 1}.Value.DataType`, 'String'],
    [`MessageAttributes.entry.${i + 1}.Value.StringValue`, notification[name]],
  ]);
  const body = new URLSearchParams([['Action', 'Publish'], ['Version', '2010-03-31'], ['TopicArn', process.env.NOTIFICATIONS_TOPIC_ARN ?? ''], ['Message', JSON.stringify(notification)], ...attributes] as [string, string][]).toString();
  const headers = signed('sns', { 'content-type': 'application/x-www-form-urlencoded' }, body);
  const { status, text } = await post(new URL(endpoint()), headers, body, REQUEST_TIMEOUT_MS);
  if (status >= 300) throw new Error(`SNS Publish: ${status} ${text}`);
}
