import { conditional, type DynamoDocuments } from './dynamodb-documents';
import type { ClickLedger } from '../ports';

// In the ledger table (docs/dora.md): CLICK# claims a press once, ACT# holds an action on its
// target while one press works on it, AUDIT# keeps every press beside its execution.
/** The endpoint's one write: the press claimed once (a retry or a replay of it finds it claimed). */
export function clickClaims(client: DynamoDocuments, tableName: string, retentionDays: number): Pick<ClickLedger, 'claimClick'> {
  const expiresAt = () => Math.floor(Date.now() / 1000) + retentionDays * 86_400;
  return {
    claimClick: (clickId, at) =>
      conditional(client.put({ TableName: tableName, Item: { pk: `CLICK#${clickId}`, sk: 'CLICK', at, expiresAt: expiresAt() }, ConditionExpression: 'attribute_not_exists(pk)' })),
  };
}

export function clickTable(client: DynamoDocuments, tableName: string, retentionDays: number): ClickLedger {
  const expiresAt = () => Math.floor(Date.now() / 1000) + retentionDays * 86_400;
  return {
    ...clickClaims(client, tableName, retentionDays),
    claimIntent: (intent, holder, untilSeconds) =>
      conditional(
        client.put({
          TableName: tableName,
          Item: { pk: `ACT#${intent}`, sk: 'ACT', holder, until: untilSeconds, expiresAt: untilSeconds + 86_400 },
          ConditionExpression: 'attribute_not_exists(pk) OR #until < :now OR holder = :holder',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000), ':holder': holder },
        }),
      ),
    async releaseIntent(intent, holder) {
      await conditional(client.delete({ TableName: tableName, Key: { pk: `ACT#${intent}`, sk: 'ACT' }, ConditionExpression: 'holder = :holder', ExpressionAttributeValues: { ':holder': holder } }));
    },
    async audit(entry) {
      await client.put({ TableName: tableName, Item: { pk: `AUDIT#${entry.pipeline}#${entry.executionId}`, sk: `CLICK#${entry.at}#${entry.clickId}`, ...entry, expiresAt: expiresAt() } });
    },
  };
}
