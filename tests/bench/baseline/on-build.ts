// BASELINE (benchmark only): on-build by hand.
import { deadLetter, emf, log, publish, recordEvent } from './aws';

type Build = { id: string; time: string; source: string; detail: { 'build-status'?: string; 'project-name'?: string; 'build-id'?: string; 'additional-information'?: { phases?: { 'phase-status'?: string; 'duration-in-seconds'?: number }[] } } };

export const handler = (event: Build) => handle(event);

async function handle(event: Build): Promise<unknown> {
  const detail = event?.detail;
  const status = detail?.['build-status'];
  if (event?.source !== 'aws.codebuild' || !status || !detail['project-name'] || !detail['build-id']) return deadLetter('on-build', 'not a CodeBuild build state change', event);
  const phases = detail['additional-information']?.phases ?? [];
  const duration = phases.reduce((sum, phase) => sum + (phase['duration-in-seconds'] ?? 0), 0);
  await publish({ id: event.id, kind: 'build', severity: status === 'SUCCEEDED' ? 'success' : 'info', team: 'platform', result: status, project: detail['project-name'] });
  // the event's own record last, as the functions write it: a delivery that failed before it left none
  const isNew = await recordEvent({ pk: `BUILD#${detail['build-id'].replace(/^arn:.*:build\//, '')}`, sk: 'BUILD', status, project: detail['project-name'], at: event.time, durationSeconds: duration, eventId: event.id });
  if (status === 'IN_PROGRESS') return log('INFO', 'build in progress');
  if (isNew) emf({ BuildSucceeded: status === 'SUCCEEDED' ? 1 : 0, BuildFailed: status === 'SUCCEEDED' ? 0 : 1, BuildDuration: duration }, { project: detail['project-name'] });
  return log(status === 'SUCCEEDED' ? 'INFO' : 'WARN', 'build ended', { status, failedPhase: phases.find((phase) => phase['phase-status'] === 'FAILED') });
}
