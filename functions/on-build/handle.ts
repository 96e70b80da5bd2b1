import type { CodeBuildStateEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { countOnce, metrics, MetricUnit } from '../../shared/metrics';
import { teamFor } from '../../shared/policy-rules';
import type { Ledger, Notifications } from '../../shared/ports';
import type { ReleasePolicy } from '../../shared/release-policy';
import { buildNotification } from './build-notification';
import { buildReport } from './build-report';

export interface OnBuildDeps {
  policy: ReleasePolicy;
  ledger: Pick<Ledger, 'recordBuild'>;
  notifications: Notifications;
}

/** A CodeBuild build changed state: log it with its ids, keep it in the ledger, and count result and duration per project when it ends. */
export async function handle(event: CodeBuildStateEvent, { policy, ledger, notifications }: OnBuildDeps) {
  const report = buildReport(event);
  logger.appendKeys({ buildId: report.buildId, project: report.project, commitId: report.sourceVersion });
  const { buildId, project, status, sourceVersion: commitId, pipeline, durationSeconds } = report;
  await notifications.publish([buildNotification(event, report, teamFor(policy, { pipeline }))]);
  // the event's own record last: a delivery that failed before it left none, so its retry counts
  const isNew = await ledger.recordBuild({ buildId, project, status, at: event.time, commitId, pipeline, durationSeconds, eventId: event.id });
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
  countOnce(isNew);
  return report;
}
