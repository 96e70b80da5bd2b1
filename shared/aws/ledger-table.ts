import { isConditionFailed, type DynamoDocuments } from './dynamodb-documents';
import { factKey, type DoraFact } from '../dora';
import type { Ledger } from '../ports';
import { shortBuildId } from '../build-id';

// Keys and access patterns: docs/dora.md.
export const keys = {
  push: (commitId: string, repository: string, branch: string) => ({ pk: `COMMIT#${commitId}`, sk: `PUSH#${repository}#${branch}` }),
  step: (pipeline: string, executionId: string, at: string, eventId: string) => ({ pk: `EXECUTION#${pipeline}#${executionId}`, sk: `STEP#${at}#${eventId}` }),
  fact: (fact: DoraFact) => ({ pk: `DORA#${fact.pipeline}`, sk: `FACT#${factKey(fact)}` }),
  /** By the build id CodePipeline reports (`project:uuid`); CodeBuild's events give it as an ARN. */
  build: (buildId: string) => ({ pk: `BUILD#${shortBuildId(buildId)}`, sk: 'BUILD' }),
  deployment: (deploymentId: string) => ({ pk: `DEPLOYMENT#${deploymentId}`, sk: 'DEPLOYMENT' }),
  link: (kind: 'build' | 'deployment', id: string, pipeline: string, executionId: string) => ({
    pk: kind === 'build' ? keys.build(id).pk : keys.deployment(id).pk,
    sk: `EXECUTION#${pipeline}#${executionId}`,
  }),
};

/** The facts a `DORA#` item holds: its own, and those it carries (a deployment's lead times). */
export const factsOf = (item: Record<string, unknown>) => [item.fact as DoraFact, ...((item.carried as DoraFact[] | undefined) ?? [])];

export function ledgerTable(client: DynamoDocuments, tableName: string, retentionDays: number): Ledger {
  const expiresAt = () => Math.floor(Date.now() / 1000) + retentionDays * 86_400;
  /**
   * Writes the item unless the condition fails. Says whether it wrote, and whether the item it
   * replaced was this very event's (a redelivery): one write does both jobs, with no read.
   */
  const put = async (item: Record<string, unknown>, condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> }) => {
    try {
      const { Attributes } = await client.put({
        TableName: tableName,
        Item: { ...item, expiresAt: expiresAt() },
        ConditionExpression: condition?.expression,
        ExpressionAttributeNames: condition?.names,
        ExpressionAttributeValues: condition?.values,
        ReturnValues: item.eventId === undefined ? undefined : 'ALL_OLD',
      });
      return { written: true, repeat: Attributes !== undefined && Attributes.eventId === item.eventId };
    } catch (error) {
      if (isConditionFailed(error)) return { written: false, repeat: false };
      throw error;
    }
  };
  const query = (pk: string, skPrefix: string) => client.queryAll({ TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix } });
  // a later state of a build or deployment replaces an earlier one, never the other way round
  // (a later state kept, the earlier event is not known to be a repeat: an ended state is the last, so it counts once)
  const newer = (at: string) => ({ expression: 'attribute_not_exists(pk) OR #at <= :at', names: { '#at': 'at' }, values: { ':at': at } });
  const isNew = async (written: Promise<{ repeat: boolean }>) => !(await written).repeat;

  return {
    recordPush(push) {
      // the first push of a commit to a branch is kept; its own redelivery rewrites it, and says so
      return isNew(put({ ...keys.push(push.commitId, push.repository, push.branch), ...push }, { expression: 'attribute_not_exists(pk) OR eventId = :eventId', values: { ':eventId': push.eventId } }));
    },
    recordStep(step) {
      return isNew(put({ ...keys.step(step.pipeline, step.executionId, step.at, step.eventId), ...step }));
    },
    async claimFact(fact, carried = []) {
      return (await put({ ...keys.fact(fact), fact, ...(carried.length > 0 ? { carried } : {}) }, { expression: 'attribute_not_exists(pk)' })).written;
    },
    async facts(pipeline) {
      return (await query(`DORA#${pipeline}`, 'FACT#')).flatMap((item) => factsOf(item));
    },
    recordBuild(build) {
      return isNew(put({ ...keys.build(build.buildId), ...build }, newer(build.at)));
    },
    recordDeployment(deployment) {
      return isNew(put({ ...keys.deployment(deployment.deploymentId), ...deployment }, newer(deployment.at)));
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
