import { doraOnEnd, type DoraMeasure, type EndedExecution } from '../../shared/dora';
import type { CodePipelineEvent } from '../../shared/events';
import type { ExecutionRevision, Ledger } from '../../shared/ports';

type PipelineExecutionEvent = Extract<CodePipelineEvent, { 'detail-type': 'CodePipeline Pipeline Execution State Change' }>;

/**
 * Records an ended execution in the ledger and, for a production pipeline, says which DORA
 * measures it adds. A redelivered event adds nothing. The change began at the commit's first push,
 * or at the commit itself when the ledger saw no push.
 */
export async function recordRelease(
  event: PipelineExecutionEvent & { detail: { state: 'SUCCEEDED' | 'FAILED' } },
  revision: ExecutionRevision | undefined,
  production: boolean,
  ledger: Ledger,
): Promise<DoraMeasure[]> {
  const { pipeline, 'execution-id': executionId, state } = event.detail;
  const [firstPushAt, known] = await Promise.all([revision && ledger.firstPushAt(revision.commitId), production ? ledger.executionsAround(pipeline, event.time) : []]);
  const changedAt = revision && (firstPushAt ?? revision.committedAt);
  const ended: EndedExecution = { pipeline, executionId, result: state, endedAt: event.time, commitId: revision?.commitId, changedAt };
  if (!(await ledger.recordEnded(ended))) return [];
  return production ? doraOnEnd(ended, known) : [];
}
