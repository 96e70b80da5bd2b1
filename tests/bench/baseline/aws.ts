// BASELINE (benchmark only): AWS calls as signed POSTs with node:http, logs and EMF by hand.
import { createHash, createHmac } from 'node:crypto';
// plain node:http, as the functions post to AWS
import { post } from '../../../shared/aws/http-post';
import { bounded, type ReleaseNotification } from '../../../shared/release-notification';

// the settings read once, when the bundle loads, as the functions' adapters read theirs
const ENDPOINT = new URL(process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1');
const REGION = process.env.AWS_REGION ?? 'us-east-1';
const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, LEDGER_TABLE, NOTIFICATIONS_TOPIC_ARN = '', DEAD_LETTER_QUEUE_URL } = process.env;
const RETENTION_SECONDS = Number(process.env.LEDGER_RETENTION_DAYS) * 86_400;
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
  const amzDate = new Date().toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const sent: Record<string, string> = { ...headers, 'x-amz-date': amzDate, ...(AWS_SESSION_TOKEN ? { 'x-amz-security-token': AWS_SESSION_TOKEN } : {}) };
  // node:http sends the host itself
  const all: Record<string, string> = { ...sent, host: ENDPOINT.host };
  const names = Object.keys(all).sort();
  const scope = `${day}/${REGION}/${service}/aws4_request`;
  const canonical = ['POST', ENDPOINT.pathname, '', ...names.map((name) => `${name}:${all[name]}`), '', names.join(';'), sha256(body)].join('\n');
  let key = signingKeys.get(scope);
  if (!key) signingKeys.set(scope, (key = hmac(hmac(hmac(hmac(`AWS4${AWS_SECRET_ACCESS_KEY}`, day), REGION), service), 'aws4_request')));
  const signature = createHmac('sha256', key).update(['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')).digest('hex');
  return { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${AWS_ACCESS_KEY_ID}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

export async function call<T>(target: string, input: object, protocol = '1.1'): Promise<T> {
  const body = JSON.stringify(input);
  const headers = signed(SERVICES[target.split('_')[0]!.split('.')[0]!]!, { 'content-type': `application/x-amz-json-${protocol}`, 'x-amz-target': target }, body);
  const { status, text } = await post(ENDPOINT, headers, body, REQUEST_TIMEOUT_MS);
  if (status >= 300) throw new Error(`${target}: ${status} ${text}`);
  return JSON.parse(text) as T;
}

/** A PutItem's condition, as the functions write it. */
export type Condition = { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };

/** PutItem of string and number attributes; false when the condition failed. */
export async function putItem(item: Record<string, unknown>, condition?: Condition): Promise<boolean> {
  return (await written(item, condition)) !== undefined;
}

/** An event's own record, as the functions write it: false when the same event (its `eventId`) was recorded before, so counts nothing twice. */
export async function recordEvent(item: Record<string, unknown> & { eventId: string }, condition?: Condition): Promise<boolean> {
  const old = await written(item, condition);
  return old?.eventId?.S !== item.eventId;
}

// every ledger item expires, as the functions write them (LEDGER_RETENTION_DAYS)
const expiresAt = () => Math.floor(Date.now() / 1000) + RETENTION_SECONDS;

type AttributeValue = { S: string } | { N: string } | { BOOL: boolean } | { L: AttributeValue[] } | { M: Record<string, AttributeValue> };

/** A value as DynamoDB's JSON has it (what the functions' marshalling does: undefined left out). */
function attribute(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(attribute) };
  return { M: attributes(value as Record<string, unknown>) };
}
const attributes = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).flatMap(([key, value]) => (value === undefined ? [] : [[key, attribute(value)]])));

async function written(item: Record<string, unknown>, condition?: Condition): Promise<Record<string, { S?: string }> | undefined> {
  const ExpressionAttributeValues = condition?.values && attributes(condition.values);
  try {
    const { Attributes } = await call<{ Attributes?: Record<string, { S?: string }> }>('DynamoDB_20120810.PutItem', { TableName: LEDGER_TABLE, Item: attributes({ ...item, expiresAt: expiresAt() }), ConditionExpression: condition?.expression, ExpressionAttributeNames: condition?.names, ExpressionAttributeValues, ReturnValues: 'ALL_OLD' }, '1.0');
    return Attributes ?? {};
  } catch (error) {
    if (String(error).includes('ConditionalCheckFailed')) return undefined;
    throw error;
  }
}

/** An item's string and number attributes, or undefined. */
export async function getItem(pk: string, sk: string): Promise<Record<string, string> | undefined> {
  const { Item } = await call<{ Item?: Record<string, { S?: string; N?: string }> }>('DynamoDB_20120810.GetItem', { TableName: LEDGER_TABLE, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }, '1.0');
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
  const { Items = [] } = await call<{ Items?: Record<string, { S?: string; N?: string }>[] }>('DynamoDB_20120810.Query', { TableName: LEDGER_TABLE, ...condition }, '1.0');
  return Items.map((item) => Object.fromEntries(Object.entries(item).map(([key, value]) => [key, value.S ?? value.N ?? ''])));
}

export type Context = { functionName: string; invokedFunctionArn: string; memoryLimitInMB: string; awsRequestId: string };
let invocations = 0;
let keys: Record<string, unknown> = {};

/** An invocation starts: its log lines carry Lambda's context, the function's name and the event's ids, as the functions' lines do. */
export function invocation(functionName: string, context: Context, event: { id?: string; 'detail-type'?: string }): void {
  const coldStart = invocations++ === 0;
  // Lambda's cold start counted, as the functions count it
  if (coldStart) process.stdout.write(`${JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'ReleaseConductor', Dimensions: [['service', 'function_name']], Metrics: [{ Name: 'ColdStart', Unit: 'Count' }] }] }, service: 'release-conductor', function_name: context.functionName, ColdStart: 1 })}\n`);
  keys = { service: 'release-conductor', cold_start: coldStart, function_arn: context.invokedFunctionArn, function_memory_size: context.memoryLimitInMB, function_name: context.functionName, function_request_id: context.awsRequestId, function: functionName, eventId: event?.id, detailType: event?.['detail-type'] };
}

/** Keys on the rest of the invocation's lines (a build's ids). */
export const appendKeys = (more: Record<string, unknown>) => (keys = { ...keys, ...more });

export const log = (level: string, message: string, fields: object = {}) =>
  (level === 'INFO' ? process.stdout : process.stderr).write(`${JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...keys, ...fields })}\n`);

/** One EMF line: the metrics by service and `dimensions`, at `at` (epoch ms) if not now, and also by service alone if `alsoByService`. */
export function emf(metrics: Record<string, number>, dimensions: Record<string, string> = {}, { at, alsoByService = false }: { at?: number; alsoByService?: boolean } = {}): void {
  const all = { service: 'release-conductor', ...dimensions };
  const declared = Object.keys(metrics).map((Name) => ({ Name, Unit: /Duration|Time/.test(Name) ? 'Seconds' : 'Count' }));
  const sets = alsoByService ? [Object.keys(all), ['service']] : [Object.keys(all)];
  process.stdout.write(`${JSON.stringify({ _aws: { Timestamp: at ?? Date.now(), CloudWatchMetrics: [{ Namespace: 'ReleaseConductor', Dimensions: sets, Metrics: declared }] }, ...all, ...metrics })}\n`);
}

export async function deadLetter(functionName: string, reason: string, event: unknown): Promise<void> {
  log('ERROR', 'malformed event: dead-lettered', { reason });
  await call('AmazonSQS.SendMessage', { QueueUrl: DEAD_LETTER_QUEUE_URL, MessageBody: JSON.stringify({ functionName, reason, event }) }, '1.0');
}

export const token = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');

/** SNS Publish in the query protocol, every string clipped as the functions clip it, with the attributes subscribers filter on. */
export async function publish(notification: ReleaseNotification): Promise<void> {
  const attributes = (['team', 'severity', 'kind'] as const).flatMap((name, i): [string, string][] => [
    [`MessageAttributes.entry.${i + 1}.Name`, name],
    [`MessageAttributes.entry.${i + 1}.Value.DataType`, 'String'],
    [`MessageAttributes.entry.${i + 1}.Value.StringValue`, notification[name]],
  ]);
  const body = new URLSearchParams([['Action', 'Publish'], ['Version', '2010-03-31'], ['TopicArn', NOTIFICATIONS_TOPIC_ARN], ['Message', JSON.stringify(bounded(notification))], ...attributes] as [string, string][]).toString();
  const headers = signed('sns', { 'content-type': 'application/x-www-form-urlencoded' }, body);
  const { status, text } = await post(ENDPOINT, headers, body, REQUEST_TIMEOUT_MS);
  if (status >= 300) throw new Error(`SNS Publish: ${status} ${text}`);
}
