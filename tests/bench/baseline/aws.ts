// BASELINE (benchmark only): AWS calls as raw fetch, logs and EMF by hand.
import { createHash } from 'node:crypto';

const endpoint = () => process.env.AWS_ENDPOINT_URL ?? '';

export async function call<T>(target: string, input: object, protocol = '1.1'): Promise<T> {
  const response = await fetch(endpoint(), { method: 'POST', headers: { 'content-type': `application/x-amz-json-${protocol}`, 'x-amz-target': target }, body: JSON.stringify(input) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target}: ${response.status} ${text}`);
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
  const body = new URLSearchParams([['Action', 'Publish'], ['TopicArn', process.env.NOTIFICATIONS_TOPIC_ARN ?? ''], ['Message', JSON.stringify(notification)], ...attributes] as [string, string][]);
  const response = await fetch(endpoint(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  if (!response.ok) throw new Error(`SNS Publish: ${response.status} ${await response.text()}`);
}
