import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommitCommand, GetDifferencesCommand } from '@aws-sdk/client-codecommit';
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { GetPipelineExecutionCommand, ListActionExecutionsCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import policy from '../../../release-policy.yml';
import { alarms, dashboardBody, type MetricRow, type MonitoringSettings } from '../../../infra/monitoring';
import { DEFAULT_METRICS_NAMESPACE } from '../../../shared/metrics';
import { handlerHarness, snsEventOf, type FunctionName } from '../../support/handler-harness';
import { eventSampleFiles, sample } from '../../support/samples';

const SERVICE = 'release-conductor';
const rules = Object.values(policy.repositories).flatMap((repository) => repository.pipelines);
const functionDirs = readdirSync(join(__dirname, '..', '..', '..', 'functions'));
const settings: MonitoringSettings = {
  service: SERVICE,
  stage: 'test',
  namespace: DEFAULT_METRICS_NAMESPACE,
  region: 'us-east-1',
  pipelines: [...new Set(rules.map((rule) => rule.name))],
  productionPipelines: rules.filter((rule) => rule.production).map((rule) => rule.name),
  functions: functionDirs.map((name) => `${SERVICE}-test-${name}`),
  deadLetterQueue: `${SERVICE}-test-dead-letters`,
  undeliveredNotificationsQueue: `${SERVICE}-test-undelivered-notifications`,
};
const dashboard = dashboardBody(settings);

/** `name {dimension,...}` for a metric of our namespace. */
const metricKey = (name: string, dimensions: string[]) => `${name} {${[...dimensions].sort().join(',')}}`;

/** Every metric of our namespace the dashboard shows: explicit rows and SEARCH expressions. */
function dashboardMetrics(): Set<string> {
  const keys = new Set<string>();
  for (const row of dashboard.widgets.flatMap((widget) => widget.properties.metrics) as MetricRow[]) {
    const [first] = row;
    if (typeof first === 'object') {
      const search = 'expression' in first ? /^SEARCH\('\{([^}]*)\} MetricName="([^"]+)"/.exec(first.expression) : null;
      if (search) {
        const [namespace, ...dimensions] = search[1]!.split(',');
        if (namespace === settings.namespace) keys.add(metricKey(search[2]!, dimensions));
      }
      continue;
    }
    const [namespace, name, ...rest] = row.filter((part): part is string => typeof part === 'string');
    if (namespace === settings.namespace) keys.add(metricKey(name!, rest.filter((_, i) => i % 2 === 0)));
  }
  return keys;
}

type Emf = { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };

describe('the dashboard and the metrics the functions emit', () => {
  const { aws, run, notifications, slack } = handlerHarness();
  const emitted = new Set<string>();
  const collect = async (name: FunctionName, event: unknown) => {
    const { lines } = await run(name, event);
    for (const line of lines.filter((line): line is Emf & Record<string, unknown> => '_aws' in line)) {
      for (const { Namespace, Dimensions, Metrics } of line._aws.CloudWatchMetrics) {
        expect(Namespace).toBe(settings.namespace);
        for (const dimensions of Dimensions) for (const { Name } of Metrics) emitted.add(metricKey(Name, dimensions));
      }
    }
  };
  const FUNCTION_OF: Record<string, FunctionName> = { codecommit: 'onPush', codebuild: 'onBuild', codedeploy: 'onDeploy', codepipeline: 'onPipeline' };
  const COMMIT = '7f0103f2a8b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0';

  beforeAll(async () => {
    // every sample, as the release story has them (beforeAll runs before the harness's beforeEach)
    aws.codepipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'exec-new' });
    aws.codepipeline.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [] });
    aws.sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    aws.codecommit.on(GetCommitCommand).resolves({ commit: { commitId: COMMIT, message: 'Fix', author: { name: 'Mina Kim', date: '1700000000 +0000' } } });
    aws.codecommit.on(GetDifferencesCommand).resolves({ differences: [{ afterBlob: { path: 'index.html' }, changeType: 'M' }] });
    aws.codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { createTime: new Date('2026-11-25T10:00:00Z'), completeTime: new Date('2026-11-25T10:02:00Z') } });
    aws.codepipeline.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ revisionId: COMMIT }] } });
    for (const file of eventSampleFiles()) await collect(FUNCTION_OF[file.split('/')[0]!]!, sample(file));
    const onMain = sample<{ id: string; detail: Record<string, string> }>('codecommit/reference-updated-branch.json');
    onMain.id = 'push-to-main';
    onMain.detail = { ...onMain.detail, referenceName: 'main' };
    await collect('onPush', onMain);

    // a production outage and its restore, a promotion and a promotion with nothing to promote
    const ended = (file: string, pipeline: string, executionId: string, time: string) => {
      const event = sample<{ id: string; time: string; detail: Record<string, string> }>(file);
      return { ...event, id: executionId, time, detail: { ...event.detail, pipeline, 'execution-id': executionId } };
    };
    await collect('onPipeline', ended('codepipeline/pipeline-failed.json', 'MyFirstPipeline', 'outage-1', '2026-11-25T11:00:00Z'));
    await collect('onPipeline', ended('codepipeline/pipeline-succeeded.json', 'MyFirstPipeline', 'restore-1', '2026-11-25T12:00:00Z'));
    await collect('onPipeline', ended('codepipeline/pipeline-succeeded.json', 'feature-preview', 'preview-1', '2026-11-25T12:30:00Z'));
    aws.codepipeline.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [] } });
    await collect('onPipeline', ended('codepipeline/pipeline-succeeded.json', 'feature-preview', 'preview-2', '2026-11-25T12:40:00Z'));
    await collect('onPipeline', ended('codepipeline/pipeline-succeeded.json', 'someone-elses-pipeline', 'other-1', '2026-11-25T12:50:00Z'));

    // an approval, a malformed event, and the API: a greeting, a bad name, and a fault of ours
    const approval = sample<{ id: string; detail: { type: Record<string, unknown> } }>('codepipeline/action-started.json');
    approval.id = 'approval-waiting'; // another event than the sample's, which ran above
    approval.detail.type = { ...approval.detail.type, category: 'Approval', provider: 'Manual' };
    await collect('onPipeline', approval);
    await collect('onBuild', { source: 'aws.codebuild' });
    await collect('hello', sample('apigateway/http-api-get-hello-name.json'));
    await collect('hello', { ...sample<object>('apigateway/http-api-get-hello-name.json'), pathParameters: { name: '%3Cscript%3E' } });
    const broken = Object.defineProperty(sample('apigateway/http-api-get-root.json'), 'pathParameters', { get: () => { throw new Error('a bug'); } });
    await collect('hello', broken);

    // Slack: every notification so far, then one that Slack refuses, and a post that may show twice
    // (taken but unanswered, and the bot may not read the channel's history to find it)
    const published = await notifications();
    for (const { notification } of published) await collect('notifySlack', snsEventOf(notification));
    const fault = (body: object) => fetch(`${slack().url}/_faults`, { method: 'POST', body: JSON.stringify(body) });
    await fault({ error: 'channel_not_found', times: 1 });
    await collect('notifySlack', snsEventOf({ ...published[0]!.notification, id: 'refused' }));
    await fault({ accept: true, times: 1 });
    await fault({ error: 'missing_scope', times: 1 });
    await collect('notifySlack', snsEventOf({ ...published[0]!.notification, id: 'doubtful', pipeline: { name: 'MyFirstPipeline', executionId: 'exec-doubtful' } }));
  });

  it('shows every metric the functions emit', () => {
    expect([...emitted].filter((key) => !dashboardMetrics().has(key))).toEqual([]);
  });

  it('shows only metrics the functions emit, with their namespace, name and dimensions', () => {
    expect([...dashboardMetrics()].filter((key) => !emitted.has(key))).toEqual([]);
  });
});

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

describe('alarms', () => {
  const defined = alarms(settings, { Ref: 'ReleaseNotifications' });

  it('tell the topic when a production pipeline fails, a function fails or a dead letter waits', () => {
    expect(Object.keys(defined).sort()).toEqual(['ActFromSlackErrorsAlarm', 'DeadLettersAlarm', 'HelloErrorsAlarm', 'MyFirstPipelineFailedAlarm', 'NotifySlackErrorsAlarm', 'OnBuildErrorsAlarm', 'OnDeployErrorsAlarm', 'OnPipelineErrorsAlarm', 'OnPushErrorsAlarm', 'SlackInteractionsErrorsAlarm', 'UndeliveredNotificationsAlarm']);
    for (const { Properties } of Object.values(defined)) expect(Properties).toMatchObject({ AlarmActions: [{ Ref: 'ReleaseNotifications' }], Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('watch the same metric the dashboard shows for a failed production pipeline', () => {
    const { Properties } = defined.MyFirstPipelineFailedAlarm!;
    expect(Properties).toMatchObject({ Namespace: settings.namespace, MetricName: 'PipelineFailed', Dimensions: [{ Name: 'service', Value: SERVICE }, { Name: 'pipeline', Value: 'MyFirstPipeline' }] });
    expect(dashboardMetrics()).toContain(metricKey('PipelineFailed', ['service', 'pipeline']));
  });
});
