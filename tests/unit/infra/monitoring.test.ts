import { alarms } from '../../../infra/monitoring';
import { dashboard, dashboardMetrics, metricKey, SERVICE, settings } from '../../support/dashboard';

describe('the dashboard body', () => {
  // PutDashboard's body: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
  it('has widgets on the 24-column grid, each with a title, a region and metric rows', () => {
    expect(dashboard.widgets.length).toBeGreaterThan(0);
    for (const widget of dashboard.widgets) {
      expect(widget.type).toBe('metric');
      expect(widget.x + widget.width).toBeLessThanOrEqual(24);
      expect(widget.width).toBeGreaterThanOrEqual(1);
      expect(widget.height).toBeGreaterThanOrEqual(1);
      expect(widget.properties).toMatchObject({ title: expect.any(String), region: 'us-east-1', period: expect.any(Number) });
      expect(widget.properties.period % 60).toBe(0);
      expect(widget.properties.metrics.length).toBeGreaterThan(0);
    }
  });

  it('writes each metric row as namespace, name, then dimension name and value pairs, and each expression with an id', () => {
    const ids = new Set<string>();
    for (const widget of dashboard.widgets) {
      for (const row of widget.properties.metrics) {
        const strings = row.filter((part) => typeof part === 'string');
        const options = row.filter((part) => typeof part === 'object') as { expression?: string; id?: string }[];
        expect(options.length).toBeLessThanOrEqual(1);
        if (options[0]?.expression !== undefined) {
          expect(strings).toEqual([]);
          expect(options[0].id).toMatch(/^[a-z][A-Za-z0-9_]*$/);
          ids.add(`${widget.properties.title}/${options[0].id}`);
        } else {
          expect(strings.length % 2).toBe(0);
          expect(strings.length).toBeGreaterThanOrEqual(2);
        }
      }
    }
    expect(ids.size).toBeGreaterThan(0);
  });

  it('refers in every math expression only to ids of its own widget', () => {
    for (const widget of dashboard.widgets) {
      const ids = widget.properties.metrics.flatMap((row) => row.flatMap((part) => (typeof part === 'object' && part.id ? [part.id] : [])));
      for (const row of widget.properties.metrics) {
        const [first] = row;
        if (typeof first !== 'object' || !('expression' in first) || first.expression.startsWith('SEARCH')) continue;
        for (const reference of first.expression.match(/[a-z][A-Za-z0-9_]*/g) ?? []) expect(ids).toContain(reference);
      }
    }
  });
});

describe("the DORA widgets: DORA's five measures", () => {
  const widget = (title: string) => dashboard.widgets.find((candidate) => candidate.properties.title === title)!;
  const RATES = [
    ['Change fail rate (%)', 'FailedDeployments', 'failed'],
    ['Deployment rework rate (%)', 'ReworkDeployments', 'rework'],
  ] as const;

  it('come first, per production pipeline and for all production pipelines', () => {
    expect(dashboard.widgets.slice(0, 5).map(({ properties }) => properties.title)).toEqual([
      'Deployment frequency (production deployments a day)',
      'Lead time for changes (median over commits, seconds)',
      'Change fail rate (%)',
      'Failed deployment recovery time (median, seconds)',
      'Deployment rework rate (%)',
    ]);
    for (const name of ['ProductionDeployments', 'LeadTimeForChanges', 'FailedDeployments', 'FailedDeploymentRecoveryTime', 'ReworkDeployments']) {
      for (const dimensions of [['service', 'pipeline'], ['service']]) expect(dashboardMetrics()).toContain(metricKey(name, dimensions));
    }
    // the old model's measures are gone
    expect([...dashboardMetrics()].filter((key) => /^(ProductionFailures|TimeToRestore) /.test(key))).toEqual([]);
  });

  it('count deployments a day, and take the median of the lead times and recovery times', () => {
    expect(widget('Deployment frequency (production deployments a day)').properties).toMatchObject({ stat: 'Sum', period: 86_400 });
    for (const title of ['Lead time for changes (median over commits, seconds)', 'Failed deployment recovery time (median, seconds)']) {
      const { properties } = widget(title);
      expect(properties).toMatchObject({ stat: 'p50', period: 86_400 });
      expect(properties.metrics.map((row) => row.at(-1))).toEqual([
        { stat: 'p50', label: 'MyFirstPipeline' },
        { stat: 'p50', label: 'all production pipelines' },
      ]);
    }
  });

  it('work out the change fail and rework rates as a share of the deployments, both series filled with 0', () => {
    for (const [title, name, id] of RATES) {
      const { metrics } = widget(title).properties;
      expect(metrics).toEqual([
        [settings.namespace, name, 'service', SERVICE, 'pipeline', 'MyFirstPipeline', { id: `${id}0`, visible: false }],
        [settings.namespace, 'ProductionDeployments', 'service', SERVICE, 'pipeline', 'MyFirstPipeline', { id: 'deployed0', visible: false }],
        [{ expression: `100 * FILL(${id}0, 0) / FILL(deployed0, 0)`, label: 'MyFirstPipeline', id: 'rate0' }],
        [settings.namespace, name, 'service', SERVICE, { id, visible: false }],
        [settings.namespace, 'ProductionDeployments', 'service', SERVICE, { id: 'deployed', visible: false }],
        [{ expression: `100 * FILL(${id}, 0) / FILL(deployed, 0)`, label: 'all production pipelines', id: 'rate' }],
      ]);
    }
  });
});

describe('alarms', () => {
  const defined = alarms(settings, { Ref: 'ReleaseNotifications' });

  it('tell the topic when a production pipeline fails, a function fails or a dead letter waits', () => {
    expect(Object.keys(defined).sort()).toEqual(['ActFromSlackErrorsAlarm', 'DeadLettersAlarm', 'HelloErrorsAlarm', 'MyFirstPipelineFailedAlarm', 'NotifySlackErrorsAlarm', 'OnAlarmErrorsAlarm', 'OnBuildErrorsAlarm', 'OnDeployErrorsAlarm', 'OnPipelineErrorsAlarm', 'OnPushErrorsAlarm', 'SlackInteractionsErrorsAlarm', 'UndeliveredNotificationsAlarm']);
    for (const { Properties } of Object.values(defined)) expect(Properties).toMatchObject({ AlarmActions: [{ Ref: 'ReleaseNotifications' }], Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('watch the same metric the dashboard shows for a failed production pipeline', () => {
    const { Properties } = defined.MyFirstPipelineFailedAlarm!;
    expect(Properties).toMatchObject({ Namespace: settings.namespace, MetricName: 'PipelineFailed', Dimensions: [{ Name: 'service', Value: SERVICE }, { Name: 'pipeline', Value: 'MyFirstPipeline' }] });
    expect(dashboardMetrics()).toContain(metricKey('PipelineFailed', ['service', 'pipeline']));
  });
});
