import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EndedExecution } from '../dora';
import type { Ledger } from '../ports';
import { shortBuildId } from '../build-id';

// Keys and access patterns: docs/dora.md.
export const keys = {
  push: (commitId: string, repository: string, branch: string) => ({ pk: `COMMIT#${commitId}`, sk: `PUSH#${repository}#${branch}` }),
  step: (pipeline: string, executionId: string, at: string, eventId: string) => ({ pk: `EXECUTION#${pipeline}#${executionId}`, sk: `STEP#${at}#${eventId}` }),
  result: (pipeline: string, executionId: string) => ({ pk: `EXECUTION#${pipeline}#${executionId}`, sk: 'RESULT' }),
  ended: (pipeline: string, endedAt: string, executionId: string) => ({ pk: `PIPELINE#${pipeline}`, sk: `ENDED#${endedAt}#${executionId}` }),
  /** By the build id CodePipeline reports (`project:uuid`); CodeBuild's events give it as an ARN. */
  build: (buildId: string) => ({ pk: `BUILD#${shortBuildId(buildId)}`, sk: 'BUILD' }),
  deployment: (deploymentId: string) => ({ pk: `DEPLOYMENT#${deploymentId}`, sk: 'DEPLOYMENT' }),
  link: (kind: 'build' | 'deployment', id: string, pipeline: string, executionId: string) => ({
    pk: kind === 'build' ? keys.build(id).pk : keys.deployment(id).pk,
    sk: `EXECUTION#${pipeline}#${executionId}`,
  }),
};

export function ledgerTable(client: DynamoDBDocumentClient, tableName: string, retentionDays: number): Ledger {
  const expiresAt = () => Math.floor(Date.now() / 1000) + retentionDays * 86_400;
  /** Writes the item unless the condition fails; says whether it wrote. */
  const put = async (item: Record<string, unknown>, condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> }) => {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...item, expiresAt: expiresAt() },
          ConditionExpression: condition?.expression,
          ExpressionAttributeNames: condition?.names,
          ExpressionAttributeValues: condition?.values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };
  const query = async (pk: string, skPrefix: string) => {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateQuery({ client }, { TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix } })) {
      items.push(...(page.Items ?? []));
    }
    return items;
  };
  const ended = ({ pipeline, executionId, result, endedAt, commitId, changedAt }: Record<string, unknown>) => ({ pipeline, executionId, result, endedAt, commitId, changedAt }) as EndedExecution;
  /** Ended executions from `bound` on, one way, until a success (included): an outage and what ends it, never the whole history. */
  const toSuccess = async (pipeline: string, bound: string, forward: boolean) => {
    const found: EndedExecution[] = [];
    const pages = paginateQuery(
      { client, pageSize: 25 },
      {
        TableName: tableName,
        KeyConditionExpression: forward ? 'pk = :pk AND sk > :bound' : 'pk = :pk AND sk BETWEEN :first AND :bound',
        ExpressionAttributeValues: { ':pk': `PIPELINE#${pipeline}`, ':bound': `ENDED#${bound}`, ...(forward ? {} : { ':first': 'ENDED#' }) },
        ScanIndexForward: forward,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        found.push(ended(item));
        if (item.result === 'SUCCEEDED') return found;
      }
    }
    return found;
  };
  // a later state of a build or deployment replaces an earlier one, never the other way round
  const newer = (at: string) => ({ expression: 'attribute_not_exists(pk) OR #at <= :at', names: { '#at': 'at' }, values: { ':at': at } });

  return {
    async recordPush(push) {
      await put({ ...keys.push(push.commitId, push.repository, push.branch), ...push }, { expression: 'attribute_not_exists(pk)' });
    },
    async firstPushAt(commitId) {
      const times = (await query(`COMMIT#${commitId}`, 'PUSH#')).map((item) => String(item.pushedAt)).sort();
      return times[0];
    },
    async recordStep(step) {
      await put({ ...keys.step(step.pipeline, step.executionId, step.at, step.eventId), ...step });
    },
    async recordEnded(execution) {
      // the history first: if the result write fails, a retry writes both and counts once
      await put({ ...keys.ended(execution.pipeline, execution.endedAt, execution.executionId), ...execution });
      return put({ ...keys.result(execution.pipeline, execution.executionId), ...execution }, { expression: 'attribute_not_exists(pk)' });
    },
    async endedExecutions(pipeline) {
      return (await query(`PIPELINE#${pipeline}`, 'ENDED#')).map(ended);
    },
    async executionsAround(pipeline, endedAt) {
      const [before, after] = await Promise.all([toSuccess(pipeline, endedAt, false), toSuccess(pipeline, endedAt, true)]);
      return [...before.reverse(), ...after];
    },
    async recordBuild(build) {
      await put({ ...keys.build(build.buildId), ...build }, newer(build.at));
    },
    async recordDeployment(deployment) {
      await put({ ...keys.deployment(deployment.deploymentId), ...deployment }, newer(deployment.at));
    },
    async linkToExecution(link) {
      await put({ ...keys.link(link.kind, link.id, link.pipeline, link.executionId), ...link });
    },
    async executionOf(kind, id) {
      const [link] = await query(keys.link(kind, id, '', '').pk, 'EXECUTION#');
      return link && { pipeline: String(link.pipeline), executionId: String(link.executionId) };
    },
  };
}
