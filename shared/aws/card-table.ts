import { conditional, isConditionFailed, type DynamoDocuments } from './dynamodb-documents';
import type { ReleaseNotification } from '../release-notification';
import type { CardStore, StoredCard } from '../ports';

// In the ledger table (infra/ledger.yml), next to the execution's history, with the same TTL.
// (`SLACK` items are cards of the earlier, unleased shape: left to expire.)
const cardKey = (key: string) => ({ pk: `CARD#${key}`, sk: 'MESSAGE' });
const aliasKey = (externalId: string) => ({ pk: `CARD#ALIAS#${externalId}`, sk: 'SLACK' });

export function cardTable<State>(client: DynamoDocuments, tableName: string, retentionDays: number): CardStore<State> {
  const expiresAt = () => Math.floor(Date.now() / 1000) + retentionDays * 86_400;

  const get = async (key: string) => {
    const { Item } = await client.get({ TableName: tableName, Key: cardKey(key), ConsistentRead: true });
    return Item && (toCard(Item) as StoredCard<State>);
  };
  const cardOf = async (externalId: string) => {
    const { Item } = await client.get({ TableName: tableName, Key: aliasKey(externalId), ConsistentRead: true });
    return Item?.cardKey as string | undefined;
  };
  const holdsLease = { ConditionExpression: 'lease.#owner = :owner', ExpressionAttributeNames: { '#owner': 'owner' } };
  /** Where a message just posted is, for the write that ends the lease. */
  const where = (message?: { channel: string; ts?: string }) => ({
    set: [...(message ? ['channel = :channel'] : []), ...(message?.ts ? ['ts = :ts'] : [])],
    values: { ...(message ? { ':channel': message.channel } : {}), ...(message?.ts ? { ':ts': message.ts } : {}) },
  });
  const recording = (channel: string, notification: ReleaseNotification) => ({
    update: 'SET inbox = list_append(if_not_exists(inbox, :none), :notification), channel = if_not_exists(channel, :channel), shownVersion = if_not_exists(shownVersion, :zero), expiresAt = :expiresAt',
    condition: 'attribute_not_exists(seen) OR NOT contains(seen, :idValue)',
    values: { ':none': [], ':notification': [notification], ':channel': channel, ':zero': 0, ':one': 1, ':id': new Set([notification.id]), ':idValue': notification.id, ':expiresAt': expiresAt() },
  });

  return {
    get,
    cardOf,
    async record(key, channel, notification) {
      const { update, condition, values } = recording(channel, notification);
      try {
        const { Attributes } = await client.update({ TableName: tableName, Key: cardKey(key), UpdateExpression: `${update} ADD version :one, seen :id`, ConditionExpression: condition, ExpressionAttributeValues: values, ReturnValues: 'UPDATED_NEW' });
        return Attributes!.version as number;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        return (await get(key))!.version;
      }
    },
    async recordTaking(key, channel, notification, lease) {
      const { update, condition, values } = recording(channel, notification);
      try {
        const { Attributes } = await client.update({
          TableName: tableName,
          Key: cardKey(key),
          UpdateExpression: `${update}, lease = :lease ADD version :one, seen :id`,
          ConditionExpression: `(${condition}) AND (attribute_not_exists(lease) OR lease.#until < :now)`,
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ...values, ':lease': lease, ':now': lease.since },
          ReturnValues: 'ALL_OLD',
        });
        // the card as it was, with what this write added
        const before = toCard(Attributes ?? {}) as StoredCard<State>;
        return { ...before, channel: before.channel ?? channel, inbox: [...before.inbox, notification], version: before.version + 1 };
      } catch (error) {
        if (isConditionFailed(error)) return undefined;
        throw error;
      }
    },
    async acquire(key, lease) {
      try {
        const { Attributes } = await client.update({
          TableName: tableName,
          Key: cardKey(key),
          UpdateExpression: 'SET lease = :lease',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lease) OR lease.#until < :now)',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':lease': lease, ':now': lease.since },
          ReturnValues: 'ALL_OLD',
        });
        return toCard(Attributes!) as StoredCard<State>;
      } catch (error) {
        if (isConditionFailed(error)) return undefined;
        throw error;
      }
    },
    expire(key, owner, message) {
      return conditional(
        client.update({
          TableName: tableName,
          Key: cardKey(key),
          UpdateExpression: ['SET lease.#until = :now', ...where(message).set].join(', '),
          ...holdsLease,
          ExpressionAttributeNames: { ...holdsLease.ExpressionAttributeNames, '#until': 'until' },
          ExpressionAttributeValues: { ':owner': owner, ':now': Date.now() - 1, ...where(message).values },
        }),
      );
    },
    release(key, owner, { state, version, folded, message }) {
      // highest index first: DynamoDB reads every index against the list as it was, dynalite one after another
      const shown = Array.from({ length: folded }, (_, index) => `inbox[${folded - 1 - index}]`);
      return conditional(
        client.update({
          TableName: tableName,
          Key: cardKey(key),
          UpdateExpression: `SET ${['#state = :state', 'shownVersion = :version', ...where(message).set].join(', ')} REMOVE ${['lease', ...shown].join(', ')}`,
          ...holdsLease,
          ExpressionAttributeNames: { ...holdsLease.ExpressionAttributeNames, '#state': 'state' },
          ExpressionAttributeValues: { ':owner': owner, ':state': state, ':version': version, ...where(message).values },
        }),
      );
    },
    async updatable(key, notificationId) {
      const { Item } = await client.get({ TableName: tableName, Key: cardKey(key), ConsistentRead: true });
      if (!Item?.ts || Item.lease || (Item.seen as Set<string> | undefined)?.has(notificationId)) return undefined;
      const card = toCard(Item) as StoredCard<State>;
      return card.state !== undefined && card.shownVersion === card.version ? card : undefined;
    },
    saveUpdated(key, version, state, notificationId) {
      return conditional(
        client.update({
          TableName: tableName,
          Key: cardKey(key),
          UpdateExpression: 'SET version = :next, shownVersion = :next, #state = :state, expiresAt = :expiresAt ADD seen :id',
          ConditionExpression: 'version = :version AND shownVersion = :version AND attribute_not_exists(lease) AND NOT contains(seen, :idValue)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':next': version + 1, ':version': version, ':state': state, ':expiresAt': expiresAt(), ':id': new Set([notificationId]), ':idValue': notificationId },
        }),
      );
    },
    async link(externalId, key) {
      const { Attributes } = await client.update({
        TableName: tableName,
        Key: aliasKey(externalId),
        UpdateExpression: 'SET cardKey = :key, expiresAt = :expiresAt',
        ExpressionAttributeValues: { ':key': key, ':expiresAt': expiresAt() },
        ReturnValues: 'ALL_NEW',
      });
      return (Attributes?.held as ReleaseNotification[] | undefined) ?? [];
    },
    async hold(externalId, notification) {
      const held = await conditional(
        client.update({
          TableName: tableName,
          Key: aliasKey(externalId),
          UpdateExpression: 'SET held = list_append(if_not_exists(held, :none), :notification), expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(cardKey)',
          ExpressionAttributeValues: { ':none': [], ':notification': [notification], ':expiresAt': expiresAt() },
        }),
      );
      return held ? undefined : cardOf(externalId);
    },
  };
}

function toCard(item: Record<string, unknown>): StoredCard<unknown> {
  const { channel, ts, state, inbox, version, shownVersion, lease } = item as unknown as StoredCard<unknown>;
  return { channel, ts, state, inbox: inbox ?? [], version: version ?? 0, shownVersion: shownVersion ?? 0, lease };
}
