// DORA arithmetic over one production pipeline's ended executions; pure, so the handler and
// `npm run report` share it. Definitions and how they compare with DORA's: docs/dora.md.

export type ExecutionResult = 'SUCCEEDED' | 'FAILED';

/** An ended execution of a production pipeline, as the ledger keeps it. */
export interface EndedExecution {
  pipeline: string;
  executionId: string;
  result: ExecutionResult;
  /** When the execution ended: the time of its SUCCEEDED or FAILED event. */
  endedAt: string;
  commitId?: string;
  /** When the change began: the first push of the commit, or the commit time when no push was seen. */
  changedAt?: string;
}

export interface DoraMeasure {
  name: 'ProductionDeployments' | 'ProductionFailures' | 'LeadTimeForChanges' | 'TimeToRestore';
  unit: 'Count' | 'Seconds';
  value: number;
}

const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** One entry per execution, in the order they ended (ties by id, so any arrival order gives one timeline). */
export function timeline(executions: EndedExecution[]): EndedExecution[] {
  const byId = new Map(executions.map((execution) => [`${execution.pipeline}\n${execution.executionId}`, execution]));
  return [...byId.values()].sort((a, b) => Date.parse(a.endedAt) - Date.parse(b.endedAt) || a.executionId.localeCompare(b.executionId));
}

/** The failures since the success before `index` (the outage `index` ends, or is part of). */
function outageBefore(ordered: EndedExecution[], index: number): EndedExecution[] {
  const failures: EndedExecution[] = [];
  for (let i = index - 1; i >= 0 && ordered[i]!.result === 'FAILED'; i--) failures.unshift(ordered[i]!);
  return failures;
}

/**
 * What to emit when `ended` is first recorded, given what the ledger already holds for its pipeline
 * (in any order, duplicates allowed). A success counts as a deployment with its lead time, and
 * restores service if failures came before it; a failure counts as one. A failure recorded after
 * the success that ended its outage (events out of order) emits that outage's time to restore,
 * unless another of its failures already did.
 */
export function doraOnEnd(ended: EndedExecution, known: EndedExecution[]): DoraMeasure[] {
  const ordered = timeline([...known.filter((execution) => execution.executionId !== ended.executionId), ended]);
  const index = ordered.indexOf(ended);
  if (ended.result === 'SUCCEEDED') {
    const measures: DoraMeasure[] = [{ name: 'ProductionDeployments', unit: 'Count', value: 1 }];
    if (ended.changedAt) measures.push({ name: 'LeadTimeForChanges', unit: 'Seconds', value: seconds(ended.changedAt, ended.endedAt) });
    const [first] = outageBefore(ordered, index);
    if (first) measures.push({ name: 'TimeToRestore', unit: 'Seconds', value: seconds(first.endedAt, ended.endedAt) });
    return measures;
  }
  const measures: DoraMeasure[] = [{ name: 'ProductionFailures', unit: 'Count', value: 1 }];
  const restoredBy = ordered.slice(index + 1).find((execution) => execution.result === 'SUCCEEDED');
  if (restoredBy) {
    const outage = outageBefore(ordered, ordered.indexOf(restoredBy));
    if (outage.length === 1) measures.push({ name: 'TimeToRestore', unit: 'Seconds', value: seconds(ended.endedAt, restoredBy.endedAt) });
  }
  return measures;
}

export interface DoraReport {
  deployments: number;
  failures: number;
  /** failures / (failures + deployments); undefined when nothing ended. */
  changeFailureRate?: number;
  medianLeadTimeSeconds?: number;
  medianTimeToRestoreSeconds?: number;
  /** Per UTC day (YYYY-MM-DD) in the period: deployments and the median lead time of that day's deployments. */
  days: { day: string; deployments: number; medianLeadTimeSeconds?: number }[];
}

const median = (values: number[]) => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The four metrics over executions that ended in [from, to), from the complete history: the same whatever order events arrived in. */
export function doraReport(executions: EndedExecution[], from: Date, to: Date): DoraReport {
  const byPipeline = Map.groupBy(timeline(executions), (execution) => execution.pipeline);
  const inPeriod = (execution: EndedExecution) => Date.parse(execution.endedAt) >= from.getTime() && Date.parse(execution.endedAt) < to.getTime();
  const successes: { execution: EndedExecution; leadTime?: number }[] = [];
  const restores: number[] = [];
  let failures = 0;
  for (const ordered of byPipeline.values()) {
    ordered.forEach((execution, index) => {
      if (!inPeriod(execution)) return;
      if (execution.result === 'FAILED') return void failures++;
      successes.push({ execution, leadTime: execution.changedAt ? seconds(execution.changedAt, execution.endedAt) : undefined });
      const [first] = outageBefore(ordered, index);
      if (first) restores.push(seconds(first.endedAt, execution.endedAt));
    });
  }
  const days = [];
  for (let day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate())); day < to; day = new Date(day.getTime() + 86_400_000)) {
    const name = day.toISOString().slice(0, 10);
    const ofDay = successes.filter(({ execution }) => execution.endedAt.startsWith(name));
    days.push({ day: name, deployments: ofDay.length, medianLeadTimeSeconds: median(ofDay.flatMap(({ leadTime }) => (leadTime === undefined ? [] : [leadTime]))) });
  }
  const ended = successes.length + failures;
  return {
    deployments: successes.length,
    failures,
    changeFailureRate: ended > 0 ? failures / ended : undefined,
    medianLeadTimeSeconds: median(successes.flatMap(({ leadTime }) => (leadTime === undefined ? [] : [leadTime]))),
    medianTimeToRestoreSeconds: median(restores),
    days,
  };
}
