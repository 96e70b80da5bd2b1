import { alarms, dashboardBody, type MetricRow } from '../../../infra/monitoring';
import { DORA_BANDS } from '../../../shared/dora-bands';
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

  it('counts every metric a math expression is worked out from among the metrics the dashboard shows', () => {
    for (const widget of dashboard.widgets) {
      const rows = new Map(widget.properties.metrics.flatMap((row) => row.flatMap((part) => (typeof part === 'object' && part.id ? [[part.id, row] as const] : []))));
      for (const row of widget.properties.metrics) {
        const [first] = row;
        if (typeof first !== 'object' || !('expression' in first) || first.expression.startsWith('SEARCH')) continue;
        for (const id of first.expression.match(/[a-z][A-Za-z0-9_]*/g) ?? []) {
          const [namespace, name, ...rest] = rows.get(id)!.filter((part): part is string => typeof part === 'string');
          expect(namespace).toBe(settings.namespace);
          expect(dashboardMetrics()).toContain(metricKey(name!, rest.filter((_, i) => i % 2 === 0)));
        }
      }
    }
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

  it('count deployments a day, 0 on a day without any, and take the median of the lead times and recovery times', () => {
    const { properties } = widget('Deployment frequency (production deployments a day)');
    expect(properties).toMatchObject({ stat: 'Sum', period: 86_400 });
    expect(properties.metrics).toEqual([
      [settings.namespace, 'ProductionDeployments', 'service', SERVICE, 'pipeline', 'MyFirstPipeline', { id: 'deployed0', visible: false }],
      [{ expression: 'FILL(deployed0, 0)', label: 'MyFirstPipeline', id: 'frequency0' }],
      [settings.namespace, 'ProductionDeployments', 'service', SERVICE, { id: 'deployed', visible: false }],
      [{ expression: 'FILL(deployed, 0)', label: 'all production pipelines', id: 'frequency' }],
    ]);
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

describe("the DORA widgets: DORA's bands and the teams", () => {
  const TITLES = [
    'Deployment frequency (production deployments a day)',
    'Lead time for changes (median over commits, seconds)',
    'Change fail rate (%)',
    'Failed deployment recovery time (median, seconds)',
    'Deployment rework rate (%)',
  ];
  // two teams, one with two production pipelines
  const body = dashboardBody({
    ...settings,
    productionPipelines: ['web-prod', 'api-prod', 'etl-prod'],
    teams: [
      { team: 'web', pipelines: ['web-prod', 'api-prod'] },
      { team: 'data', pipelines: ['etl-prod'] },
    ],
  });
  const widget = (title: string) => body.widgets.find((candidate) => candidate.properties.title === title)!;
  const metric = (name: string, pipeline: string, id: string): MetricRow => [settings.namespace, name, 'service', SERVICE, 'pipeline', pipeline, { id, visible: false }];

  it("draw DORA's bands as lines at their bounds, in the widget's unit, and none for rework", () => {
    expect(widget('Deployment frequency (production deployments a day)').properties.annotations!.horizontal).toEqual([
      { label: 'elite: more than once a day', value: 1 },
      { label: 'high: more than once a week', value: 1 / 7 },
      { label: 'medium: more than once a month', value: 1 / 30 },
    ]);
    expect(widget('Lead time for changes (median over commits, seconds)').properties.annotations!.horizontal).toEqual([
      { label: 'elite: less than a day', value: 86_400 },
      { label: 'high: less than a week', value: 604_800 },
      { label: 'medium: less than a month', value: 2_592_000 },
    ]);
    expect(widget('Change fail rate (%)').properties.annotations!.horizontal).toEqual([
      { label: 'elite: at most 5 %', value: 5 },
      { label: 'high: at most 20 %', value: 20 },
    ]);
    expect(widget('Failed deployment recovery time (median, seconds)').properties.annotations!.horizontal).toEqual(
      DORA_BANDS.recoveryTime.bounds.map(({ band, label, value }) => ({ label: `${band}: ${label}`, value })),
    );
    expect(widget('Deployment rework rate (%)').properties.annotations).toBeUndefined();
    for (const title of TITLES) expect(widget(`Team web: ${title}`).properties.annotations).toEqual(widget(title).properties.annotations);
  });

  it('have a row of five per team after the row for the production pipelines, then the other widgets two a row', () => {
    const rows = ['', 'Team web: ', 'Team data: '].map((prefix) => TITLES.map((title) => widget(`${prefix}${title}`)));
    rows.forEach((row, y) => {
      expect(row.map(({ y: top }) => top)).toEqual([6 * y, 6 * y, 6 * y, 6 * y, 6 * y]);
      expect(row.map(({ x }) => x)).toEqual([0, 5, 10, 14, 19]);
      expect(row.reduce((width, one) => width + one.width, 0)).toBe(24);
    });
    expect(body.widgets.slice(0, 15)).toEqual(rows.flat());
    expect(body.widgets[15]).toMatchObject({ x: 0, y: 18, width: 12, properties: { title: 'Pipeline executions' } });
  });

  it("add up a team's deployments, failed and rework deployments over its pipelines, each filled with 0", () => {
    expect(widget('Team web: Deployment frequency (production deployments a day)').properties.metrics).toEqual([
      metric('ProductionDeployments', 'web-prod', 'deployed0'),
      metric('ProductionDeployments', 'api-prod', 'deployed1'),
      [{ expression: 'FILL(deployed0, 0) + FILL(deployed1, 0)', label: 'team web', id: 'frequency' }],
    ]);
    expect(widget('Team web: Change fail rate (%)').properties.metrics).toEqual([
      metric('FailedDeployments', 'web-prod', 'failed0'),
      metric('FailedDeployments', 'api-prod', 'failed1'),
      metric('ProductionDeployments', 'web-prod', 'deployed0'),
      metric('ProductionDeployments', 'api-prod', 'deployed1'),
      [{ expression: '100 * (FILL(failed0, 0) + FILL(failed1, 0)) / (FILL(deployed0, 0) + FILL(deployed1, 0))', label: 'team web', id: 'rate' }],
    ]);
    expect(widget('Team web: Deployment rework rate (%)').properties.metrics.at(-1)).toEqual([
      { expression: '100 * (FILL(rework0, 0) + FILL(rework1, 0)) / (FILL(deployed0, 0) + FILL(deployed1, 0))', label: 'team web', id: 'rate' },
    ]);
    expect(widget('Team data: Change fail rate (%)').properties.metrics.at(-1)).toEqual([{ expression: '100 * FILL(failed0, 0) / FILL(deployed0, 0)', label: 'team data', id: 'rate' }]);
  });

  it("show a team's pipelines' medians side by side: medians do not add up", () => {
    for (const [title, name] of [
      ['Lead time for changes (median over commits, seconds)', 'LeadTimeForChanges'],
      ['Failed deployment recovery time (median, seconds)', 'FailedDeploymentRecoveryTime'],
    ]) {
      expect(widget(`Team web: ${title}`).properties).toMatchObject({
        stat: 'p50',
        metrics: [
          [settings.namespace, name, 'service', SERVICE, 'pipeline', 'web-prod', { stat: 'p50', label: 'web-prod' }],
          [settings.namespace, name, 'service', SERVICE, 'pipeline', 'api-prod', { stat: 'p50', label: 'api-prod' }],
        ],
      });
    }
  });

  it('show the same metrics as without the teams: a team adds up the metrics of its pipelines', () => {
    const keys = (widgets: typeof body.widgets) => new Set(widgets.flatMap((one) => one.properties.metrics).flatMap((row) => (typeof row[0] === 'string' ? [JSON.stringify(row.filter((part) => typeof part === 'string'))] : [])));
    expect(keys(body.widgets)).toEqual(keys(dashboardBody({ ...settings, productionPipelines: ['web-prod', 'api-prod', 'etl-prod'], teams: [] }).widgets));
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
