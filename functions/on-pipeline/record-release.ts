import { doraOnEnd, type DoraMeasure, type EndedExecution } from '../../shared/dora';
import type { PipelineExecutionEvent } from '../../shared/events';
import type { ExecutionRevision, Ledger } from '../../shared/ports';

export interface EndedRelease {
  ended: EndedExecution;
  production: boolean;
  /** For a production pipeline, the executions around this one that DORA's measures need. */
  known: EndedExecution[];
}

/**
 * What the ledger knows of an ended execution, read before anything is written. The change began at
 * the commit's first push, or at the commit itself when the ledger saw no push.
 */
export async function endedRelease(
  event: PipelineExecutionEvent & { detail: { state: 'SUCCEEDED' | 'FAILED' } },
  revision: ExecutionRevision | undefined,
  production: boolean,
  ledger: Pick<Ledger, 'firstPushAt' | 'executionsAround'>,
): Promise<EndedRelease> {
  const { pipeline, 'execution-id': executionId, state } = event.detail;
  const [firstPushAt, known] = await Promise.all([revision && ledger.firstPushAt(revision.commitId), production ? ledger.executionsAround(pipeline, event.time) : []]);
  const changedAt = revision && (firstPushAt ?? revision.committedAt);
  return { ended: { pipeline, executionId, result: state, endedAt: event.time, commitId: revision?.commitId, changedAt }, production, known };
}

/**
 * Records the ended execution and, for a production pipeline, says which DORA measures it adds. A
 * redelivered event adds nothing, so whatever else the event must do has to succeed before this.
 */
export async function recordRelease({ ended, production, known }: EndedRelease, ledger: Pick<Ledger, 'recordEnded'>): Promise<DoraMeasure[]> {
  if (!(await ledger.recordEnded(ended))) return [];
  return production ? doraOnEnd(ended, known) : [];
}
