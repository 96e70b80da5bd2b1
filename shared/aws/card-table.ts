import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReleaseNotification } from '../release-notification';

/** Where a release's Slack message is and what it shows; `version` guards against two deliveries writing at once. */
export interface StoredCard<State> {
  channel: string;
  /** The message's ts; absent while the first delivery is posting it. */
  ts?: string;
  state: State;
  /** The notifications already shown: a redelivered one changes nothing. */
  seen: string[];
  version: number;
}

export interface CardStore<State> {
  get(key: string): Promise<StoredCard<State> | undefined>;
  /** Writes the card if it is still at `expectedVersion` (or, without one, does not exist yet); false when another delivery got there first. */
  put(key: string, card: StoredCard<State>, expectedVersion?: number): Promise<boolean>;
  remove(key: string): Promise<void>;
  /** The card a build or deployment belongs to, once its pipeline action has named it. */
  cardOf(externalId: string): Promise<string | undefined>;
  /** Names the card of a build or deployment, and hands back what was held for it. */
  link(externalId: string, key: string): Promise<ReleaseNotification[]>;
  /** Keeps a notification until its card is known; answers the card instead when it already is. */
  hold(externalId: string, notification: ReleaseNotification): Promise<string | undefined>;
}

// In the ledger table (infra/ledger.yml), next to the execution's history, with the same TTL.
const cardKey = (key: string) => ({ pk: `CARD#${key}`, sk: 'SLACK' });
const aliasKey = (externalId: string) => ({ pk: `CARD#ALIAS#${externalId}`, sk: 'SLACK' });

export function cardTable<State>(client: DynamoDBDocumentClient, tableName: string, retentionDays: number): CardStore<State> {
  const expiresAt = () => Math.floor(Date.now() / 1000) + retentionDays * 86_400;
  const conditional = async (write: Promise<unknown>) => {
    try {
      await write;
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  const cardOf = async (externalId: string) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: aliasKey(externalId), ConsistentRead: true }));
    return Item?.cardKey as string | undefined;
  };

  return {
    cardOf,
    async get(key) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: cardKey(key), ConsistentRead: true }));
      return Item && ({ channel: Item.channel, ts: Item.ts, state: Item.state, seen: Item.seen, version: Item.version } as StoredCard<State>);
    },
    put(key, card, expectedVersion) {
      return conditional(
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...cardKey(key), ...card, expiresAt: expiresAt() },
            ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :expected',
            ExpressionAttributeValues: expectedVersion === undefined ? undefined : { ':expected': expectedVersion },
          }),
        ),
      );
    },
    async remove(key) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: cardKey(key) }));
    },
    async link(externalId, key) {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: aliasKey(externalId),
          UpdateExpression: 'SET cardKey = :key, expiresAt = :expiresAt REMOVE held',
          ExpressionAttributeValues: { ':key': key, ':expiresAt': expiresAt() },
          ReturnValues: 'ALL_OLD',
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
