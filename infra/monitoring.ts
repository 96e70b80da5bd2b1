// The CloudWatch dashboard and alarms, as data. infra/monitoring.cjs puts them in the template;
// tests/unit/infra/monitoring.test.ts checks that every custom metric here is one the functions
// emit, with the same namespace, name and dimensions, and that every one they emit is here.
import { DORA_BANDS, type BandedMeasure } from '../shared/dora-bands';

export interface MonitoringSettings {
  service: string;
  stage: string;
  namespace: string;
  /** The region widgets read from: `${AWS::Region}` in the template. */
  region: string;
  pipelines: string[];
  productionPipelines: string[];
  /** Each team's production pipelines: a row of DORA widgets each. */
  teams: { team: string; pipelines: string[] }[];
  /** Deployed Lambda function names. */
  functions: string[];
  deadLetterQueue: string;
  /** Where SNS puts a notification it could not deliver to notify-slack. */
  undeliveredNotificationsQueue: string;
}

type MetricOptions = { stat?: string; label?: string; id?: string; visible?: boolean; period?: number };
/** A CloudWatch dashboard metric row: [namespace, name, dimension name, value, ..., options?] or a math/SEARCH expression. */
export type MetricRow = (string | MetricOptions)[] | [{ expression: string; label?: string; id: string; period?: number }];

export interface MetricWidget {
  type: 'metric';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title: string;
    region: string;
    view: 'timeSeries' | 'singleValue';
    stat: string;
    period: number;
    metrics: MetricRow[];
    yAxis?: object;
    annotations?: { horizontal: { label: string; value: number }[] };
  };
}

type Widget = Omit<MetricWidget, 'x' | 'y' | 'width' | 'height'>;

const DAY = 86_400;
const HOUR = 3_600;

export function dashboardBody(settings: MonitoringSettings): { widgets: MetricWidget[] } {
  const { namespace: ns, service, region, productionPipelines, pipelines, functions, deadLetterQueue } = settings;
  const ours = (name: string, dimensions: Record<string, string> = {}, options: MetricOptions = {}): MetricRow => [
    ns,
    name,
    'service',
    service,
    ...Object.entries(dimensions).flat(),
    ...(Object.keys(options).length > 0 ? [options] : []),
  ];
  // DORA's measures per production pipeline and for all of them (the functions emit both), and per
  // team. A widget's line adds up its parts: one pipeline's metric, all pipelines', or a team's pipelines'
  type Line = { label: string; suffix: string; parts: { dimensions: Record<string, string>; label: string; suffix: string }[] };
  const single = (dimensions: Record<string, string>, label: string, suffix: string): Line => ({ label, suffix, parts: [{ dimensions, label, suffix }] });
  const production = [...productionPipelines.map((pipeline, i) => single({ pipeline }, pipeline, `${i}`)), single({}, 'all production pipelines', '')];
  const hidden = (name: string, id: string, line: Line) => line.parts.map(({ dimensions, suffix }) => ours(name, dimensions, { id: `${id}${suffix}`, visible: false }));
  // FILL each: CloudWatch leaves out a period where a series has no value, and such a period has none of them
  const sum = (id: string, line: Line) => line.parts.map(({ suffix }) => `FILL(${id}${suffix}, 0)`).join(' + ');
  const operand = (id: string, line: Line) => (line.parts.length > 1 ? `(${sum(id, line)})` : sum(id, line));
  const perDay = (lines: Line[]): MetricRow[] =>
    lines.flatMap((line) => [...hidden('ProductionDeployments', 'deployed', line), [{ expression: sum('deployed', line), label: line.label, id: `frequency${line.suffix}` }]]);
  /**
   * `100 * <name> / ProductionDeployments`: a period with deployments and none of `name` is 0 %.
   * Failed and rework deployments take their deployment's time, so they fall in a period that has it.
   */
  const perDeployment = (name: string, id: string, lines: Line[]): MetricRow[] =>
    lines.flatMap((line) => [
      ...hidden(name, id, line),
      ...hidden('ProductionDeployments', 'deployed', line),
      [{ expression: `100 * ${operand(id, line)} / ${operand('deployed', line)}`, label: line.label, id: `rate${line.suffix}` }],
    ]);
  // medians do not add up: a team's widget has its pipelines' medians, and a period without any has none
  const medians = (name: string, lines: Line[]): MetricRow[] => lines.flatMap((line) => line.parts.map(({ dimensions, label }) => ours(name, dimensions, { stat: 'p50', label })));
  /** DORA's bands (shared/dora-bands.ts) as lines at their bounds; `scale` from the bands' unit to the widget's. */
  const dora = (title: string, stat: string, metrics: MetricRow[], bands?: BandedMeasure, scale = 1): Widget => ({
    type: 'metric',
    properties: {
      title,
      region,
      view: 'timeSeries',
      stat,
      period: DAY,
      metrics,
      ...(bands && { annotations: { horizontal: DORA_BANDS[bands].bounds.map(({ band, value, label }) => ({ label: `${band}: ${label}`, value: value * scale })) } }),
    },
  });
  // DORA's five measures (docs/dora.md), from the facts the functions claim once each; DORA publishes no bands for rework
  const doraRow = (title: string, lines: Line[]): Widget[] => [
    dora(`${title}Deployment frequency (production deployments a day)`, 'Sum', perDay(lines), 'deploymentFrequency'),
    dora(`${title}Lead time for changes (median over commits, seconds)`, 'p50', medians('LeadTimeForChanges', lines), 'leadTime'),
    dora(`${title}Change fail rate (%)`, 'Sum', perDeployment('FailedDeployments', 'failed', lines), 'changeFailRate', 100),
    dora(`${title}Failed deployment recovery time (median, seconds)`, 'p50', medians('FailedDeploymentRecoveryTime', lines), 'recoveryTime'),
    dora(`${title}Deployment rework rate (%)`, 'Sum', perDeployment('ReworkDeployments', 'rework', lines)),
  ];
  const teamLine = (team: string, pipelines: string[]): Line => ({ label: `team ${team}`, suffix: '', parts: pipelines.map((pipeline, i) => ({ dimensions: { pipeline }, label: pipeline, suffix: `${i}` })) });
  // projects and applications are not known at deploy time: SEARCH finds every one the functions report
  const search = (dimension: string, name: string, stat: string, id: string, period = DAY): MetricRow => [
    { expression: `SEARCH('{${ns},${dimension},service} MetricName="${name}" service="${service}"', '${stat}', ${period})`, id },
  ];

  const others: Widget[] = [
    {
      type: 'metric',
      properties: {
        title: 'Pipeline executions',
        region,
        view: 'timeSeries',
        stat: 'Sum',
        period: DAY,
        metrics: pipelines.flatMap((pipeline) => [ours('PipelineSucceeded', { pipeline }, { label: `${pipeline} succeeded` }), ours('PipelineFailed', { pipeline }, { label: `${pipeline} failed` })]),
      },
    },
    {
      type: 'metric',
      properties: {
        title: 'Builds per project',
        region,
        view: 'timeSeries',
        stat: 'Sum',
        period: DAY,
        metrics: [search('project', 'BuildSucceeded', 'Sum', 'buildsSucceeded'), search('project', 'BuildFailed', 'Sum', 'buildsFailed')],
      },
    },
    { type: 'metric', properties: { title: 'Build duration per project (median, seconds)', region, view: 'timeSeries', stat: 'p50', period: DAY, metrics: [search('project', 'BuildDuration', 'p50', 'buildDuration')] } },
    {
      type: 'metric',
      properties: {
        title: 'Deployments per application',
        region,
        view: 'timeSeries',
        stat: 'Sum',
        period: DAY,
        metrics: [search('application', 'DeploymentSucceeded', 'Sum', 'deploymentsSucceeded'), search('application', 'DeploymentFailed', 'Sum', 'deploymentsFailed')],
      },
    },
    { type: 'metric', properties: { title: 'Deployment duration per application (median, seconds)', region, view: 'timeSeries', stat: 'p50', period: DAY, metrics: [search('application', 'DeploymentDuration', 'p50', 'deploymentDuration')] } },
    {
      type: 'metric',
      properties: {
        title: 'Function errors and throttles',
        region,
        view: 'timeSeries',
        stat: 'Sum',
        period: HOUR,
        metrics: functions.flatMap((name) => [
          ['AWS/Lambda', 'Errors', 'FunctionName', name, { label: `${name} errors` }],
          ['AWS/Lambda', 'Throttles', 'FunctionName', name, { label: `${name} throttles` }],
        ]),
      },
    },
    {
      type: 'metric',
      properties: {
        title: 'Dead letters waiting',
        region,
        view: 'timeSeries',
        stat: 'Maximum',
        period: 300,
        metrics: [deadLetterQueue, settings.undeliveredNotificationsQueue].map((queue) => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', queue]),
      },
    },
    {
      type: 'metric',
      properties: {
        title: 'What the functions did',
        region,
        view: 'timeSeries',
        stat: 'Sum',
        period: HOUR,
        metrics: [
          ours('PipelinesStarted'),
          ours('PipelinesSkipped'),
          ours('PushesIgnored'),
          ours('PipelineEventsOutsidePolicy'),
          ours('ApprovalsRequested', {}),
          ours('MalformedEvents'),
          ours('Greetings'),
          ours('RejectedRequests'),
          ours('HandlerErrors'),
          search('function_name', 'ColdStart', 'Sum', 'coldStarts', HOUR),
          // promotions: on-pipeline counts its starts and skips per pipeline
          search('pipeline', 'PipelinesStarted', 'Sum', 'promotions', HOUR),
          search('pipeline', 'PipelinesSkipped', 'Sum', 'promotionsSkipped', HOUR),
        ],
      },
    },
    {
      type: 'metric',
      properties: {
        title: 'Slack',
        region,
        view: 'timeSeries',
        stat: 'Sum',
        period: HOUR,
        metrics: [ours('SlackMessagesPosted'), ours('SlackMessagesUpdated'), ours('SlackDeliveryFailures'), ours('SlackDuplicatePosts')],
      },
    },
  ];
  const rows = [
    doraRow('', production),
    ...settings.teams.map(({ team, pipelines }) => doraRow(`Team ${team}: `, [teamLine(team, pipelines)])),
    ...others.flatMap((widget, i) => (i % 2 === 0 ? [others.slice(i, i + 2)] : [])),
  ];
  // the DORA rows five widgets wide, then two a row; 24 columns, 6 high
  const column = (i: number, row: Widget[]) => Math.round((24 * i) / row.length);
  return { widgets: rows.flatMap((row, y) => row.map((widget, i) => ({ ...widget, x: column(i, row), y: y * 6, width: column(i + 1, row) - column(i, row), height: 6 }))) };
}

type Alarm = { Type: 'AWS::CloudWatch::Alarm'; Properties: Record<string, unknown> };

/** Alarms to the notifications topic: a production pipeline failed, a function failed, a dead letter is waiting. */
export function alarms(settings: MonitoringSettings, topic: unknown): Record<string, Alarm> {
  const { namespace, service, productionPipelines, functions, deadLetterQueue, undeliveredNotificationsQueue } = settings;
  const alarm = (description: string, metric: Record<string, unknown>): Alarm => ({
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: description,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      Period: 300,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      ...metric,
    },
  });
  const logicalId = (text: string) => text.replace(`${service}-${settings.stage}-`, '').replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __, letter: string) => letter.toUpperCase());
  return {
    ...Object.fromEntries(
      productionPipelines.map((pipeline) => [
        `${logicalId(pipeline)}FailedAlarm`,
        alarm(`Production pipeline ${pipeline} failed`, {
          Namespace: namespace,
          MetricName: 'PipelineFailed',
          Dimensions: [
            { Name: 'service', Value: service },
            { Name: 'pipeline', Value: pipeline },
          ],
          Statistic: 'Sum',
        }),
      ]),
    ),
    ...Object.fromEntries(
      functions.map((name) => [
        `${logicalId(name)}ErrorsAlarm`,
        alarm(`Function ${name} failed`, { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: name }], Statistic: 'Sum' }),
      ]),
    ),
    DeadLettersAlarm: alarm('An event is waiting in the dead-letter queue', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: deadLetterQueue }],
      Statistic: 'Maximum',
    }),
    UndeliveredNotificationsAlarm: alarm('SNS could not deliver a notification to notify-slack', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: undeliveredNotificationsQueue }],
      Statistic: 'Maximum',
    }),
  };
}
