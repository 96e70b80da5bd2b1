// The CloudWatch dashboard and alarms, as data. infra/monitoring.cjs puts them in the template;
// tests/unit/infra/monitoring.test.ts checks that every custom metric here is one the functions
// emit, with the same namespace, name and dimensions, and that every one they emit is here.

export interface MonitoringSettings {
  service: string;
  stage: string;
  namespace: string;
  /** The region widgets read from: `${AWS::Region}` in the template. */
  region: string;
  pipelines: string[];
  productionPipelines: string[];
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
  properties: { title: string; region: string; view: 'timeSeries' | 'singleValue'; stat: string; period: number; metrics: MetricRow[]; yAxis?: object };
}

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
  // DORA's measures per production pipeline and for all of them: the functions emit both
  const production = [...productionPipelines.map((pipeline, i) => ({ dimensions: { pipeline }, label: pipeline, suffix: `${i}` })), { dimensions: {}, label: 'all production pipelines', suffix: '' }];
  const perProduction = (name: string, stat: string) => production.map(({ dimensions, label }) => ours(name, dimensions, { stat, label }));
  /**
   * `100 * <name> / ProductionDeployments`. FILL on both: CloudWatch leaves a period out where a
   * series has no value, and a period with deployments and none of `name` is 0 %. Failed and rework
   * deployments take their deployment's time, so they fall in a period that has it.
   */
  const perDeployment = (name: string, id: string): MetricRow[] =>
    production.flatMap(({ dimensions, label, suffix }) => [
      ours(name, dimensions, { id: `${id}${suffix}`, visible: false }),
      ours('ProductionDeployments', dimensions, { id: `deployed${suffix}`, visible: false }),
      [{ expression: `100 * FILL(${id}${suffix}, 0) / FILL(deployed${suffix}, 0)`, label, id: `rate${suffix}` }],
    ]);
  // projects and applications are not known at deploy time: SEARCH finds every one the functions report
  const search = (dimension: string, name: string, stat: string, id: string, period = DAY): MetricRow => [
    { expression: `SEARCH('{${ns},${dimension},service} MetricName="${name}" service="${service}"', '${stat}', ${period})`, id },
  ];

  const widgets: Omit<MetricWidget, 'x' | 'y' | 'width' | 'height'>[] = [
    // DORA's five measures (docs/dora.md), from the facts the functions claim once each
    { type: 'metric', properties: { title: 'Deployment frequency (production deployments a day)', region, view: 'timeSeries', stat: 'Sum', period: DAY, metrics: perProduction('ProductionDeployments', 'Sum') } },
    { type: 'metric', properties: { title: 'Lead time for changes (median over commits, seconds)', region, view: 'timeSeries', stat: 'p50', period: DAY, metrics: perProduction('LeadTimeForChanges', 'p50') } },
    { type: 'metric', properties: { title: 'Change fail rate (%)', region, view: 'timeSeries', stat: 'Sum', period: DAY, metrics: perDeployment('FailedDeployments', 'failed') } },
    { type: 'metric', properties: { title: 'Failed deployment recovery time (median, seconds)', region, view: 'timeSeries', stat: 'p50', period: DAY, metrics: perProduction('FailedDeploymentRecoveryTime', 'p50') } },
    { type: 'metric', properties: { title: 'Deployment rework rate (%)', region, view: 'timeSeries', stat: 'Sum', period: DAY, metrics: perDeployment('ReworkDeployments', 'rework') } },
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
  // two widgets a row, 12 columns wide, 6 high
  return { widgets: widgets.map((widget, i) => ({ ...widget, x: (i % 2) * 12, y: Math.floor(i / 2) * 6, width: 12, height: 6 })) };
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
