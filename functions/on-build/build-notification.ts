import { shortBuildId } from '../../shared/build-id';
import type { CodeBuildStateEvent } from '../../shared/events';
import { consoleLinks, severityOf, type ReleaseNotification } from '../../shared/release-notification';
import type { BuildReport } from './build-report';

/** The build's notification: its result and, on failure, the failing phase, its message and the log deep link. */
export function buildNotification(event: CodeBuildStateEvent, report: BuildReport, team: string): ReleaseNotification {
  const buildId = shortBuildId(report.buildId);
  return {
    id: event.id,
    kind: 'build',
    severity: severityOf(report.status),
    team,
    at: event.time,
    region: event.region,
    result: report.status,
    pipeline: report.pipeline ? { name: report.pipeline } : undefined,
    build: { id: buildId, project: report.project, failure: report.failure, logsUrl: report.logsUrl },
    durationSeconds: report.durationSeconds,
    links: [consoleLinks.build(event.region, report.project, buildId)],
  };
}
