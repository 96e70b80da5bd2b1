import type { CodeDeployStateEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { countOnce, metrics, MetricUnit } from '../../shared/metrics';
import { pipelinesAt, teamFor } from '../../shared/policy-rules';
import type { DeploymentOutcome, Deployments, Ledger, Notifications, Pipelines } from '../../shared/ports';
import type { ReleasePolicy } from '../../shared/release-policy';
import { deploymentExecution } from './deployment-execution';
import { deploymentNotification } from './deployment-notification';
import { deploymentReport } from './deployment-report';
import { codeDeployRollbackFacts } from './rollback-facts';
import { claimFacts } from '../../shared/dora-facts';

export interface OnDeployDeps {
  policy: ReleasePolicy;
  deployments: Deployments;
  pipelines: Pick<Pipelines, 'findActionExecution' | 'history'>;
  ledger: Pick<Ledger, 'recordDeployment' | 'executionOf' | 'linkToExecution' | 'claimFact'>;
  notifications: Notifications;
}

/** A CodeDeploy deployment changed state: log it, tell the team, and count result and duration per application when it ends. */
export async function handle(event: CodeDeployStateEvent, { policy, deployments, pipelines, ledger, notifications }: OnDeployDeps) {
  const report = deploymentReport(event);
  logger.appendKeys({ deploymentId: report.deploymentId, application: report.application, deploymentGroup: report.deploymentGroup });
  const { deploymentId, application, deploymentGroup, state } = report;
  const at = { account: event.account, region: event.region };
  const [outcome, execution] = await Promise.all([
    report.ended ? deployments.outcome(deploymentId, at) : Promise.resolve<DeploymentOutcome>({}),
    deploymentExecution(deploymentId, pipelinesAt(policy, at), pipelines, ledger),
  ]);
  const { durationSeconds, error } = outcome;
  // without a pipeline the deployment names no team: it goes to the policy's only team, if it has one
  await notifications.publish([deploymentNotification(event, outcome, teamFor(policy, { pipeline: execution?.pipeline }), execution)]);
  const dora = report.ended ? await claimFacts(await codeDeployRollbackFacts(report, outcome, { time: event.time, ...at }, policy, pipelines), ledger) : [];
  // the event's own record last: a delivery that failed before it left none, so its retry counts
  const isNew = await ledger.recordDeployment({ deploymentId, application, deploymentGroup, state, at: event.time, durationSeconds, error, eventId: event.id });
  if (!report.ended) {
    logger.info('deployment state', { state });
    return report;
  }
  metrics.addDimension('application', application);
  metrics.addMetric('DeploymentSucceeded', MetricUnit.Count, report.succeeded ? 1 : 0);
  metrics.addMetric('DeploymentFailed', MetricUnit.Count, state === 'FAILURE' ? 1 : 0);
  if (durationSeconds !== undefined) metrics.addMetric('DeploymentDuration', MetricUnit.Seconds, durationSeconds);
  if (report.succeeded) logger.info('deployment succeeded', { durationSeconds });
  else logger.warn('deployment did not succeed', { state, error, durationSeconds });
  countOnce(isNew);
  return { ...report, durationSeconds, error, dora };
}
