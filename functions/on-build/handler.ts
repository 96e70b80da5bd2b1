import { CodeBuildStateEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { withEvents } from '../../shared/event-middleware';
import policy from '../../release-policy.yml';
import { teamFor } from '../../shared/policy-rules';
import { deadLetters, idempotencyRecords, ledger, notifications } from '../../shared/runtime';
import { buildNotification } from './build-notification';
import { buildReport } from './build-report';

const builds = ledger();
const notifier = notifications();

/** A CodeBuild build changed state: log it with its ids, keep it in the ledger, and count result and duration per project when it ends. */
export const handler = withEvents({ functionName: 'on-build', schema: CodeBuildStateEvent, deadLetters: deadLetters(), idempotency: idempotencyRecords('on-build') }, async (event) => {
  const report = buildReport(event);
  logger.appendKeys({ buildId: report.buildId, project: report.project, commitId: report.sourceVersion });
  const { buildId, project, status, sourceVersion: commitId, pipeline, durationSeconds } = report;
  await Promise.all([
    builds.recordBuild({ buildId, project, status, at: event.time, commitId, pipeline, durationSeconds }),
    notifier.publish([buildNotification(event, report, teamFor(policy, { pipeline }))]),
  ]);
  if (!report.ended) {
    logger.info('build in progress');
    return report;
  }
  metrics.addDimension('project', report.project);
  metrics.addMetric('BuildSucceeded', MetricUnit.Count, report.succeeded ? 1 : 0);
  metrics.addMetric('BuildFailed', MetricUnit.Count, report.failure ? 1 : 0);
  if (report.durationSeconds !== undefined) metrics.addMetric('BuildDuration', MetricUnit.Seconds, report.durationSeconds);
  if (report.failure) logger.warn('build failed', { status: report.status, failure: report.failure, logsUrl: report.logsUrl });
  else logger.info('build ended', { status: report.status, durationSeconds: report.durationSeconds });
  return report;
});
