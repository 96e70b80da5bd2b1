// BASELINE (benchmark only): notify-slack by hand, with the function's card design: the notification
// recorded and the card's lease taken in one write, the one Slack message posted or updated, the card
// saved and freed in one more. The card itself is the function's (functions/notify-slack/card.ts:
// plain code, no framework): the same Block Kit message from the same state, and so is which
// notifications go straight to the lease (functions/notify-slack/deliver.ts).
import { randomUUID } from 'node:crypto';
import policy from '../../../release-policy.yml';
import { applyNotification, renderCard, type CardState } from '../../../functions/notify-slack/card';
import { opensCard } from '../../../functions/notify-slack/deliver';
import type { ReleasePolicy } from '../../../shared/release-policy';
import type { ReleaseNotification as Notification } from '../../../shared/release-notification';
import { appendKeys, call, getItem, invocation, log, type Context } from './aws';

type SnsEvent = { Records?: { Sns?: { Message?: string } }[] };
type Attribute = { S?: string; N?: string };

// the settings read once, when the bundle loads
const { SLACK_API_URL, LEDGER_TABLE } = process.env;
let token: Promise<string> | undefined;
// as notify-slack reads it: from the Parameters and Secrets extension on localhost
const botToken = () =>
  (token ??= fetch(`http://localhost:${process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}/systemsmanager/parameters/get?name=${encodeURIComponent(process.env.SLACK_BOT_TOKEN_PARAMETER ?? '')}&withDecryption=true`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
  })
    .then((response) => response.json() as Promise<{ Parameter: { Value: string } }>)
    .then(({ Parameter }) => Parameter.Value));

async function slack(method: string, body: object): Promise<{ ok: boolean; channel?: string; ts?: string; error?: string }> {
  const response = await fetch(`${SLACK_API_URL}${method}`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${await botToken()}` }, body: JSON.stringify(body) });
  const answer = (await response.json()) as { ok: boolean; channel?: string; ts?: string; error?: string };
  if (!answer.ok) throw new Error(`Slack ${method}: ${answer.error}`);
  return answer;
}

const updateItem = (key: string, input: object) => call<{ Attributes?: Record<string, Attribute> }>('DynamoDB_20120810.UpdateItem', { TableName: LEDGER_TABLE, Key: { pk: { S: key }, sk: { S: 'MESSAGE' } }, ...input }, '1.0');

/** A message already posted and idle: updated, then saved in one conditional write; false when the lease's path must show it. */
async function updateInPlace(key: string, notification: Notification): Promise<boolean> {
  if (notification.severity === 'failure') return false;
  const { Item: card } = await call<{ Item?: Record<string, Attribute & { SS?: string[]; M?: object }> }>('DynamoDB_20120810.GetItem', { TableName: LEDGER_TABLE, Key: { pk: { S: key }, sk: { S: 'MESSAGE' } }, ConsistentRead: true }, '1.0');
  const version = card?.version?.N;
  if (!card?.ts?.S || !card.state?.S || card.lease || version !== card.shownVersion?.N || card.seen?.SS?.includes(notification.id)) return false;
  const state = applyNotification(JSON.parse(card.state.S) as CardState, notification);
  const { text, blocks } = renderCard(state, policy as ReleasePolicy);
  await slack('chat.update', { channel: card.channel?.S, ts: card.ts.S, text, blocks });
  try {
    await updateItem(key, {
      UpdateExpression: 'SET version = :next, shownVersion = :next, #state = :state ADD seen :id',
      ConditionExpression: 'version = :version AND shownVersion = :version AND attribute_not_exists(lease) AND NOT contains(seen, :idValue)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':next': { N: String(Number(version) + 1) }, ':version': { N: version }, ':state': { S: JSON.stringify(state) }, ':id': { SS: [notification.id] }, ':idValue': { S: notification.id } },
    });
    return true;
  } catch (error) {
    if (String(error).includes('ConditionalCheckFailed')) return false;
    throw error;
  }
}

export const handler = async (event: SnsEvent, context: Context) => (invocation('notify-slack', context, {}), handle(JSON.parse(event.Records?.[0]?.Sns?.Message ?? '{}') as Notification));

async function handle(notification: Notification): Promise<unknown> {
  appendKeys({ notificationId: notification.id, kind: notification.kind, team: notification.team });
  const channel = policy.teams[notification.team]?.slack?.channel;
  if (!channel) return log('INFO', 'no channel', { team: notification.team });
  const externalId = notification.build?.id ?? notification.deployment?.id;
  const linked = !notification.pipeline?.executionId && externalId ? (await getItem(`CARD#ALIAS#${externalId}`, 'SLACK'))?.cardKey : undefined;
  const key = linked ?? `CARD#${notification.pipeline?.executionId ? `EXECUTION#${notification.pipeline.name}#${notification.pipeline.executionId}` : `${notification.kind}#${externalId ?? notification.id}`}`;
  const inPlace = opensCard(notification) ? undefined : await updateInPlace(key, notification);
  if (inPlace) return log('INFO', 'slack delivery', { outcome: 'updated' });
  const owner = randomUUID();
  const now = Date.now();
  let old: Record<string, Attribute> | undefined;
  try {
    ({ Attributes: old = {} } = await updateItem(key, {
      UpdateExpression: 'SET inbox = list_append(if_not_exists(inbox, :none), :notification), channel = if_not_exists(channel, :channel), shownVersion = if_not_exists(shownVersion, :zero), lease = :lease ADD version :one, seen :id',
      ConditionExpression: '(attribute_not_exists(seen) OR NOT contains(seen, :idValue)) AND (attribute_not_exists(lease) OR lease.#until < :now)',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: {
        ':none': { L: [] }, ':notification': { L: [{ S: JSON.stringify(notification) }] }, ':channel': { S: channel }, ':zero': { N: '0' }, ':one': { N: '1' },
        ':id': { SS: [notification.id] }, ':idValue': { S: notification.id }, ':now': { N: String(now) },
        ':lease': { M: { owner: { S: owner }, since: { N: String(now) }, until: { N: String(now + 10_000) } } },
      },
      ReturnValues: 'ALL_OLD',
    }));
  } catch (error) {
    // seen before, or another delivery shows the card (the function then waits for it): nothing more here
    if (String(error).includes('ConditionalCheckFailed')) return log('INFO', 'slack delivery', { outcome: 'shown' });
    throw error;
  }
  // the card as recorded (its state and the notifications not yet shown, as JSON), with this one
  const earlier = (old.inbox as { L?: Attribute[] } | undefined)?.L ?? [];
  const state = [...earlier.map((entry) => JSON.parse(entry.S!) as Notification), notification].reduce<CardState | undefined>(applyNotification, old.state?.S ? (JSON.parse(old.state.S) as CardState) : undefined)!;
  const { text, blocks } = renderCard(state, policy as ReleasePolicy);
  const posted = old.ts?.S
    ? await slack('chat.update', { channel: old.channel?.S, ts: old.ts.S, text, blocks })
    : await slack('chat.postMessage', { channel, text, blocks, metadata: { event_type: 'release_conductor_card', event_payload: { key } } });
  await updateItem(key, {
    UpdateExpression: 'SET #state = :state, shownVersion = :version, channel = :channel, ts = :ts REMOVE lease, ' + [...earlier, notification].map((_, index, all) => `inbox[${all.length - 1 - index}]`).join(', '),
    ConditionExpression: 'lease.#owner = :owner',
    ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
    ExpressionAttributeValues: { ':state': { S: JSON.stringify(state) }, ':version': { N: String(Number(old.version?.N ?? 0) + 1) }, ':channel': { S: posted.channel ?? channel }, ':ts': { S: posted.ts ?? old.ts?.S ?? '' }, ':owner': { S: owner } },
  });
  return log('INFO', 'slack delivery', { outcome: old.ts?.S ? 'updated' : 'posted' });
}
