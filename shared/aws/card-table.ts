import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { conditional } from './conditional-write';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReleaseNotification } from '../release-notification';

/** Who may talk to Slack for a card, until when (epoch ms). A holder that dies leaves it to run out. */
export interface Lease {
  owner: string;
  since: number;
  until: number;
}

/**
 * A release's Slack message. Deliveries add notifications to the `inbox` (never touching Slack);
 * the one holding the lease folds them into `state`, shows it, and saves it as shown.
 */
export interface StoredCard<State> {
  channel: string;
  /** The message's ts, once posted. */
  ts?: string;
  /** What the message shows, as of `shownVersion`. */
  state?: State;
  /** Recorded, not yet shown, oldest first. */
  inbox: ReleaseNotification[];
  /** How many notifications the card has recorded. */
  version: number;
  shownVersion: number;
  lease?: Lease;
}

export interface CardStore<State> {
  get(key: string): Promise<StoredCard<State> | undefined>;
  /** Adds the notification to the card's inbox (creating the card for `channel`); answers the card's version once it holds it. A notification seen before adds nothing. */
  record(key: string, channel: string, notification: ReleaseNotification): Promise<number>;
  /** Takes the lease if it is free or has run out; answers the card as it was then (with a lease that ran out, if any), or undefined when another delivery holds it. */
  acquire(key: string, lease: Lease): Promise<StoredCard<State> | undefined>;
  /** Where the message went, as soon as Slack says; false when `owner` no longer holds the lease. */
  posted(key: string, owner: string, message: { channel: string; ts?: string }): Promise<boolean>;
  /**
   * Ends the lease now without saving anything: its holder failed, maybe after posting. The next
   * delivery takes it over as from a holder that died, and asks Slack what was posted.
   */
  expire(key: string, owner: string): Promise<boolean>;
  /** Saves what Slack shows now (`state` after the inbox's first `folded`, as of `version`) and frees the lease; false when `owner` no longer held it. */
  release(key: string, owner: string, shown: { state: State; version: number; folded: number }): Promise<boolean>;
  /** The card a build or deployment belongs to, once its pipeline action has named it. */
  cardOf(externalId: string): Promise<string | undefined>;
  /** Names the card of a build or deployment, and hands back what was held for it (kept until it expires: a retry gets it again). */
  link(externalId: string, key: string): Promise<ReleaseNotification[]>;
  /** Keeps a notification until its card is known; answers the card instead when it already is. */
  hold(externalId: string, notification: ReleaseNotification): Promise<string | undefined>;
}

// In the ledger table (infra/ledger.yml), next to the execution's history, with the same TTL.
// (`SLACK` items are cards of the earlier, unleased shape: left to expire.)
const cardKey = (key: string) => ({ pk: `CARD#${key}`, sk: 'MESSAGE' });
const aliasKey = (externalId: string) => ({ pk: `CARD#ALIAS#${externalId}`, sk: 'SLACK' });

export function cardTable<State>(client: DynamoDBDocumentClient, tableName: string, retentionDays: number): CardStore<State> {
  const expiresAt = () => Math.floor(Date.now() / 1000) + retentionDays * 86_400;

  const get = async (key: string) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: cardKey(key), ConsistentRead: true }));
    return Item && (toCard(Item) as StoredCard<State>);
  };
  const cardOf = async (externalId: string) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: aliasKey(externalId), ConsistentRead: true }));
    return Item?.cardKey as string | undefined;
  };
  const holdsLease = { ConditionExpression: 'lease.#owner = :owner', ExpressionAttributeNames: { '#owner': 'owner' } };

  return {
    get,
    cardOf,
    async record(key, channel, notification) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: cardKey(key),
            UpdateExpression:
              'SET inbox = list_append(if_not_exists(inbox, :none), :notification), channel = if_not_exists(channel, :channel), shownVersion = if_not_exists(shownVersion, :zero), expiresAt = :expiresAt ADD version :one, seen :id',
            ConditionExpression: 'attribute_not_exists(seen) OR NOT contains(seen, :idValue)',
            ExpressionAttributeValues: { ':none': [], ':notification': [notification], ':channel': channel, ':zero': 0, ':one': 1, ':id': new Set([notification.id]), ':idValue': notification.id, ':expiresAt': expiresAt() },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Attributes!.version as number;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return (await get(key))!.version;
      }
    },
    async acquire(key, lease) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: cardKey(key),
            UpdateExpression: 'SET lease = :lease',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lease) OR lease.#until < :now)',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':lease': lease, ':now': lease.since },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return toCard(Attributes!) as StoredCard<State>;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
    posted(key, owner, { channel, ts }) {
      return conditional(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: cardKey(key),
            UpdateExpression: ts ? 'SET channel = :channel, ts = :ts' : 'SET channel = :channel',
            ...holdsLease,
            ExpressionAttributeValues: { ':owner': owner, ':channel': channel, ...(ts ? { ':ts': ts } : {}) },
          }),
        ),
      );
    },
    expire(key, owner) {
      return conditional(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: cardKey(key),
            UpdateExpression: 'SET lease.#until = :now',
            ...holdsLease,
            ExpressionAttributeNames: { ...holdsLease.ExpressionAttributeNames, '#until': 'until' },
            ExpressionAttributeValues: { ':owner': owner, ':now': Date.now() - 1 },
          }),
        ),
      );
    },
    release(key, owner, { state, version, folded }) {
      // highest index first: DynamoDB reads every index against the list as it was, dynalite one after another
      const shown = Array.from({ length: folded }, (_, index) => `inbox[${folded - 1 - index}]`);
      return conditional(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: cardKey(key),
            UpdateExpression: `SET #state = :state, shownVersion = :version REMOVE ${['lease', ...shown].join(', ')}`,
            ...holdsLease,
            ExpressionAttributeNames: { ...holdsLease.ExpressionAttributeNames, '#state': 'state' },
            ExpressionAttributeValues: { ':owner': owner, ':state': state, ':version': version },
          }),
        ),
      );
    },
    async link(externalId, key) {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: aliasKey(externalId),
          UpdateExpression: 'SET cardKey = :key, expiresAt = :expiresAt',
          ExpressionAttributeValues: { ':key': key, ':expiresAt': expiresAt() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (Attributes?.held as ReleaseNotification[] | undefined) ?? [];
    },
    async hold(externalId, notification) {
      const held = await conditional(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: aliasKey(externalId),
            UpdateExpression: 'SET held = list_append(if_not_exists(held, :none), :notification), expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(cardKey)',
            ExpressionAttributeValues: { ':none': [], ':notification': [notification], ':expiresAt': expiresAt() },
          }),
        ),
      );
      return held ? undefined : cardOf(externalId);
    },
  };
}

function toCard(item: Record<string, unknown>): StoredCard<unknown> {
  const { channel, ts, state, inbox, version, shownVersion, lease } = item as unknown as StoredCard<unknown>;
  return { channel, ts, state, inbox: inbox ?? [], version: version ?? 0, shownVersion: shownVersion ?? 0, lease };
}
