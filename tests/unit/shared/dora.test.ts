import { doraOnEnd, doraReport, type DoraMeasure, type EndedExecution } from '../../../shared/dora';

// A scripted week of MyFirstPipeline (production), Monday 2026-11-16 to Sunday 2026-11-22, and
// the measures worked out by hand:
//   e1 ok   Mon 10:00, pushed 09:00  -> lead time 3600 s
//   e2 FAIL Tue 09:30
//   e3 FAIL Tue 10:30
//   e4 ok   Tue 12:00, pushed 11:00  -> lead time 3600 s; restores the outage that began at e2: 9000 s
//   e5 ok   Wed 09:00, pushed Tue 20:00 -> lead time 46800 s
//   e6 FAIL Thu 10:00
//   e7 ok   Thu 11:00, pushed 10:30  -> lead time 1800 s; restores e6's outage: 3600 s
// deployments 4, failures 3, change failure rate 3/7, median lead time 3600 s, median time to restore 6300 s
const run = (id: string, result: EndedExecution['result'], endedAt: string, changedAt?: string): EndedExecution => ({
  pipeline: 'MyFirstPipeline',
  executionId: id,
  result,
  endedAt: `2026-11-${endedAt}:00Z`,
  commitId: `${id}`.padEnd(40, '0'),
  changedAt: changedAt && `2026-11-${changedAt}:00Z`,
});
const week = [
  run('e1', 'SUCCEEDED', '16T10:00', '16T09:00'),
  run('e2', 'FAILED', '17T09:30', '17T09:00'),
  run('e3', 'FAILED', '17T10:30', '17T10:00'),
  run('e4', 'SUCCEEDED', '17T12:00', '17T11:00'),
  run('e5', 'SUCCEEDED', '18T09:00', '17T20:00'),
  run('e6', 'FAILED', '19T10:00', '19T09:00'),
  run('e7', 'SUCCEEDED', '19T11:00', '19T10:30'),
];
const byId = (id: string) => week.find((execution) => execution.executionId === id)!;

/** Feeds executions as the handler does: what the ledger knows so far, a redelivered one skipped. */
function arrive(ids: string[]): DoraMeasure[] {
  const known: EndedExecution[] = [];
  return ids.flatMap((id) => {
    const execution = byId(id);
    if (known.includes(execution)) return [];
    const measures = doraOnEnd(execution, [...known]);
    known.push(execution);
    return measures;
  });
}
const values = (measures: DoraMeasure[], name: DoraMeasure['name']) => measures.filter((measure) => measure.name === name).map((measure) => measure.value);

describe('doraOnEnd', () => {
  it('emits each measure once, in order of arrival', () => {
    const measures = arrive(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
    expect(values(measures, 'ProductionDeployments')).toEqual([1, 1, 1, 1]);
    expect(values(measures, 'ProductionFailures')).toEqual([1, 1, 1]);
    expect(values(measures, 'LeadTimeForChanges')).toEqual([3600, 3600, 46800, 1800]);
    expect(values(measures, 'TimeToRestore')).toEqual([9000, 3600]);
  });

  it('counts a redelivered execution once', () => {
    expect(arrive(['e1', 'e1', 'e2', 'e2', 'e4', 'e4'])).toEqual(arrive(['e1', 'e2', 'e4']));
  });

  it('emits the time to restore when the failure arrives after the success that ended its outage', () => {
    const measures = arrive(['e1', 'e5', 'e7', 'e6']);
    expect(values(measures, 'TimeToRestore')).toEqual([3600]);
  });

  it('counts an outage whose failures arrive late from the first of them to arrive (documented limit)', () => {
    // e4 before e2 and e3; then e3 (the outage is e3 alone so far: 12:00 - 10:30), then e2 (already counted)
    const measures = arrive(['e1', 'e4', 'e3', 'e2']);
    expect(values(measures, 'TimeToRestore')).toEqual([5400]);
    expect(values(measures, 'ProductionFailures')).toEqual([1, 1]);
  });

  it('gives no lead time when the change time is not known, and never a negative one', () => {
    expect(doraOnEnd({ ...byId('e1'), changedAt: undefined }, [])).toEqual([{ name: 'ProductionDeployments', unit: 'Count', value: 1 }]);
    expect(values(doraOnEnd({ ...byId('e1'), changedAt: '2026-11-16T11:00:00Z' }, []), 'LeadTimeForChanges')).toEqual([0]);
  });
});

describe('doraReport', () => {
  const from = new Date('2026-11-16T00:00:00Z');
  const to = new Date('2026-11-23T00:00:00Z');

  it('computes the four metrics and the days of the week', () => {
    const report = doraReport(week, from, to);
    expect(report).toMatchObject({ deployments: 4, failures: 3, medianLeadTimeSeconds: 3600, medianTimeToRestoreSeconds: 6300 });
    expect(report.changeFailureRate).toBeCloseTo(3 / 7);
    expect(report.days).toEqual([
      { day: '2026-11-16', deployments: 1, medianLeadTimeSeconds: 3600 },
      { day: '2026-11-17', deployments: 1, medianLeadTimeSeconds: 3600 },
      { day: '2026-11-18', deployments: 1, medianLeadTimeSeconds: 46800 },
      { day: '2026-11-19', deployments: 1, medianLeadTimeSeconds: 1800 },
      { day: '2026-11-20', deployments: 0, medianLeadTimeSeconds: undefined },
      { day: '2026-11-21', deployments: 0, medianLeadTimeSeconds: undefined },
      { day: '2026-11-22', deployments: 0, medianLeadTimeSeconds: undefined },
    ]);
  });

  it('is the same whatever order and however often the executions were recorded', () => {
    const shuffled = [week[6]!, week[3]!, week[3]!, week[0]!, week[5]!, week[2]!, week[1]!, week[4]!, week[1]!];
    expect(doraReport(shuffled, from, to)).toEqual(doraReport(week, from, to));
  });

  it('keeps to the period, but counts an outage that began before it', () => {
    const report = doraReport(week, new Date('2026-11-17T11:00:00Z'), new Date('2026-11-18T00:00:00Z'));
    expect(report).toMatchObject({ deployments: 1, failures: 0, changeFailureRate: 0, medianTimeToRestoreSeconds: 9000 });
  });

  it('keeps pipelines apart', () => {
    const other = week.map((execution) => ({ ...execution, pipeline: 'OtherPipeline', result: 'SUCCEEDED' as const }));
    expect(doraReport([...week, ...other], from, to)).toMatchObject({ deployments: 11, failures: 3, medianTimeToRestoreSeconds: 6300 });
  });

  it('has no rates or medians for a period with nothing in it', () => {
    expect(doraReport([], from, to)).toMatchObject({ deployments: 0, failures: 0, changeFailureRate: undefined, medianLeadTimeSeconds: undefined, medianTimeToRestoreSeconds: undefined });
  });
});
