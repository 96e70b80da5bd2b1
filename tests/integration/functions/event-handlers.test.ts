import { GetCommitCommand, GetDifferencesCommand } from '@aws-sdk/client-codecommit';
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { GetPipelineExecutionCommand, ListActionExecutionsCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { handlerHarness, QUEUE_URL, type FunctionName } from '../../support/handler-harness';
import { sample } from '../../support/samples';

const { aws, run, ledgerItems, snsOutage, notifications } = handlerHarness();
const { codecommit, codepipeline, codedeploy, sqs } = aws;

function pushTo(branch: string, message: string) {
  const event = sample<{ id: string; time: string; detail: Record<string, string> }>('codecommit/reference-updated-branch.json');
  event.detail = { ...event.detail, referenceName: branch, referenceFullName: `refs/heads/${branch}` };
  codecommit.on(GetCommitCommand).resolves({ commit: { commitId: event.detail.commitId, message, author: { name: 'Mina Kim', date: '1700000000 +0000' } } });
  return event;
}

describe('on-push', () => {
  it('starts MyFirstPipeline for a push to main, idempotently and pinned to the commit', async () => {
    const event = pushTo('main', 'Add sample application files');
    const { result, lines } = await run('onPush', event);
    const commitId = event.detail.commitId!;
    expect(result).toEqual({ started: [{ pipeline: 'MyFirstPipeline', executionId: 'exec-new' }], skipped: [{ pipeline: 'feature-preview', reason: 'branch main matches none of feature/**' }] });
    const [call] = codepipeline.commandCalls(StartPipelineExecutionCommand);
    expect(call!.args[0].input).toEqual({
      name: 'MyFirstPipeline',
      clientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
      variables: [
        { name: 'BRANCH', value: 'main' },
        { name: 'COMMIT_ID', value: commitId },
      ],
      sourceRevisions: [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: commitId }],
    });
    expect(lines).toContainEqual(expect.objectContaining({ message: 'pipeline started', pipeline: 'MyFirstPipeline', executionId: 'exec-new', eventId: event.id, commitId }));
    expect(lines).toContainEqual(expect.objectContaining({ PipelinesStarted: 1 }));

    // redelivered: the same start token, so CodePipeline starts nothing new, and nothing counted twice
    const retried = await run('onPush', event);
    expect(retried.result).toEqual(result);
    const [first, second] = codepipeline.commandCalls(StartPipelineExecutionCommand).map((c) => c.args[0].input.clientRequestToken);
    expect(second).toBe(first);
    expect(retried.lines.some((line) => 'PipelinesStarted' in line)).toBe(false);
  });

  it('publishes the push of a commit whose message is larger than SNS takes, clipped, and records it', async () => {
    const huge = `Big change\n${'x'.repeat(300_000)}`;
    const event = pushTo('main', `${'y'.repeat(300_000)}${huge}`);
    const { result } = await run('onPush', event);
    expect(result).toMatchObject({ started: [{ pipeline: 'MyFirstPipeline' }] });
    const [published] = await notifications(1);
    expect(published!.notification.commit!.message!.length).toBeLessThanOrEqual(4_000);
    expect(JSON.stringify(published!.notification).length).toBeLessThan(20_000);
    const [push] = await ledgerItems(`COMMIT#${event.detail.commitId}`);
    expect(String(push?.title).length).toBeLessThanOrEqual(500);
  });

  it('asks CodeCommit for the differences of a feature branch and starts nothing outside its paths', async () => {
    const event = pushTo('feature/banner', 'Add notes');
    codecommit.on(GetDifferencesCommand).resolves({ differences: [{ afterBlob: { path: 'NOTES.md' }, changeType: 'A' }] });
    const { result } = await run('onPush', event);
    expect(result).toMatchObject({ started: [], skipped: expect.arrayContaining([{ pipeline: 'feature-preview', reason: 'none of 1 changed paths matches scripts/**, index.html' }]) });
    expect(codecommit.commandCalls(GetDifferencesCommand)[0]!.args[0].input).toMatchObject({ repositoryName: 'MyDemoRepo', afterCommitSpecifier: event.detail.commitId });
    expect(codepipeline.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
  });

  it('logs and counts a tag push, and calls nothing', async () => {
    const { result, lines } = await run('onPush', sample('codecommit/reference-created-tag.json'));
    expect(result).toEqual({ ignored: expect.stringMatching(/tags start no pipeline/) });
    expect(lines).toContainEqual(expect.objectContaining({ PushesIgnored: 1 }));
    expect(codecommit.calls()).toHaveLength(0);
    expect(codepipeline.calls()).toHaveLength(0);
  });

  it('lets an SDK failure propagate, so Lambda retries the event', async () => {
    const event = pushTo('main', 'x');
    codepipeline.on(StartPipelineExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(run('onPush', event)).rejects.toThrow('Rate exceeded');
  });
});

describe('malformed events', () => {
  const broken: [string, Exclude<FunctionName, 'hello' | 'notifySlack'>, (event: Record<string, unknown> & { detail: Record<string, unknown> }) => unknown, string][] = [
    ['a push without a repository name', 'onPush', (event) => ({ ...event, detail: { ...event.detail, repositoryName: undefined } }), 'detail.repositoryName: Invalid input'],
    ['a push with a short commit id', 'onPush', (event) => ({ ...event, detail: { ...event.detail, commitId: 'abc123' } }), 'detail.commitId: expected a 40-character hex commit id'],
    ['a build with an unknown status', 'onBuild', (event) => ({ ...event, detail: { ...event.detail, 'build-status': 'EXPLODED' } }), 'detail.build-status'],
    ['a deployment with a bad id', 'onDeploy', (event) => ({ ...event, detail: { ...event.detail, deploymentId: '42' } }), 'detail.deploymentId: expected a CodeDeploy deployment id (d-XXXXXXXXX)'],
    ['a pipeline event of another detail type', 'onPipeline', (event) => ({ ...event, 'detail-type': 'CodePipeline Something Else' }), 'detail-type'],
    ['an event from another source', 'onBuild', (event) => ({ ...event, source: 'aws.s3' }), 'source'],
    ['an alarm state CloudWatch does not have', 'onAlarm', (event) => ({ ...event, detail: { ...event.detail, state: { ...(event.detail.state as object), value: 'EXPLODED' } } }), 'detail.state.value'],
  ];
  const base: Record<Exclude<FunctionName, 'hello' | 'notifySlack'>, string> = {
    onPush: 'codecommit/reference-updated-branch.json',
    onBuild: 'codebuild/build-failed.json',
    onDeploy: 'codedeploy/deployment-failure.json',
    onPipeline: 'codepipeline/pipeline-failed.json',
    onAlarm: 'cloudwatch/alarm-in-alarm.json',
  };

  it.each(broken)('dead-letters %s with the reason, logs and counts it, and returns', async (_, name, breakIt, reason) => {
    const event = breakIt(sample(base[name]));
    const { result, lines } = await run(name, event);
    expect(result).toEqual({ deadLettered: true, reason: expect.stringContaining(reason) });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'malformed event: dead-lettered', reason: expect.stringContaining(reason) }));
    expect(lines).toContainEqual(expect.objectContaining({ MalformedEvents: 1 }));
    const [letter] = sqs.commandCalls(SendMessageCommand);
    expect(letter!.args[0].input.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(letter!.args[0].input.MessageBody!)).toEqual({ functionName: expect.any(String), reason: expect.stringContaining(reason), event });
    expect([...codecommit.calls(), ...codepipeline.calls(), ...codedeploy.calls()]).toHaveLength(0);
  });

  it.each([null, 'not an event', 42])('dead-letters %j instead of throwing', async (event) => {
    const { result } = await run('onPipeline', event);
    expect(result).toMatchObject({ deadLettered: true });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });
});

describe('on-build, on-deploy, on-pipeline', () => {
  it('counts a failed build with its duration per project and logs the failing phase', async () => {
    const event = sample<{ detail: Record<string, string> }>('codebuild/build-failed.json');
    const { lines } = await run('onBuild', event);
    expect(lines).toContainEqual(expect.objectContaining({ BuildFailed: 1, BuildSucceeded: 0, project: event.detail['project-name'] }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'build failed', buildId: event.detail['build-id'], failure: expect.objectContaining({ phase: expect.any(String) }) }));
  });

  it('reads a finished deployment\'s duration and error from CodeDeploy and counts it per application', async () => {
    const event = sample<{ detail: Record<string, string> }>('codedeploy/deployment-failure.json');
    const error = { code: 'HEALTH_CONSTRAINTS' as const, message: 'The overall deployment failed because too many individual instances failed deployment' };
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { createTime: new Date('2026-11-25T10:00:00Z'), completeTime: new Date('2026-11-25T10:02:05Z'), errorInformation: error } });
    const { lines } = await run('onDeploy', event);
    expect(codedeploy.commandCalls(GetDeploymentCommand)[0]!.args[0].input).toEqual({ deploymentId: event.detail.deploymentId });
    expect(lines).toContainEqual(expect.objectContaining({ DeploymentFailed: 1, DeploymentSucceeded: 0, DeploymentDuration: 125, application: event.detail.application }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'deployment did not succeed', state: 'FAILURE', error, deploymentId: event.detail.deploymentId }));
  });

  it('asks CodePipeline nothing about a pipeline outside release-policy.yml (its role may not), and logs and counts it', async () => {
    const ended = sample<{ id: string; detail: Record<string, unknown> }>('codepipeline/pipeline-succeeded.json');
    ended.detail = { ...ended.detail, pipeline: 'someone-elses-pipeline' };
    const action = sample<{ id: string; detail: Record<string, unknown> }>('codepipeline/action-failed.json');
    action.detail = { ...action.detail, pipeline: 'someone-elses-pipeline', type: { owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: '1' }, 'execution-result': undefined };
    const outcomes = [await run('onPipeline', ended), await run('onPipeline', action)];
    expect(codepipeline.commandCalls(GetPipelineExecutionCommand)).toHaveLength(0);
    expect(codepipeline.commandCalls(ListActionExecutionsCommand)).toHaveLength(0);
    for (const { lines } of outcomes) {
      expect(lines).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'pipeline outside release-policy.yml (or in another account or region than it says): nothing read from CodePipeline', pipeline: 'someone-elses-pipeline' }));
      expect(lines).toContainEqual(expect.objectContaining({ PipelineEventsOutsidePolicy: 1 }));
    }
  });

  it('promotes a succeeded feature-preview execution to MyFirstPipeline on the same commit', async () => {
    const commitId = '0123456789abcdef0123456789abcdef01234567';
    const event = sample<{ detail: Record<string, string> }>('codepipeline/pipeline-succeeded.json');
    event.detail = { ...event.detail, pipeline: 'feature-preview' };
    codepipeline.on(GetPipelineExecutionCommand).resolves({
      pipelineExecution: {
        artifactRevisions: [{ name: 'SourceArtifact', revisionId: commitId }],
        variables: [{ name: 'BRANCH', resolvedValue: 'feature/banner' }],
      },
    });
    const { result, lines } = await run('onPipeline', event);
    expect(result).toMatchObject({ state: 'SUCCEEDED', promoted: [{ pipeline: 'MyFirstPipeline', executionId: 'exec-new' }] });
    expect(codepipeline.commandCalls(StartPipelineExecutionCommand)[0]!.args[0].input).toMatchObject({
      name: 'MyFirstPipeline',
      variables: [
        { name: 'BRANCH', value: 'feature/banner' },
        { name: 'COMMIT_ID', value: commitId },
      ],
      sourceRevisions: [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: commitId }],
    });
    expect(lines).toContainEqual(expect.objectContaining({ PipelineSucceeded: 1, pipeline: 'feature-preview' }));
  });

  it('records a production deployment in the ledger and emits its DORA facts per pipeline and for all, once', async () => {
    const push = pushTo('main', 'Add sample application files');
    await run('onPush', push);
    const commitId = push.detail.commitId!;
    const succeeded = sample<{ id: string; time: string; detail: Record<string, string> }>('codepipeline/pipeline-succeeded.json');
    succeeded.id = 'dora-1';
    succeeded.detail = { ...succeeded.detail, 'execution-id': 'exec-dora-1' };
    codepipeline.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ name: 'SourceArtifact', revisionId: commitId }] } });

    const { result, lines } = await run('onPipeline', succeeded);
    // the commit's own time (CodeCommit's author date, as the harness answers BatchGetCommits)
    const leadTime = (Date.parse(succeeded.time) - 1_764_493_200_000) / 1000;
    expect(result).toMatchObject({ dora: [{ kind: 'deployment', executionId: 'exec-dora-1' }, { kind: 'lead-time', commitId, seconds: leadTime }] });
    // one item: the deployment, carrying the lead time of each commit it brought
    expect(await ledgerItems('DORA#MyFirstPipeline')).toEqual(
      expect.arrayContaining([expect.objectContaining({ sk: 'FACT#deployment#exec-dora-1', carried: [expect.objectContaining({ kind: 'lead-time', commitId, seconds: leadTime })] })]),
    );
    const emf = lines.find((line) => 'LeadTimeForChanges' in line) as { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } } & Record<string, unknown>;
    expect(emf).toMatchObject({ pipeline: 'MyFirstPipeline', LeadTimeForChanges: leadTime });
    expect(emf._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service', 'pipeline'], ['service']]);
    expect(lines).toContainEqual(expect.objectContaining({ ProductionDeployments: 1, pipeline: 'MyFirstPipeline' }));
    expect(lines).toContainEqual(expect.objectContaining({ PipelineSucceeded: 1, pipeline: 'MyFirstPipeline' }));

    // the same event again: its facts are claimed already and its counts are not made twice
    const again = await run('onPipeline', succeeded);
    expect(again.result).toMatchObject({ dora: [] });
    expect(again.lines.some((line) => 'ProductionDeployments' in line || 'PipelineSucceeded' in line)).toBe(false);
    // another event about the same execution: its facts are claimed already, so nothing is counted twice
    const another = await run('onPipeline', { ...succeeded, id: 'another-event-same-execution' });
    expect(another.result).toMatchObject({ dora: [] });
    expect(another.lines.some((line) => 'ProductionDeployments' in line)).toBe(false);
  });

  it("keeps a production deployment's DORA facts when its notification fails: Lambda's retry counts them", async () => {
    const push = pushTo('main', 'Add sample application files');
    await run('onPush', push);
    const succeeded = sample<{ id: string; time: string; detail: Record<string, string> }>('codepipeline/pipeline-succeeded.json');
    succeeded.id = 'dora-sns-down';
    succeeded.detail = { ...succeeded.detail, 'execution-id': 'exec-dora-sns-down' };
    codepipeline.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ name: 'SourceArtifact', revisionId: push.detail.commitId }] } });

    await snsOutage(() => expect(run('onPipeline', succeeded)).rejects.toThrow());
    expect((await ledgerItems('DORA#MyFirstPipeline')).filter((item) => String(item.sk).includes('exec-dora-sns-down'))).toEqual([]);
    const retry = await run('onPipeline', succeeded);
    expect(retry.result).toMatchObject({ dora: [{ kind: 'deployment' }, { kind: 'lead-time' }] });
    expect(retry.lines).toContainEqual(expect.objectContaining({ ProductionDeployments: 1, pipeline: 'MyFirstPipeline' }));
  });

  it('ties the deployment of a CodeDeploy action to its execution with the id the event gives', async () => {
    const { result } = await run('onPipeline', sample('codepipeline/action-failed.json'));
    expect(result).toMatchObject({ link: { kind: 'deployment', id: 'd-123456789' } });
    expect(codepipeline.commandCalls(ListActionExecutionsCommand)).toHaveLength(0);
  });

  it('asks ListActionExecutions for the deployment when the event does not name it', async () => {
    const failed = sample<{ detail: Record<string, string> }>('codepipeline/action-failed.json');
    delete failed.detail['execution-result'];
    codepipeline.on(ListActionExecutionsCommand, { pipelineName: 'MyFirstPipeline', filter: { pipelineExecutionId: failed.detail['execution-id'] } }).resolves({
      actionExecutionDetails: [
        { stageName: 'Prod', actionName: 'myAction', output: { executionResult: { externalExecutionId: 'd-123456789' } } },
        { stageName: 'Source', actionName: 'Source', output: { executionResult: { externalExecutionId: 'a'.repeat(40) } } },
      ],
    });
    const { result } = await run('onPipeline', failed);
    expect(result).toMatchObject({ state: 'FAILED', link: { kind: 'deployment', id: 'd-123456789', pipeline: 'MyFirstPipeline', stage: 'Prod', action: 'myAction' } });
    expect(await ledgerItems('DEPLOYMENT#d-123456789')).toContainEqual(expect.objectContaining({ sk: `EXECUTION#MyFirstPipeline#${failed.detail['execution-id']}`, stage: 'Prod' }));
  });

  it('asks for no action ids while an action runs, or for actions of other providers', async () => {
    await run('onPipeline', sample('codepipeline/action-started.json'));
    const approval = sample<{ detail: { type: Record<string, unknown> } }>('codepipeline/action-failed.json');
    approval.detail.type = { ...approval.detail.type, category: 'Approval', provider: 'Manual' };
    await run('onPipeline', approval);
    expect(codepipeline.commandCalls(ListActionExecutionsCommand)).toHaveLength(0);
  });
});
