import type { CodeBuildStateEvent } from '../../shared/events';

const FAILED = new Set(['FAILED', 'FAULT', 'TIMED_OUT']);

export interface BuildReport {
  project: string;
  buildId: string;
  status: CodeBuildStateEvent['detail']['build-status'];
  /** Whether the build has ended (any status but IN_PROGRESS). */
  ended: boolean;
  succeeded: boolean;
  durationSeconds?: number;
  sourceVersion?: string;
  /** The pipeline that started the build, from CodeBuild's initiator `codepipeline/<name>`. */
  pipeline?: string;
  logsUrl?: string;
  failure?: { phase: string; message: string };
}

/** What a build state change says: result, duration (the sum of its phases) and, on failure, the failing phase and why. */
export function buildReport({ detail }: CodeBuildStateEvent): BuildReport {
  const info = detail['additional-information'];
  const phases = info?.phases ?? [];
  const failedPhase = phases.find((phase) => phase['phase-status'] !== undefined && phase['phase-status'] !== 'SUCCEEDED');
  const durations = phases.map((phase) => phase['duration-in-seconds']).filter((seconds) => seconds !== undefined);
  const status = detail['build-status'];
  return {
    project: detail['project-name'],
    buildId: detail['build-id'],
    status,
    ended: status !== 'IN_PROGRESS',
    succeeded: status === 'SUCCEEDED',
    durationSeconds: durations.length > 0 ? durations.reduce((sum, seconds) => sum + seconds, 0) : undefined,
    sourceVersion: info?.['source-version'],
    pipeline: info?.initiator?.startsWith('codepipeline/') ? info.initiator.slice('codepipeline/'.length) : undefined,
    logsUrl: info?.logs?.['deep-link'],
    failure: FAILED.has(status)
      ? {
          phase: failedPhase?.['phase-type'] ?? detail['current-phase'] ?? 'unknown',
          message: meaningful(failedPhase?.['phase-context']?.join('; ')) ?? meaningful(detail['current-phase-context']) ?? status,
        }
      : undefined,
  };
}

// CodeBuild writes an empty current-phase-context as the string "[]".
function meaningful(context: string | undefined): string | undefined {
  return context?.replace(/^\[|\]$/g, '').trim() || undefined;
}
