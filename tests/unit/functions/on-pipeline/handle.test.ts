import { handle } from '../../../../functions/on-pipeline/handle';
import { CodePipelineEvent } from '../../../../shared/events';
import { parsePolicy } from '../../../../shared/release-policy';
import { memoryLedger, memoryNotifications, memoryPipelines } from '../../../support/fakes';
import { emittedMetrics } from '../../../support/metrics';
import { sampleEvent } from '../../../support/samples';

const policy = parsePolicy(`
teams: { platform: {}, web: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - name: MyFirstPipeline
        branches: [main]
        production: true
        variables: { BRANCH: "\${branch}", COMMIT_ID: "\${commitId}" }
      - name: feature-preview
        branches: ["feature/**"]
        variables: { ENV: preview, BRANCH: "\${branch}" }
        promote: { to: MyFirstPipeline }
  WebsiteRepo:
    team: web
    pipelines: [{ name: website, branches: [main] }]
`);

const EXECUTION = '01234567-0123-0123-0123-012345678901';
const COMMIT = '5a6f0e1b2c3d4e5f60718293a4b5c6d7e8f90123';
const BUILD_ID = 'my-sample-project:8745a7a9-c340-456a-9166-edf953571bEX';
const CODEBUILD = { owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: '1' };

/** A sample event of MyFirstPipeline's execution, for another pipeline, execution, event or time where a test says. */
const pipelineEvent = (file: string, over: { pipeline?: string; executionId?: string; id?: string; time?: string; detail?: Record<string, unknown> } = {}) =>
  sampleEvent(CodePipelineEvent, `codepipeline/${file}.json`, (event) => {
    if (over.id) event.id = over.id;
    if (over.time) event.time = over.time;
    if (over.pipeline) event.detail.pipeline = over.pipeline;
    if (over.executionId) event.detail['execution-id'] = over.executionId;
    Object.assign(event.detail, over.detail);
  });

function setUp(given: Parameters<typeof memoryPipelines>[0] = {}) {
  const fakes = { pipelines: memoryPipelines(given), ledger: memoryLedger(), notifications: memoryNotifications() };
  return { ...fakes, deps: { policy, ...fakes } };
}
const revisionOf = (pipeline: string, variables: Record<string, string> = {}, executionId = EXECUTION) => ({ pipeline, executionId, commitId: COMMIT, committedAt: '2026-11-24T16:00:00Z', variables });

describe('on-pipeline handle', () => {
  it("records an ended production execution as a release, with its lead time from the commit's first push, and tells the team with the commit", async () => {
    const { deps, ledger, notifications } = setUp({ revisions: [revisionOf('MyFirstPipeline', { BRANCH: 'main', COMMIT_ID: COMMIT })] });
    const push = { repository: 'MyDemoRepo', commitId: COMMIT, eventId: 'push' };
    await ledger.recordPush({ ...push, branch: 'main', pushedAt: '2026-11-25T09:05:00Z' });
    await ledger.recordPush({ ...push, branch: 'feature/banner', pushedAt: '2026-11-24T17:00:00Z' });
    const event = pipelineEvent('pipeline-succeeded');
    const { result, records } = await emittedMetrics(() => handle(event, deps));
    const leadTime = (Date.parse(event.time) - Date.parse('2026-11-24T17:00:00Z')) / 1000;
    expect(result).toEqual({
      state: 'SUCCEEDED',
      measures: [
        { name: 'ProductionDeployments', unit: 'Count', value: 1 },
        { name: 'LeadTimeForChanges', unit: 'Seconds', value: leadTime },
      ],
      promoted: [],
      skipped: [],
    });
    expect(await ledger.endedExecutions('MyFirstPipeline')).toEqual([{ pipeline: 'MyFirstPipeline', executionId: EXECUTION, result: 'SUCCEEDED', endedAt: event.time, commitId: COMMIT, changedAt: '2026-11-24T17:00:00Z' }]);
    expect(ledger.steps('MyFirstPipeline', EXECUTION)).toEqual([{ pipeline: 'MyFirstPipeline', executionId: EXECUTION, state: 'SUCCEEDED', at: event.time, eventId: event.id }]);
    expect(notifications.published).toEqual([
      {
        id: event.id,
        kind: 'pipeline',
        severity: 'success',
        team: 'platform',
        at: event.time,
        region: 'us-east-1',
        result: 'SUCCEEDED',
        repository: 'MyDemoRepo',
        commit: { id: COMMIT },
        pipeline: { name: 'MyFirstPipeline', executionId: EXECUTION },
        links: [
          { label: 'Pipeline execution', url: `https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/MyFirstPipeline/executions/${EXECUTION}/timeline?region=us-east-1` },
          { label: 'Commit', url: `https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/MyDemoRepo/commit/${COMMIT}?region=us-east-1` },
        ],
      },
    ]);
    expect(records).toContainEqual(expect.objectContaining({ pipeline: 'MyFirstPipeline', ProductionDeployments: 1 }));
    expect(records).toContainEqual(expect.objectContaining({ pipeline: 'MyFirstPipeline', LeadTimeForChanges: leadTime }));
    expect(records).toContainEqual(expect.objectContaining({ pipeline: 'MyFirstPipeline', PipelineSucceeded: 1, PipelineFailed: 0 }));
  });

  it("counts lead time from the commit's own time when the ledger saw no push of it", async () => {
    const { deps } = setUp({ revisions: [revisionOf('MyFirstPipeline')] });
    const event = pipelineEvent('pipeline-succeeded');
    const result = await handle(event, deps);
    expect(result).toMatchObject({ measures: [{ name: 'ProductionDeployments' }, { name: 'LeadTimeForChanges', value: (Date.parse(event.time) - Date.parse('2026-11-24T16:00:00Z')) / 1000 }] });
  });

  it('counts a failed production execution, and the time to restore when the next success ends the outage', async () => {
    const { deps, ledger } = setUp();
    const failed = pipelineEvent('pipeline-failed', { executionId: 'exec-failed' });
    const restored = pipelineEvent('pipeline-succeeded', { executionId: 'exec-fixed', time: '2026-11-25T10:00:02Z' });
    expect(await handle(failed, deps)).toMatchObject({ state: 'FAILED', measures: [{ name: 'ProductionFailures', unit: 'Count', value: 1 }] });
    expect(await handle(restored, deps)).toMatchObject({
      state: 'SUCCEEDED',
      measures: [
        { name: 'ProductionDeployments', unit: 'Count', value: 1 },
        { name: 'TimeToRestore', unit: 'Seconds', value: 37 * 60 },
      ],
    });
    expect((await ledger.endedExecutions('MyFirstPipeline')).map(({ executionId, result }) => ({ executionId, result }))).toEqual([
      { executionId: 'exec-failed', result: 'FAILED' },
      { executionId: 'exec-fixed', result: 'SUCCEEDED' },
    ]);
  });

  it('adds no measure for another event about an execution whose end is recorded, and still tells the team', async () => {
    const { deps, ledger, notifications } = setUp({ revisions: [revisionOf('MyFirstPipeline')] });
    await handle(pipelineEvent('pipeline-succeeded'), deps);
    const { result, records } = await emittedMetrics(() => handle(pipelineEvent('pipeline-succeeded', { id: 'redelivered-end' }), deps));
    expect(result).toMatchObject({ state: 'SUCCEEDED', measures: [] });
    expect(records.filter((record) => 'ProductionDeployments' in record || 'LeadTimeForChanges' in record)).toEqual([]);
    expect(await ledger.endedExecutions('MyFirstPipeline')).toHaveLength(1);
    expect(notifications.published.map((notification) => notification.id)).toEqual([pipelineEvent('pipeline-succeeded').id, 'redelivered-end']);
  });

  it('fails before recording the end when the team cannot be told, so that the retry counts the release', async () => {
    const { deps, ledger, notifications } = setUp({ revisions: [revisionOf('MyFirstPipeline')] });
    const publish = notifications.publish;
    let failures = 1;
    notifications.publish = async (published) => {
      if (failures-- > 0) throw new Error('SNS unavailable');
      return publish(published);
    };
    const event = pipelineEvent('pipeline-succeeded');
    await expect(handle(event, deps)).rejects.toThrow('SNS unavailable');
    expect(await ledger.endedExecutions('MyFirstPipeline')).toEqual([]);
    expect(await handle(event, deps)).toMatchObject({ measures: [{ name: 'ProductionDeployments' }, { name: 'LeadTimeForChanges' }] });
  });

  it('asks CodePipeline nothing about a pipeline outside the policy, yet records and tells its events, counting them apart', async () => {
    const { deps, pipelines, ledger, notifications } = setUp();
    const ended = pipelineEvent('pipeline-succeeded', { pipeline: 'someone-elses-pipeline' });
    const action = pipelineEvent('action-failed', { pipeline: 'someone-elses-pipeline', detail: { type: CODEBUILD, 'execution-result': undefined } });
    const { result, records } = await emittedMetrics(async () => [await handle(ended, deps), await handle(action, deps)]);
    expect(result).toEqual([
      { state: 'SUCCEEDED', measures: [], promoted: [], skipped: [] },
      { state: 'FAILED', link: undefined },
    ]);
    expect(pipelines.reads).toEqual([]);
    expect(ledger.steps('someone-elses-pipeline', EXECUTION)).toHaveLength(2);
    expect(notifications.published.map(({ team, kind, commit, repository }) => ({ team, kind, commit, repository }))).toEqual([
      { team: 'unrouted', kind: 'pipeline', commit: undefined, repository: undefined },
      { team: 'unrouted', kind: 'action', commit: undefined, repository: undefined },
    ]);
    expect(records.filter((record) => 'PipelineEventsOutsidePolicy' in record)).toEqual([expect.objectContaining({ PipelineEventsOutsidePolicy: 1 }), expect.objectContaining({ PipelineEventsOutsidePolicy: 1 })]);
    // every name would be a custom metric of its own: its name is no dimension of ours
    expect(records.filter((record) => record.pipeline === 'someone-elses-pipeline')).toEqual([]);
  });

  it('promotes a successful preview: starts the target pipeline on the same commit, carrying the branch over', async () => {
    const { deps, pipelines, ledger } = setUp({ revisions: [revisionOf('feature-preview', { ENV: 'preview', BRANCH: 'feature/banner' })] });
    const result = await handle(pipelineEvent('pipeline-succeeded', { pipeline: 'feature-preview' }), deps);
    expect(result).toEqual({ state: 'SUCCEEDED', measures: [], promoted: [{ pipeline: 'MyFirstPipeline', executionId: 'exec-1' }], skipped: [] });
    expect(pipelines.starts).toEqual([
      {
        pipeline: 'MyFirstPipeline',
        reason: `feature-preview succeeded (execution ${EXECUTION}): promote ${COMMIT.slice(0, 7)} to MyFirstPipeline`,
        clientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        variables: [
          { name: 'BRANCH', value: 'feature/banner' },
          { name: 'COMMIT_ID', value: COMMIT },
        ],
        sourceRevision: { actionName: 'Source', commitId: COMMIT },
        context: { repository: 'MyDemoRepo', branch: 'feature/banner', commitId: COMMIT, reason: 'promoted from feature-preview' },
      },
    ]);
    expect(await ledger.endedExecutions('feature-preview')).toEqual([expect.objectContaining({ executionId: EXECUTION, result: 'SUCCEEDED', commitId: COMMIT })]);
  });

  it('promotes neither a failed preview nor one without a commit revision, saying why for the latter', async () => {
    const failed = setUp({ revisions: [revisionOf('feature-preview')] });
    expect(await handle(pipelineEvent('pipeline-failed', { pipeline: 'feature-preview' }), failed.deps)).toMatchObject({ promoted: [], skipped: [] });
    const unknown = setUp();
    expect(await handle(pipelineEvent('pipeline-succeeded', { pipeline: 'feature-preview' }), unknown.deps)).toMatchObject({
      promoted: [],
      skipped: [{ pipeline: 'MyFirstPipeline', reason: `execution ${EXECUTION} of feature-preview has no commit revision to promote` }],
    });
    expect([...failed.pipelines.starts, ...unknown.pipelines.starts]).toEqual([]);
  });

  it('ties the build of a CodeBuild action to its execution with the id the event gives, reading no action list', async () => {
    const { deps, pipelines, ledger, notifications } = setUp();
    const event = pipelineEvent('action-succeeded', { detail: { stage: 'Build', action: 'Build', type: CODEBUILD, 'execution-result': { 'external-execution-id': BUILD_ID } } });
    const link = { kind: 'build', id: BUILD_ID, pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Build', action: 'Build' };
    expect(await handle(event, deps)).toEqual({ state: 'SUCCEEDED', link });
    expect(pipelines.reads).toEqual([]);
    expect(await ledger.executionOf('build', `arn:aws:codebuild:us-west-2:123456789012:build/${BUILD_ID}`)).toEqual({ pipeline: 'MyFirstPipeline', executionId: EXECUTION });
    expect(notifications.published).toEqual([
      expect.objectContaining({ kind: 'action', severity: 'success', team: 'platform', result: 'SUCCEEDED', pipeline: { name: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Build', action: 'Build', externalExecutionId: BUILD_ID } }),
    ]);
  });

  it("ties the build of a CodeBuild action to its execution from the execution's action list when the event names none", async () => {
    const actions = [
      { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Source', action: 'Source', externalExecutionId: COMMIT },
      { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Build', action: 'Build', externalExecutionId: BUILD_ID },
      { pipeline: 'MyFirstPipeline', executionId: 'exec-earlier', stage: 'Build', action: 'Build', externalExecutionId: 'my-sample-project:earlier' },
    ];
    const { deps, pipelines, ledger } = setUp({ actions });
    const event = pipelineEvent('action-failed', { detail: { stage: 'Build', action: 'Build', type: CODEBUILD, 'execution-result': undefined } });
    expect(await handle(event, deps)).toEqual({ state: 'FAILED', link: { kind: 'build', id: BUILD_ID, pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Build', action: 'Build' } });
    expect(pipelines.reads).toEqual([`actionExecutions MyFirstPipeline ${EXECUTION}`]);
    expect(await ledger.executionOf('build', BUILD_ID)).toEqual({ pipeline: 'MyFirstPipeline', executionId: EXECUTION });
  });

  it("tells a stage's state and a manual approval waiting, each as its own kind, keeping both in the execution's timeline", async () => {
    const { deps, pipelines, ledger, notifications } = setUp();
    const stage = pipelineEvent('stage-failed');
    const approval = pipelineEvent('action-started', { detail: { stage: 'Approval', action: 'ManualApproval', type: { owner: 'AWS', provider: 'Manual', category: 'Approval', version: '1' } } });
    const { records } = await emittedMetrics(async () => {
      await handle(stage, deps);
      await handle(approval, deps);
    });
    expect(notifications.published.map(({ kind, severity, result, pipeline }) => ({ kind, severity, result, pipeline }))).toEqual([
      { kind: 'stage', severity: 'failure', result: 'FAILED', pipeline: { name: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Prod' } },
      { kind: 'approval', severity: 'warning', result: 'STARTED', pipeline: { name: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Approval', action: 'ManualApproval' } },
    ]);
    expect(ledger.steps('MyFirstPipeline', EXECUTION).map(({ stage: name, action, state }) => ({ stage: name, action, state }))).toEqual([
      { stage: 'Approval', action: 'ManualApproval', state: 'STARTED' },
      { stage: 'Prod', action: undefined, state: 'FAILED' },
    ]);
    expect(records).toEqual([expect.objectContaining({ ApprovalsRequested: 1 })]);
    expect(pipelines.reads).toEqual([]);
  });
});
