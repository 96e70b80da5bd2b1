import { GetCommitCommand, GetDifferencesCommand } from '@aws-sdk/client-codecommit';
import { GetPipelineExecutionCommand, ListActionExecutionsCommand, ListPipelineExecutionsCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { CODECOMMIT, codeCommitSource } from '../../../../shared/aws/codecommit';
import { CODEPIPELINE, codePipelines } from '../../../../shared/aws/codepipeline';
import { CODEDEPLOY, codeDeployDeployments } from '../../../../shared/aws/codedeploy';
import { awsOnLoopback } from '../../../support/aws-json-stub';
import { sqsDeadLetters } from '../../../../shared/aws/sqs';
import { sample } from '../../../support/samples';

const COMMIT = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const CONNECTION_COMMIT = '7f3c2a9d0e4b6c8a1f5e3d2b9c7a6e4f1d0b8c2a';

// CodeCommit, CodePipeline, CodeDeploy and SQS answered on loopback as each test arranges
const aws = awsOnLoopback();
const { client } = aws;

describe('codeCommitSource', () => {
  const { codecommit } = aws;
  beforeEach(() => codecommit.reset());
  const source = codeCommitSource(client(CODECOMMIT));

  it('reads author, author email, message and author date from GetCommit', async () => {
    codecommit.on(GetCommitCommand, { repositoryName: 'MyDemoRepo', commitId: COMMIT }).resolves({
      commit: { commitId: COMMIT, message: 'Add sample application files\n', author: { name: 'Mina Kim', email: 'mina@example.com', date: '1484167798 -0800' }, committer: { name: 'x' } },
    });
    expect(await source.getCommit('MyDemoRepo', COMMIT)).toEqual({
      commitId: COMMIT,
      author: 'Mina Kim',
      authorEmail: 'mina@example.com',
      message: 'Add sample application files\n',
      authoredAt: '2017-01-11T20:49:58.000Z',
    });
  });

  it('collects changed paths over every page of GetDifferences, renames on both sides', async () => {
    codecommit
      .on(GetDifferencesCommand, { repositoryName: 'MyDemoRepo', beforeCommitSpecifier: OLD, afterCommitSpecifier: COMMIT, NextToken: undefined })
      .resolves({ differences: [{ afterBlob: { path: 'index.html' }, beforeBlob: { path: 'index.html' }, changeType: 'M' }], NextToken: 'page-2' })
      .on(GetDifferencesCommand, { NextToken: 'page-2' })
      .resolves({ differences: [{ beforeBlob: { path: 'old/name.sh' }, afterBlob: { path: 'scripts/name.sh' }, changeType: 'M' }, { afterBlob: { path: 'NOTES.md' }, changeType: 'A' }] });
    expect((await source.changedPaths('MyDemoRepo', OLD, COMMIT)).sort()).toEqual(['NOTES.md', 'index.html', 'old/name.sh', 'scripts/name.sh']);
    expect(codecommit.commandCalls(GetDifferencesCommand)).toHaveLength(2);
  });
});

describe('codePipelines', () => {
  const { codepipeline } = aws;
  beforeEach(() => codepipeline.reset());
  const pipelines = codePipelines(client(CODEPIPELINE));

  it("lists the deployments and roll backs that ended by a time, newest first, each deployment with its source action's commit", async () => {
    const summary = (id: string, status: 'Succeeded' | 'Failed' | 'InProgress', endedAt: string, more: object = {}) => ({
      pipelineExecutionId: id,
      status,
      startTime: new Date(Date.parse(endedAt) - 600_000),
      lastUpdateTime: new Date(endedAt),
      executionType: 'STANDARD' as const,
      sourceRevisions: [
        { actionName: 'Config', revisionId: OLD },
        { actionName: 'Source', revisionId: COMMIT },
      ],
      ...more,
    });
    codepipeline.on(ListPipelineExecutionsCommand).resolvesOnce({
      pipelineExecutionSummaries: [summary('later', 'Succeeded', '2026-11-25T13:00:00Z'), summary('rolled-back', 'Succeeded', '2026-11-25T11:00:00Z', { executionType: 'ROLLBACK' }), summary('running', 'InProgress', '2026-11-25T10:30:00Z')],
      nextToken: 'page-2',
    }).resolvesOnce({ pipelineExecutionSummaries: [summary('failed', 'Failed', '2026-11-25T10:00:00Z'), summary('deployed', 'Succeeded', '2026-11-25T09:00:00Z')] });
    expect(await pipelines.history('MyFirstPipeline', { before: '2026-11-25T12:00:00.000Z', sourceAction: 'Source' })).toEqual({
      deployments: [{ pipeline: 'MyFirstPipeline', executionId: 'deployed', deployedAt: '2026-11-25T09:00:00.000Z', commitId: COMMIT }],
      rollbacks: [{ pipeline: 'MyFirstPipeline', executionId: 'rolled-back', startedAt: '2026-11-25T10:50:00.000Z', endedAt: '2026-11-25T11:00:00.000Z' }],
    });
    // the paginator reads the second page with the first one's token, 100 a page
    expect(codepipeline.commandCalls(ListPipelineExecutionsCommand).map((call) => call.args[0].input)).toEqual([expect.objectContaining({ pipelineName: 'MyFirstPipeline', maxResults: 100 }), expect.objectContaining({ nextToken: 'page-2' })]);
  });

  it('starts an execution with the token, the variables and the pinned commit', async () => {
    codepipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'exec-1' });
    const result = await pipelines.start({
      pipeline: 'MyFirstPipeline',
      clientRequestToken: 'token-1',
      variables: [{ name: 'BRANCH', value: 'main' }],
      sourceRevision: { actionName: 'Source', commitId: COMMIT },
      context: { commitId: COMMIT, reason: 'push' },
    });
    expect(result).toEqual({ executionId: 'exec-1' });
    expect(codepipeline.commandCalls(StartPipelineExecutionCommand)[0]!.args[0].input).toEqual({
      name: 'MyFirstPipeline',
      clientRequestToken: 'token-1',
      variables: [{ name: 'BRANCH', value: 'main' }],
      sourceRevisions: [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: COMMIT }],
    });
  });

  it('sends neither variables nor sourceRevisions when there are none (V1 pipelines)', async () => {
    codepipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'exec-2' });
    await pipelines.start({ pipeline: 'Old', clientRequestToken: 't', variables: [], context: { commitId: COMMIT, reason: 'push' } });
    expect(codepipeline.commandCalls(StartPipelineExecutionCommand)[0]!.args[0].input).toEqual({ name: 'Old', clientRequestToken: 't' });
  });

  it('reads the commit and resolved variables of an execution', async () => {
    codepipeline.on(GetPipelineExecutionCommand, { pipelineName: 'feature-preview', pipelineExecutionId: 'exec-3' }).resolves({
      pipelineExecution: {
        artifactRevisions: [{ name: 'SourceArtifact', revisionId: COMMIT, created: new Date('2026-11-20T09:00:00Z') }],
        variables: [{ name: 'BRANCH', resolvedValue: 'feature/banner' }],
      },
    });
    expect(await pipelines.executionRevision('feature-preview', 'exec-3', 'Source')).toEqual({ commitId: COMMIT, committedAt: '2026-11-20T09:00:00.000Z', variables: { BRANCH: 'feature/banner' } });
  });

  it("takes a multi-source execution's commit from its source action, as the policy's sourceAction names it", async () => {
    codepipeline.on(GetPipelineExecutionCommand).resolves({
      pipelineExecution: {
        artifactRevisions: [
          { name: 'ConfigArtifact', revisionId: OLD, created: new Date('2026-11-19T09:00:00Z') },
          { name: 'SourceArtifact', revisionId: COMMIT, created: new Date('2026-11-20T09:00:00Z') },
        ],
      },
    });
    codepipeline.on(ListActionExecutionsCommand, { pipelineName: 'MyFirstPipeline', filter: { pipelineExecutionId: 'exec-4' } }).resolves({
      actionExecutionDetails: [
        { stageName: 'Source', actionName: 'Config', output: { executionResult: { externalExecutionId: OLD }, outputVariables: { CommitId: OLD } } },
        { stageName: 'Source', actionName: 'App', output: { executionResult: { externalExecutionId: COMMIT }, outputVariables: { CommitId: COMMIT } } },
      ],
    });
    expect(await pipelines.executionRevision('MyFirstPipeline', 'exec-4', 'App')).toEqual({ commitId: COMMIT, committedAt: '2026-11-20T09:00:00.000Z', variables: {} });
    expect(await pipelines.executionRevision('MyFirstPipeline', 'exec-4', 'Missing')).toBeUndefined();
  });

  it("reads a connection's commit: its message and provider from the revision's summary, its URL, and its author date, branch and repository from the source action's output variables", async () => {
    const response = sample<{ pipelineExecution: { artifactRevisions: { created: number }[] } }>('api/codepipeline/get-pipeline-execution-connection.json');
    codepipeline.on(GetPipelineExecutionCommand, { pipelineName: 'website', pipelineExecutionId: 'exec-5' }).resolves({
      pipelineExecution: { ...response.pipelineExecution, artifactRevisions: response.pipelineExecution.artifactRevisions.map((revision) => ({ ...revision, created: new Date(revision.created * 1000) })) },
    } as never);
    codepipeline.on(ListActionExecutionsCommand, { pipelineName: 'website', filter: { pipelineExecutionId: 'exec-5' } }).resolves(sample('api/codepipeline/list-action-executions-connection.json') as never);
    expect(await pipelines.executionRevision('website', 'exec-5', 'Source', 'CodeStarSourceConnection')).toEqual({
      commitId: CONNECTION_COMMIT,
      committedAt: '2026-11-25T09:19:58.000Z',
      variables: {},
      connection: {
        provider: 'GitHub',
        repository: 'octo-org/website',
        branch: 'main',
        message: 'Show the release banner',
        authoredAt: '2026-11-25T08:02:11.000Z',
        url: `https://github.com/octo-org/website/commit/${CONNECTION_COMMIT}`,
      },
      trigger: { type: 'WebhookV2' },
    });
  });

  it("reads no action of a CodeCommit source with a single commit: its summary is the commit's message, not a connection's", async () => {
    codepipeline.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ revisionId: COMMIT, revisionSummary: 'Add files' }] } });
    expect(await pipelines.executionRevision('MyFirstPipeline', 'e', 'Source', 'CodeCommit')).toEqual({ commitId: COMMIT, variables: {} });
    expect(codepipeline.commandCalls(ListActionExecutionsCommand)).toHaveLength(0);
  });

  it("keeps a connection's commit when its summary is not JSON and its variables are missing or not dates", async () => {
    codepipeline.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ revisionId: COMMIT, revisionSummary: 'not json' }] } });
    codepipeline.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [{ actionName: 'Source', output: { outputVariables: { CommitId: COMMIT, AuthorDate: 'yesterday' } } }] });
    expect(await pipelines.executionRevision('website', 'e', 'Source', 'CodeStarSourceConnection')).toEqual({ commitId: COMMIT, variables: {}, connection: {} });
  });

  it('says there is no revision when the execution has no commit (an S3 source, say)', async () => {
    codepipeline.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ revisionId: 'object-version-1' }] } });
    expect(await pipelines.executionRevision('p', 'e', 'Source')).toBeUndefined();
  });

  it('lists an execution\'s actions with their providers\' ids, over every page', async () => {
    codepipeline
      .on(ListActionExecutionsCommand, { pipelineName: 'p', filter: { pipelineExecutionId: 'e' }, nextToken: undefined })
      .resolves({ actionExecutionDetails: [{ stageName: 'Build', actionName: 'Build', output: { executionResult: { externalExecutionId: 'proj:1' } } }], nextToken: 'page-2' })
      .on(ListActionExecutionsCommand, { nextToken: 'page-2' })
      .resolves({ actionExecutionDetails: [{ stageName: 'Approve', actionName: 'Approve' }] });
    expect(await pipelines.actionExecutions('p', 'e')).toEqual([
      { stage: 'Build', action: 'Build', externalExecutionId: 'proj:1' },
      { stage: 'Approve', action: 'Approve', externalExecutionId: undefined },
    ]);
  });

  it('finds the execution that ran a build or deployment among the pipeline\'s 100 most recent actions', async () => {
    codepipeline.on(ListActionExecutionsCommand, { pipelineName: 'p', maxResults: 100 }).resolves({
      actionExecutionDetails: [
        { pipelineExecutionId: 'e-2', stageName: 'Build', actionName: 'Build', output: { executionResult: { externalExecutionId: 'proj:2' } } },
        { pipelineExecutionId: 'e-1', stageName: 'Prod', actionName: 'Deploy', output: { executionResult: { externalExecutionId: 'd-1' } } },
      ],
    });
    expect(await pipelines.findActionExecution('p', 'd-1')).toEqual({ executionId: 'e-1', stage: 'Prod', action: 'Deploy' });
    expect(await pipelines.findActionExecution('p', 'd-9')).toBeUndefined();
  });
});

describe('codeDeployDeployments', () => {
  const { codedeploy } = aws;
  beforeEach(() => codedeploy.reset());
  const HOME = { account: '123456789012', region: 'us-east-1' };
  const deployments = codeDeployDeployments(client(CODEDEPLOY));

  it('measures a deployment from creation to completion, and says why it failed', async () => {
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-ABCDEF123' }).resolves({
      deploymentInfo: {
        createTime: new Date('2026-11-25T10:00:00Z'),
        completeTime: new Date('2026-11-25T10:02:30Z'),
        errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' },
      },
    });
    expect(await deployments.outcome('d-ABCDEF123', HOME)).toEqual({
      durationSeconds: 150,
      error: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' },
    });
  });

  it('knows nothing of a deployment still running', async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { createTime: new Date('2026-11-25T10:00:00Z') } });
    expect(await deployments.outcome('d-ABCDEF123', HOME)).toEqual({ durationSeconds: undefined, error: undefined, rollback: undefined });
  });

  // rollbackInfo as the API reference gives it; the messages are in the form CodeDeploy writes them
  it('names the deployment that rolled a failed one back, and the one a rollback deployment rolls back', async () => {
    codedeploy
      .on(GetDeploymentCommand, { deploymentId: 'd-ABCDEF123' })
      .resolves({
        deploymentInfo: {
          deploymentId: 'd-ABCDEF123',
          status: 'Failed',
          creator: 'user',
          errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' },
          rollbackInfo: { rollbackDeploymentId: 'd-XYZ987654', rollbackMessage: 'Deployment d-ABCDEF123 terminated. Automatic rollback is triggered with a DeploymentId d-XYZ987654.' },
        },
      })
      .on(GetDeploymentCommand, { deploymentId: 'd-XYZ987654' })
      .resolves({
        deploymentInfo: {
          deploymentId: 'd-XYZ987654',
          status: 'Succeeded',
          creator: 'codeDeployRollback',
          rollbackInfo: { rollbackTriggeringDeploymentId: 'd-ABCDEF123', rollbackMessage: 'Deployment d-XYZ987654 is triggered to roll back deployment d-ABCDEF123.' },
        },
      });
    expect((await deployments.outcome('d-ABCDEF123', HOME)).rollback).toEqual({
      by: 'd-XYZ987654',
      message: 'Deployment d-ABCDEF123 terminated. Automatic rollback is triggered with a DeploymentId d-XYZ987654.',
    });
    expect((await deployments.outcome('d-XYZ987654', HOME)).rollback).toEqual({
      of: 'd-ABCDEF123',
      message: 'Deployment d-XYZ987654 is triggered to roll back deployment d-ABCDEF123.',
    });
  });

  it('names no rollback where rollbackInfo has a message and no deployment id', async () => {
    // the API reference: the message may say that the deployment can't be rolled back
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Failed', rollbackInfo: { rollbackMessage: '(why there is no rollback)' } } });
    expect((await deployments.outcome('d-ABCDEF123', HOME)).rollback).toBeUndefined();
  });
});

describe('sqsDeadLetters', () => {
  const { sqs } = aws;
  beforeEach(() => (sqs.reset(), sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' })));
  const deadLetters = (queueUrl: string) => sqsDeadLetters(queueUrl, aws.options());

  it('sends the event with the reason as body and attributes', async () => {
    await deadLetters('https://sqs.example/q').send({ functionName: 'on-push', reason: 'detail.commitId: expected', event: { id: '1' } });
    const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(input.QueueUrl).toBe('https://sqs.example/q');
    expect(JSON.parse(input.MessageBody!)).toEqual({ functionName: 'on-push', reason: 'detail.commitId: expected', event: { id: '1' } });
    expect(input.MessageAttributes?.reason?.StringValue).toBe('detail.commitId: expected');
  });

  it('keeps an oversized event within the SQS message limit, saying it was truncated', async () => {
    await deadLetters('q').send({ functionName: 'f', reason: 'r', event: { huge: 'x'.repeat(300_000) } });
    const body = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!;
    expect(Buffer.byteLength(body)).toBeLessThan(256 * 1024);
    expect(JSON.parse(body)).toHaveProperty('truncatedEvent');
  });
});
