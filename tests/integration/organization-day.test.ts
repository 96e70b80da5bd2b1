import { runWeek, type WeekRun } from '../support/organization-run';

// `npm run scale` in small (docs/benchmarks.md "Organization scale"): a generated day of 3 accounts,
// 12 pipelines and 3 teams through a local stack of its own, bundled with the day's policy. The
// run checks the ledger, `npm run report`'s measures and the metrics against what the generator
// made; this test keeps that check, and the measures the script reports, right.
describe('a generated organization day through the local stack', () => {
  let run: WeekRun;

  beforeAll(async () => {
    run = await runWeek({ accounts: 3, pipelines: 12, teams: 3, days: 1, pushesPerDay: 1, from: '2026-11-16' });
  }, 120_000);

  it('gives the ledger, the five measures of every scope and the DORA metrics the generator made', () => {
    expect(run.week.executions.length).toBeGreaterThan(6);
    expect(run.week.alarms.length).toBeGreaterThan(1);
    expect(run.mismatches).toEqual([]);
    expect(run.deadLetters).toBe(0);
  });

  it('counts every event sent and every DynamoDB write, per partition key', () => {
    expect(run.events.total).toBe(run.events.pushes + run.events.executions + run.events.alarms);
    expect(run.events.pushes).toBe(run.week.pushes.length);
    expect(run.eventsPerSecond).toBeGreaterThan(0);
    const perKey = Object.values(run.writes.byPartitionKey).reduce((sum, writes) => sum + writes, 0);
    expect(perKey).toBe(run.writes.total);
    expect(Object.values(run.writes.byOperation).reduce((sum, writes) => sum + writes, 0)).toBe(run.writes.total);
    // every push and every execution's steps were written: at least one write each
    expect(Object.keys(run.writes.byPartitionKey).filter((key) => key.includes(' COMMIT#'))).toHaveLength(run.week.pushes.length);
    expect(Object.keys(run.writes.byPartitionKey).filter((key) => key.includes(' EXECUTION#'))).toHaveLength(run.week.executions.length);
  });

  it('counts each distinct metric once: a deployment count per production pipeline that deployed, and one for them all', () => {
    const deployed = new Set(run.week.executions.filter((execution) => execution.pipeline.endsWith('-production') && execution.deploy === 'SUCCESS').map(({ pipeline }) => pipeline));
    expect(deployed.size).toBeGreaterThan(1);
    expect(run.customMetrics.get('ProductionDeployments')).toBe(deployed.size + 1);
  });
});
