import { GetCommitCommand, GetDifferencesCommand } from '@aws-sdk/client-codecommit';
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { GetPipelineExecutionCommand, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { dashboardMetrics, metricKey, settings } from '../../support/dashboard';
import { functionOfSample, handlerHarness, snsEventOf, type FunctionName } from '../../support/handler-harness';
import { eventSampleFiles, sample } from '../../support/samples';

type Emf = { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };

describe('the dashboard and the metrics the functions emit', () => {
  const { aws, answerByDefault, run, notifications, slack } = handlerHarness();
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
  const COMMIT = '7f0103f2a8b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0';

  beforeAll(async () => {
    // every sample, as the release story has them (beforeAll runs before the harness's beforeEach)
    answerByDefault();
    aws.codecommit.on(GetCommitCommand).resolves({ commit: { commitId: COMMIT, message: 'Fix', author: { name: 'Mina Kim', date: '1700000000 +0000' } } });
    aws.codecommit.on(GetDifferencesCommand).resolves({ differences: [{ afterBlob: { path: 'index.html' }, changeType: 'M' }] });
    aws.codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { createTime: new Date('2026-11-25T10:00:00Z'), completeTime: new Date('2026-11-25T10:02:00Z') } });
    aws.codepipeline.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ revisionId: COMMIT }] } });
    for (const file of eventSampleFiles()) await collect(functionOfSample(file), sample(file));
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

    // a production signal: the policy's alarm goes off after a deployment, a fix goes out, and it clears
    const deployed = (executionId: string, at: string) => ({ pipelineExecutionId: executionId, status: 'Succeeded' as const, lastUpdateTime: new Date(at), sourceRevisions: [{ actionName: 'Source', revisionId: COMMIT }] });
    aws.codepipeline.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [deployed('fix-1', '2026-11-25T13:30:00Z'), deployed('restore-1', '2026-11-25T12:00:00Z')] });
    const cleared = sample<{ id: string; detail: { state: object; previousState: object } }>('cloudwatch/alarm-ok.json');
    cleared.id = 'alarm-cleared';
    Object.assign(cleared.detail.state, { value: 'OK', timestamp: '2026-11-25T14:00:00.000+0000' });
    Object.assign(cleared.detail.previousState, { value: 'ALARM', timestamp: '2026-11-25T12:40:00.000+0000' });
    await collect('onAlarm', cleared);

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
