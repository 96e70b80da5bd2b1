import { compileMath, drawDashboard, localDashboardSettings } from '../../../../../infra/local/console/dashboard';
import { emfDatapoints } from '../../../../../infra/local/console/emf';
import policy from '../../../../../release-policy.yml';

const settings = localDashboardSettings(policy, ['on-pipeline', 'on-build'], 'ReleaseConductor');
const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);

/** An EMF line as the functions write it (as Powertools does): one record, its dimension sets, the values beside them. */
const emf = (at: number, dimensions: string[][], values: Record<string, number | number[]>, keys: Record<string, string> = {}) => ({
  _aws: { Timestamp: at, CloudWatchMetrics: [{ Namespace: 'ReleaseConductor', Dimensions: dimensions, Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })) }] },
  service: 'release-conductor',
  ...keys,
  ...values,
});
const production = (at: number, values: Record<string, number | number[]>) => emf(at, [['service', 'pipeline'], ['service']], values, { pipeline: 'MyFirstPipeline' });

function rows(lines: Record<string, unknown>[], title: string, period?: number) {
  const widget = drawDashboard(settings, emfDatapoints(lines), { from: T0, to: T0 + 10 * 60_000 }, period).find((candidate) => candidate.title === title)!;
  return { widget, values: (widget.spec as { data: { values: { time: number; metric: string; value: number }[] } }).data.values };
}

describe('the local dashboard', () => {
  it('sums each period of a metric, for its exact dimensions, per pipeline and for all of them', () => {
    const lines = [production(T0 + 5_000, { ProductionDeployments: 1 }), production(T0 + 20_000, { ProductionDeployments: 1 }), production(T0 + 70_000, { ProductionDeployments: 1 })];
    expect(rows(lines, 'Deployment frequency (production deployments a day)', 60).values).toEqual([
      { time: T0, metric: 'MyFirstPipeline', value: 2 },
      { time: T0 + 60_000, metric: 'MyFirstPipeline', value: 1 },
      { time: T0, metric: 'all production pipelines', value: 2 },
      { time: T0 + 60_000, metric: 'all production pipelines', value: 1 },
    ]);
    // as deployed, a day a point
    expect(rows(lines, 'Deployment frequency (production deployments a day)').values).toEqual([
      { time: Date.UTC(2026, 10, 30), metric: 'MyFirstPipeline', value: 3 },
      { time: Date.UTC(2026, 10, 30), metric: 'all production pipelines', value: 3 },
    ]);
  });

  it('takes the median for p50', () => {
    const lines = [production(T0, { LeadTimeForChanges: 600 }), production(T0 + 1_000, { LeadTimeForChanges: 60 }), production(T0 + 2_000, { LeadTimeForChanges: [120] })];
    expect(rows(lines, 'Lead time for changes (median over commits, seconds)', 60).values[0]).toEqual({ time: T0, metric: 'MyFirstPipeline', value: 120 });
  });

  it('works out the change fail rate for every period with a deployment: the deployed math fills what is missing', () => {
    const lines = [
      production(T0, { ProductionDeployments: 1, FailedDeployments: 1 }),
      production(T0 + 1_000, { ProductionDeployments: 1 }),
      production(T0 + 60_000, { ProductionDeployments: 1 }),
      production(T0 + 120_000, { ProductionDeployments: 1 }),
      // found out later, at its deployment's time
      production(T0 + 120_000, { FailedDeployments: 1 }),
    ];
    const { values } = rows(lines, 'Change fail rate (%)', 60);
    expect(values.filter(({ metric }) => metric === 'MyFirstPipeline')).toEqual([
      { time: T0, metric: 'MyFirstPipeline', value: 50 },
      { time: T0 + 60_000, metric: 'MyFirstPipeline', value: 0 },
      { time: T0 + 120_000, metric: 'MyFirstPipeline', value: 100 },
    ]);
    // the series it is worked out from are hidden, as on the deployed dashboard
    expect(new Set(values.map(({ metric }) => metric))).toEqual(new Set(['MyFirstPipeline', 'all production pipelines']));
  });

  it('works out the rework rate the same way', () => {
    const lines = [production(T0, { ProductionDeployments: 1 }), production(T0 + 30_000, { ProductionDeployments: 1, ReworkDeployments: 1 }), production(T0 + 60_000, { ProductionDeployments: 1 })];
    expect(rows(lines, 'Deployment rework rate (%)', 60).values.filter(({ metric }) => metric === 'all production pipelines')).toEqual([
      { time: T0, metric: 'all production pipelines', value: 50 },
      { time: T0 + 60_000, metric: 'all production pipelines', value: 0 },
    ]);
  });

  it('finds what a SEARCH finds: one series per project, only with the schema’s dimensions', () => {
    const build = (project: string, values: Record<string, number>) => emf(T0, [['service', 'project']], values, { project });
    const lines = [build('web', { BuildSucceeded: 1, BuildFailed: 0 }), build('web', { BuildSucceeded: 1, BuildFailed: 0 }), build('api', { BuildSucceeded: 0, BuildFailed: 1 }), emf(T0, [['service']], { BuildSucceeded: 5 })];
    expect(rows(lines, 'Builds per project', 60).values).toEqual([
      { time: T0, metric: 'web BuildSucceeded', value: 2 },
      { time: T0, metric: 'api BuildSucceeded', value: 0 },
      { time: T0, metric: 'web BuildFailed', value: 0 },
      { time: T0, metric: 'api BuildFailed', value: 1 },
    ]);
  });

  it('says which widgets show what only AWS measures', () => {
    const { widget, values } = rows([], 'Function errors and throttles', 60);
    expect(values).toEqual([]);
    expect(widget.notes).toEqual(['AWS/Lambda metrics come from Lambda itself: nothing measures them locally.']);
  });
});

describe('metric math', () => {
  it('works out arithmetic on ids and numbers, and declines functions', () => {
    const rate = compileMath('100 * failed / (failed + succeeded)')!;
    expect(rate.ids.sort()).toEqual(['failed', 'succeeded']);
    expect(rate.evaluate({ failed: 1, succeeded: 3 })).toBe(25);
    expect(compileMath('-a - -2')!.evaluate({ a: 1 })).toBe(1);
    expect(compileMath('FILL(m1, 0)')!.evaluate({})).toBe(0);
    expect(compileMath('FILL(m1, 0)')!.evaluate({ m1: 3 })).toBe(3);
    expect(compileMath('RATE(m1)')).toBeUndefined();
    expect(compileMath('(a + b')).toBeUndefined();
  });
});
