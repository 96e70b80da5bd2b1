import { CodeDeployStateEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { withEvents } from '../../shared/event-middleware';
import { deadLetters, deployments, ledger } from '../../shared/runtime';
import { deploymentReport } from './deployment-report';

const deploymentsReader = deployments();
const releases = ledger();

/** A CodeDeploy deployment changed state: log it, and count result and duration per application when it ends. */
export const handler = withEvents('on-deploy', CodeDeployStateEvent, deadLetters(), async (event) => {
  const report = deploymentReport(event);
  logger.appendKeys({ deploymentId: report.deploymentId, application: report.application, deploymentGroup: report.deploymentGroup });
  const { deploymentId, application, deploymentGroup, state } = report;
  if (!report.ended) {
    await releases.recordDeployment({ deploymentId, application, deploymentGroup, state, at: event.time });
    logger.info('deployment state', { state: report.state });
    return report;
  }
  const { durationSeconds, error } = await deploymentsReader.outcome(report.deploymentId);
  await releases.recordDeployment({ deploymentId, application, deploymentGroup, state, at: event.time, durationSeconds, error });
  metrics.addDimension('application', report.application);
  metrics.addMetric('DeploymentSucceeded', MetricUnit.Count, report.succeeded ? 1 : 0);
  metrics.addMetric('DeploymentFailed', MetricUnit.Count, report.state === 'FAILURE' ? 1 : 0);
  if (durationSeconds !== undefined) metrics.addMetric('DeploymentDuration', MetricUnit.Seconds, durationSeconds);
  if (report.succeeded) logger.info('deployment succeeded', { durationSeconds });
  else logger.warn('deployment did not succeed', { state: report.state, error, durationSeconds });
  return { ...report, durationSeconds, error };
});
