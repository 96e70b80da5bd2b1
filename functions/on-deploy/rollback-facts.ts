import { rollbackFacts, type DoraFact } from '../../shared/dora';
import { pipelinesDeployingTo, type Place } from '../../shared/policy-rules';
import type { DeploymentOutcome, Pipelines } from '../../shared/ports';
import type { ReleasePolicy } from '../../shared/release-policy';
import type { DeploymentReport } from './deployment-report';

/**
 * A CodeDeploy rollback that ended, in a deployment group the policy declares production: the
 * pipeline deployment whose CodeDeploy deployment it rolled back failed, from the rollback's start,
 * and recovered when it succeeded. A rollback of a deployment whose execution failed says nothing of
 * DORA's: the pipeline caught the change, it never counted as deployed.
 */
export async function codeDeployRollbackFacts(report: DeploymentReport, outcome: DeploymentOutcome, { time: at, ...place }: Place & { time: string }, policy: ReleasePolicy, pipelines: Pick<Pipelines, 'history' | 'findActionExecution'>): Promise<DoraFact[]> {
  const rolledBack = outcome.rollback?.of;
  if (!report.ended || !rolledBack) return [];
  const endedAt = new Date(at).toISOString();
  const startedAt = new Date(Date.parse(at) - (outcome.durationSeconds ?? 0) * 1000).toISOString();
  const facts: DoraFact[] = [];
  for (const { pipeline, rule } of pipelinesDeployingTo(policy, `${report.application}/${report.deploymentGroup}`, place)) {
    const ran = await pipelines.findActionExecution(pipeline, rolledBack);
    const { deployments } = await pipelines.history(pipeline, { before: at, sourceAction: rule.sourceAction });
    if (!ran || !deployments.some((deployment) => deployment.executionId === ran.executionId)) continue;
    const rollback = { pipeline, executionId: report.deploymentId, startedAt, endedAt };
    // a rollback that failed leaves production broken: a failure with no recovery yet
    facts.push(...(report.succeeded ? rollbackFacts(rollback, deployments) : rollbackFacts(rollback, deployments).filter((fact) => fact.kind === 'failed-deployment')));
  }
  return facts;
}
