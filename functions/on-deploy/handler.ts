import policy from '../../release-policy.yml';
import { CodeDeployStateEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { withEvents } from '../../shared/event-middleware';
import { teamFor } from '../../shared/policy-rules';
import { deadLetters, deployments, idempotencyRecords, ledger, notifications, pipelines } from '../../shared/runtime';
import type { DeploymentOutcome } from '../../shared/ports';
import { deploymentExecution } from './deployment-execution';
import { deploymentNotification } from './deployment-notification';
import { deploymentReport } from './deployment-report';

const deploymentsReader = deployments();
const releases = ledger();
const notifier = notifications();
const pipelineClient = pipelines();
const policyPipelines = Object.values(policy.repositories).flatMap((repository) => repository.pipelines.map((pipeline) => pipeline.name));

/** A CodeDeploy deployment changed state: log it, tell the team, and count result and duration per application when it ends. */
export const handler = withEvents({ functionName: 'on-deploy', schema: CodeDeployStateEvent, deadLetters: deadLetters(), idempotency: idempotencyRecords('on-deploy') }, async (event) => {
  const report = deploymentReport(event);
  logger.appendKeys({ deploymentId: report.deploymentId, application: report.application, deploymentGroup: report.deploymentGroup });
  const { deploymentId, application, deploymentGroup, state } = report;
  const [outcome, execution] = await Promise.all([
    report.ended ? deploymentsReader.outcome(deploymentId) : Promise.resolve<DeploymentOutcome>({}),
    deploymentExecution(deploymentId, policyPipelines, pipelineClient, releases),
  ]);
  const { durationSeconds, error } = outcome;
  await Promise.all([
    releases.recordDeployment({ deploymentId, application, deploymentGroup, state, at: event.time, durationSeconds, error }),
    // without a pipeline the deployment names no team: it goes to the policy's only team, if it has one
    notifier.publish([deploymentNotification(event, outcome, teamFor(policy, { pipeline: execution?.pipeline }), execution)]),
  ]);
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
  return { ...report, durationSeconds, error };
});
