// BASELINE (benchmark only): on-build by hand.
import policy from '../../../release-policy.yml';
import { buildNotification } from '../../../functions/on-build/build-notification';
import { buildReport } from '../../../functions/on-build/build-report';
import { shortBuildId } from '../../../shared/build-id';
import type { CodeBuildStateEvent } from '../../../shared/events';
import { teamFor } from '../../../shared/policy-rules';
import { appendKeys, deadLetter, emf, invocation, log, publish, recordEvent, type Context } from './aws';

export const handler = (event: CodeBuildStateEvent, context: Context) => (invocation('on-build', context, event), handle(event));

async function handle(event: CodeBuildStateEvent): Promise<unknown> {
  const detail = event?.detail;
  if (event?.source !== 'aws.codebuild' || !detail?.['build-status'] || !detail['project-name'] || !detail['build-id']) return deadLetter('on-build', 'not a CodeBuild build state change', event);
  const report = buildReport(event);
  const { buildId, project, status, sourceVersion: commitId, pipeline, durationSeconds } = report;
  appendKeys({ buildId, project, commitId });
  await publish(buildNotification(event, report, teamFor(policy, { pipeline })));
  // the event's own record last, as the functions write it: a delivery that failed before it left none
  const isNew = await recordEvent(
    { pk: `BUILD#${shortBuildId(buildId)}`, sk: 'BUILD', buildId, project, status, at: event.time, commitId, pipeline, durationSeconds, eventId: event.id },
    { expression: 'attribute_not_exists(pk) OR #at <= :at', names: { '#at': 'at' }, values: { ':at': event.time } },
  );
  if (!report.ended) return log('INFO', 'build in progress');
  if (isNew) emf({ BuildSucceeded: report.succeeded ? 1 : 0, BuildFailed: report.failure ? 1 : 0, ...(durationSeconds === undefined ? {} : { BuildDuration: durationSeconds }) }, { project });
  return report.failure ? log('WARN', 'build failed', { status, failure: report.failure, logsUrl: report.logsUrl }) : log('INFO', 'build ended', { status, durationSeconds });
}
