import { handle } from '../../../../functions/on-pipeline/handle';
import { CodePipelineEvent } from '../../../../shared/events';
import type { Commit, SourceReader } from '../../../../shared/ports';
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

/** CodeCommit's commit graph as far as the tests need it: the commits between two revisions. */
function commitGraph(between: Record<string, Commit[]> = {}) {
  const asked: string[] = [];
  const source: Pick<SourceReader, 'commitsBetween'> = {
    async commitsBetween(repository, from, to, limit) {
      asked.push(`${repository} ${from ?? '(none)'}..${to} ${limit}`);
      const commits = between[`${from ?? ''}..${to}`] ?? [{ commitId: to, author: 'Mina Kim', message: 'Fix', authoredAt: '2026-11-24T16:00:00Z' }];
      return { commits: commits.slice(0, limit), complete: commits.length <= limit };
    },
  };
  return { source, asked };
}

function setUp(given: Parameters<typeof memoryPipelines>[0] = {}, between?: Record<string, Commit[]>) {
  const graph = commitGraph(between);
  const fakes = { pipelines: memoryPipelines(given), ledger: memoryLedger(), notifications: memoryNotifications() };
  return { ...fakes, asked: graph.asked, deps: { policy, ...fakes, source: graph.source } };
}
const revisionOf = (pipeline: string, variables: Record<string, string> = {}, executionId = EXECUTION) => ({ pipeline, executionId, commitId: COMMIT, committedAt: '2026-11-24T16:00:00Z', variables });

describe('on-pipeline handle', () => {
  const PREVIOUS = 'c0ffee0000000000000000000000000000000000';
  const earlier = { pipeline: 'MyFirstPipeline', executionId: 'exec-before', deployedAt: '2026-11-24T12:00:00Z', commitId: PREVIOUS };
  const brought: Commit[] = [
    { commitId: COMMIT, author: 'Mina Kim', authorEmail: 'mina@example.com', message: 'Merge feature/banner\n\nThe banner, at last.', authoredAt: '2026-11-25T08:00:00Z' },
    { commitId: 'b'.repeat(40), author: 'Ana', message: 'Banner', authoredAt: '2026-11-24T18:00:00Z' },
    { commitId: 'a'.repeat(40), author: 'Ana', message: 'No time' },
  ];

  it('counts a production deployment and the lead time of every commit it brought since the previous deployment, and tells the team', async () => {
    const { deps, ledger, notifications, asked } = setUp({ revisions: [revisionOf('MyFirstPipeline', { BRANCH: 'main', COMMIT_ID: COMMIT })], deployments: [earlier] }, { [`${PREVIOUS}..${COMMIT}`]: brought });
    const event = pipelineEvent('pipeline-succeeded');
    const { result, records } = await emittedMetrics(() => handle(event, deps));
    const leadTime = (authoredAt: string) => (Date.parse(event.time) - Date.parse(authoredAt)) / 1000;
    const dora = [
      { kind: 'deployment', pipeline: 'MyFirstPipeline', executionId: EXECUTION, at: event.time },
      { kind: 'lead-time', pipeline: 'MyFirstPipeline', executionId: EXECUTION, commitId: COMMIT, at: event.time, seconds: leadTime('2026-11-25T08:00:00Z') },
      { kind: 'lead-time', pipeline: 'MyFirstPipeline', executionId: EXECUTION, commitId: 'b'.repeat(40), at: event.time, seconds: leadTime('2026-11-24T18:00:00Z') },
    ];
    expect(result).toEqual({ state: 'SUCCEEDED', dora, promoted: [], skipped: [] });
    expect(asked).toEqual([`MyDemoRepo ${PREVIOUS}..${COMMIT} 30`]);
    expect(await ledger.facts('MyFirstPipeline')).toEqual(expect.arrayContaining(dora));
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
        commits: {
          count: 3,
          complete: true,
          shown: [
            { id: COMMIT, author: 'Mina Kim', authorEmail: 'mina@example.com', title: 'Merge feature/banner' },
            { id: 'b'.repeat(40), author: 'Ana', title: 'Banner' },
            { id: 'a'.repeat(40), author: 'Ana', title: 'No time' },
          ],
          compareUrl: `https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/MyDemoRepo/compare/${PREVIOUS}/.../${COMMIT}?region=us-east-1`,
        },
        links: [
          { label: 'Pipeline execution', url: `https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/MyFirstPipeline/executions/${EXECUTION}/timeline?region=us-east-1` },
          { label: 'Commit', url: `https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/MyDemoRepo/commit/${COMMIT}?region=us-east-1` },
        ],
      },
    ]);
    // per pipeline and for all pipelines, at the deployment's own time
    const deployed = records.filter((record) => 'ProductionDeployments' in record);
    expect(deployed).toEqual([expect.objectContaining({ pipeline: 'MyFirstPipeline', ProductionDeployments: 1, _aws: expect.objectContaining({ Timestamp: Date.parse(event.time), CloudWatchMetrics: [expect.objectContaining({ Dimensions: [['service', 'pipeline'], ['service']] })] }) })]);
    expect(records.filter((record) => 'LeadTimeForChanges' in record).map((record) => record.LeadTimeForChanges)).toEqual([leadTime('2026-11-25T08:00:00Z'), leadTime('2026-11-24T18:00:00Z')]);
    expect(records).toContainEqual(expect.objectContaining({ pipeline: 'MyFirstPipeline', PipelineSucceeded: 1, PipelineFailed: 0 }));
  });

  describe('a pipeline whose source is a connection (GitHub, GitLab, Bitbucket)', () => {
    const connected = parsePolicy(`
teams: { platform: {} }
repositories:
  octo-org/website:
    team: platform
    pipelines: [{ name: website, branches: [main], production: true, sourceProvider: CodeStarSourceConnection }]
`);
    const connection = { provider: 'GitHub', repository: 'octo-org/website', branch: 'main', message: 'Show the release banner\n\nAt last.', authoredAt: '2026-11-25T08:02:11.000Z' };
    const connectedRevision = (over: Partial<typeof connection> & { url?: string } = {}, committedAt = '2026-11-25T09:19:58.000Z') => ({ ...revisionOf('website'), committedAt, connection: { ...connection, ...over } });
    const run = async (revision: ReturnType<typeof connectedRevision>) => {
      const { deps, asked, ledger, notifications, pipelines } = setUp({ revisions: [revision], deployments: [{ ...earlier, pipeline: 'website' }] });
      const event = pipelineEvent('pipeline-succeeded', { pipeline: 'website' });
      const result = await handle(event, { ...deps, policy: connected });
      return { event, result, asked, ledger, notification: notifications.published[0]!, reads: pipelines.reads };
    };

    it("reads no CodeCommit: the lead time of its commit, from the commit's author date", async () => {
      const { event, result, asked, reads } = await run(connectedRevision());
      expect(asked).toEqual([]);
      expect(reads).toContain(`executionRevision website ${EXECUTION} Source CodeStarSourceConnection`);
      expect(result).toMatchObject({ dora: [{ kind: 'deployment', pipeline: 'website' }, { kind: 'lead-time', commitId: COMMIT, seconds: (Date.parse(event.time) - Date.parse('2026-11-25T08:02:11Z')) / 1000 }] });
    });

    it("takes the revision's own time for the lead time when CodePipeline gives no author date", async () => {
      const { event, result } = await run(connectedRevision({ authoredAt: undefined }, '2026-11-24T16:00:00Z'));
      expect(result).toMatchObject({ dora: [{ kind: 'deployment' }, { kind: 'lead-time', seconds: (Date.parse(event.time) - Date.parse('2026-11-24T16:00:00Z')) / 1000 }] });
    });

    it("tells the team the commit, its message and branch, linked to the revision's URL CodePipeline gives, not to CodeCommit", async () => {
      const url = `https://github.com/octo-org/website/commit/${COMMIT}`;
      const { notification } = await run(connectedRevision({ url }));
      expect(notification).toMatchObject({ repository: 'octo-org/website', branch: 'main', commit: { id: COMMIT, message: 'Show the release banner\n\nAt last.' } });
      expect(notification.links).toEqual([
        { label: 'Pipeline execution', url: `https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/website/executions/${EXECUTION}/timeline?region=us-east-1` },
        { label: 'Commit', url },
      ]);
    });

    it.each([
      ['GitHub', 'octo-org/website', `https://github.com/octo-org/website/commit/${COMMIT}`],
      ['GitLab', 'octo-group/web/website', `https://gitlab.com/octo-group/web/website/-/commit/${COMMIT}`],
      ['Bitbucket', 'octo-workspace/website', `https://bitbucket.org/octo-workspace/website/commits/${COMMIT}`],
    ])("links a %s commit to its page there when CodePipeline gives no URL", async (provider, repository, page) => {
      const { notification } = await run(connectedRevision({ provider, repository }));
      expect(notification.links.filter(({ label }) => label === 'Commit')).toEqual([{ label: 'Commit', url: page }]);
    });

    it('links no commit whose page it cannot know (a self-managed host, no repository)', async () => {
      for (const over of [{ provider: 'GitLabSelfManaged' }, { repository: undefined }, { provider: undefined }]) {
        const { notification } = await run(connectedRevision(over));
        expect(notification.links.map(({ label }) => label)).toEqual(['Pipeline execution']);
      }
    });

    it('records the commit in the ledger as a push of its branch, once, as on-push records a CodeCommit one', async () => {
      const { ledger, event } = await run(connectedRevision());
      expect(await ledger.pushes(COMMIT)).toEqual([{ repository: 'octo-org/website', branch: 'main', commitId: COMMIT, title: 'Show the release banner', pushedAt: '2026-11-25T09:20:00.000Z', eventId: event.id }]);
    });
  });

  it("records what started an execution with its start, and tells it, from the event's execution-trigger", async () => {
    const { deps, ledger, notifications } = setUp();
    const started = pipelineEvent('pipeline-started');
    await handle(started, deps);
    const trigger = { type: 'StartPipelineExecution', detail: 'arn:aws:sts::123456789012:assumed-role/Admin/my-user' };
    expect(ledger.steps('MyFirstPipeline', EXECUTION)).toEqual([{ pipeline: 'MyFirstPipeline', executionId: EXECUTION, state: 'STARTED', at: started.time, eventId: started.id, trigger }]);
    expect(notifications.published[0]!.trigger).toEqual(trigger);
  });

  it("tells what started an ended execution from CodePipeline's execution when its event says nothing of it", async () => {
    const { deps, notifications } = setUp({ revisions: [{ ...revisionOf('MyFirstPipeline'), trigger: { type: 'WebhookV2' } }] });
    await handle(pipelineEvent('pipeline-failed'), deps);
    expect(notifications.published[0]!.trigger).toEqual({ type: 'WebhookV2' });
  });

  it('takes only the commit itself when CodePipeline lists no earlier deployment, and tells no commits since one', async () => {
    const { deps, asked, notifications } = setUp({ revisions: [revisionOf('MyFirstPipeline')] });
    const result = await handle(pipelineEvent('pipeline-succeeded'), deps);
    expect(asked).toEqual([`MyDemoRepo (none)..${COMMIT} 1`]);
    expect(result).toMatchObject({ dora: [{ kind: 'deployment' }, { kind: 'lead-time', commitId: COMMIT }] });
    expect(notifications.published[0]!.commits).toBeUndefined();
  });

  it("tells the commits a production execution brings on failure too, reading CodePipeline's list and CodeCommit once an event", async () => {
    const { deps, pipelines, notifications, asked } = setUp({ revisions: [revisionOf('MyFirstPipeline')], deployments: [earlier] }, { [`${PREVIOUS}..${COMMIT}`]: brought });
    const failed = pipelineEvent('pipeline-failed');
    const succeeded = pipelineEvent('pipeline-succeeded-retry');
    await handle(failed, deps);
    expect(pipelines.reads.filter((read) => read.startsWith('history'))).toEqual([`history MyFirstPipeline ${failed.time}`]);
    expect(asked).toEqual([`MyDemoRepo ${PREVIOUS}..${COMMIT} 30`]);
    expect(await handle(succeeded, deps)).toMatchObject({ dora: [{ kind: 'deployment' }, { kind: 'lead-time' }, { kind: 'lead-time' }] });
    expect(pipelines.reads.filter((read) => read.startsWith('history'))).toEqual([`history MyFirstPipeline ${failed.time}`, `history MyFirstPipeline ${succeeded.time}`]);
    expect(asked).toHaveLength(2);
    const compareUrl = `https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/MyDemoRepo/compare/${PREVIOUS}/.../${COMMIT}?region=us-east-1`;
    expect(notifications.published.map(({ result, commits }) => ({ result, count: commits?.count, compareUrl: commits?.compareUrl }))).toEqual([
      { result: 'FAILED', count: 3, compareUrl },
      { result: 'SUCCEEDED', count: 3, compareUrl },
    ]);
  });

  it("tells the commits a promoted run brings: the preview branch's, since the last deployment of main", async () => {
    const reviewed = 'f'.repeat(40);
    const onBranch: Commit[] = [{ commitId: reviewed, author: 'Ana', message: 'Banner, reviewed', authoredAt: '2026-11-25T07:00:00Z' }, ...brought.slice(1)];
    const revisions = [
      { ...revisionOf('feature-preview', { ENV: 'preview', BRANCH: 'feature/banner' }), commitId: reviewed },
      { ...revisionOf('MyFirstPipeline', { BRANCH: 'feature/banner', COMMIT_ID: reviewed }, 'exec-1'), commitId: reviewed },
    ];
    const { deps, notifications, asked } = setUp({ revisions, deployments: [earlier] }, { [`${PREVIOUS}..${reviewed}`]: onBranch });
    expect(await handle(pipelineEvent('pipeline-succeeded', { pipeline: 'feature-preview' }), deps)).toMatchObject({ promoted: [{ pipeline: 'MyFirstPipeline', executionId: 'exec-1' }] });
    await handle(pipelineEvent('pipeline-succeeded', { executionId: 'exec-1', id: 'promoted-run-succeeded', time: '2026-11-25T10:00:00Z' }), deps);
    expect(asked).toEqual([`MyDemoRepo ${PREVIOUS}..${reviewed} 30`]);
    expect(notifications.published.map(({ pipeline, commits }) => ({ pipeline: pipeline!.name, commits }))).toEqual([
      { pipeline: 'feature-preview', commits: undefined },
      {
        pipeline: 'MyFirstPipeline',
        commits: {
          count: 3,
          complete: true,
          shown: [
            { id: reviewed, author: 'Ana', title: 'Banner, reviewed' },
            { id: 'b'.repeat(40), author: 'Ana', title: 'Banner' },
            { id: 'a'.repeat(40), author: 'Ana', title: 'No time' },
          ],
          compareUrl: `https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/MyDemoRepo/compare/${PREVIOUS}/.../${reviewed}?region=us-east-1`,
        },
      },
    ]);
  });

  it('tells the newest five of a long range, their first lines clipped, and that there may be more', async () => {
    const many: Commit[] = Array.from({ length: 40 }, (_, i) => ({ commitId: i === 0 ? COMMIT : `${i}`.padStart(40, '0'), author: 'Ana', message: `${'Long title '.repeat(20)}${i}\nbody` }));
    const { deps, notifications } = setUp({ revisions: [revisionOf('MyFirstPipeline')], deployments: [earlier] }, { [`${PREVIOUS}..${COMMIT}`]: many });
    await handle(pipelineEvent('pipeline-failed'), deps);
    const { count, complete, shown } = notifications.published[0]!.commits!;
    expect({ count, complete }).toEqual({ count: 30, complete: false });
    expect(shown.map(({ id }) => id)).toEqual(many.slice(0, 5).map(({ commitId }) => commitId));
    expect(shown[0]!.title).toHaveLength(100);
    expect(shown[0]!.title).toMatch(/^Long title .*…$/);
  });

  it('tells no commits for a pipeline that is not production, reading neither list', async () => {
    const { deps, pipelines, notifications, asked } = setUp({ revisions: [revisionOf('feature-preview', { BRANCH: 'feature/banner' })], deployments: [{ ...earlier, pipeline: 'feature-preview' }] });
    await handle(pipelineEvent('pipeline-failed', { pipeline: 'feature-preview' }), deps);
    await handle(pipelineEvent('pipeline-succeeded', { pipeline: 'feature-preview', id: 'preview-succeeded' }), deps);
    expect(notifications.published.map(({ commits }) => commits)).toEqual([undefined, undefined]);
    expect(pipelines.reads.filter((read) => read.startsWith('history'))).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('counts a failed execution as no deployment and no failed deployment: only production signals say production failed', async () => {
    const { deps, ledger } = setUp();
    const { result, records } = await emittedMetrics(() => handle(pipelineEvent('pipeline-failed', { executionId: 'exec-failed' }), deps));
    expect(result).toMatchObject({ state: 'FAILED', dora: [] });
    expect(await ledger.facts('MyFirstPipeline')).toEqual([]);
    expect(records).toContainEqual(expect.objectContaining({ pipeline: 'MyFirstPipeline', PipelineSucceeded: 0, PipelineFailed: 1 }));
  });

  it('counts the success of a retried execution (attempt 2 of a failed one) as its deployment, once, whatever came first', async () => {
    const { deps, ledger } = setUp({ revisions: [revisionOf('MyFirstPipeline', {}, EXECUTION)] });
    const retried = sampleEvent(CodePipelineEvent, 'codepipeline/pipeline-succeeded-retry.json', () => undefined);
    const failed = sampleEvent(CodePipelineEvent, 'codepipeline/pipeline-failed.json', () => undefined);
    expect(retried.detail['execution-id']).toBe(failed.detail['execution-id']);
    const succeeded = await handle(retried, { ...deps });
    await handle(failed, deps);
    await handle(retried, deps);
    expect(succeeded).toMatchObject({ dora: [{ kind: 'deployment', executionId: retried.detail['execution-id'], at: retried.time }, { kind: 'lead-time' }] });
    expect((await ledger.facts('MyFirstPipeline')).filter((fact) => fact.kind === 'deployment')).toHaveLength(1);
  });

  it("counts a roll back (CodePipeline's ROLLBACK execution) as no deployment: the deployment it rolled back from failed, and recovered when it succeeded", async () => {
    const event = pipelineEvent('pipeline-succeeded', { time: '2026-11-25T12:10:00Z' });
    const rollback = { pipeline: 'MyFirstPipeline', executionId: EXECUTION, startedAt: '2026-11-25T12:00:00.000Z', endedAt: '2026-11-25T12:10:00.000Z' };
    const { deps, asked, notifications } = setUp({ revisions: [revisionOf('MyFirstPipeline')], deployments: [earlier], rollbacks: [rollback] });
    const signal = `rollback:${EXECUTION}`;
    expect(await handle(event, deps)).toMatchObject({
      dora: [
        { kind: 'failed-deployment', pipeline: 'MyFirstPipeline', executionId: 'exec-before', at: earlier.deployedAt, signal },
        { kind: 'recovery', pipeline: 'MyFirstPipeline', executionId: 'exec-before', at: rollback.endedAt, seconds: 600, signal },
      ],
    });
    expect(asked).toEqual([]);
    expect(notifications.published[0]!.commits).toBeUndefined();
  });

  it('counts nothing twice for another event about the same execution, and still tells the team', async () => {
    const { deps, notifications } = setUp({ revisions: [revisionOf('MyFirstPipeline')] });
    await handle(pipelineEvent('pipeline-succeeded'), deps);
    const { result, records } = await emittedMetrics(() => handle(pipelineEvent('pipeline-succeeded', { id: 'redelivered-end' }), deps));
    expect(result).toMatchObject({ state: 'SUCCEEDED', dora: [] });
    expect(records.filter((record) => 'ProductionDeployments' in record || 'LeadTimeForChanges' in record)).toEqual([]);
    expect(notifications.published.map((notification) => notification.id)).toEqual([pipelineEvent('pipeline-succeeded').id, 'redelivered-end']);
  });

  it('handles a redelivered event again without counting it twice: no second metric, the same notification (its card keeps it once)', async () => {
    const { deps, ledger, notifications } = setUp({ revisions: [revisionOf('MyFirstPipeline')] });
    const event = pipelineEvent('pipeline-succeeded');
    await handle(event, deps);
    const { records } = await emittedMetrics(() => handle(event, deps));
    expect(records).toEqual([]);
    expect(ledger.steps('MyFirstPipeline', EXECUTION)).toHaveLength(1);
    expect(notifications.published.map(({ id }) => id)).toEqual([event.id, event.id]);
  });

  it('counts the deployment and the execution\'s result on the retry when the team could not be told the first time', async () => {
    const { deps } = setUp({ revisions: [revisionOf('MyFirstPipeline')] });
    const failing = { ...deps, notifications: memoryNotifications({ failures: 1 }) };
    const event = pipelineEvent('pipeline-succeeded');
    await expect(handle(event, failing)).rejects.toThrow('SNS unavailable');
    const { result, records } = await emittedMetrics(() => handle(event, failing));
    expect(result).toMatchObject({ dora: [{ kind: 'deployment' }, { kind: 'lead-time' }] });
    expect(records).toContainEqual(expect.objectContaining({ pipeline: 'MyFirstPipeline', PipelineSucceeded: 1, PipelineFailed: 0 }));
  });

  it('asks CodePipeline nothing about a pipeline outside the policy, yet records and tells its events, counting them apart', async () => {
    const { deps, pipelines, ledger, notifications } = setUp();
    const ended = pipelineEvent('pipeline-succeeded', { pipeline: 'someone-elses-pipeline' });
    const action = pipelineEvent('action-failed', { pipeline: 'someone-elses-pipeline', detail: { type: CODEBUILD, 'execution-result': undefined } });
    const { result, records } = await emittedMetrics(async () => [await handle(ended, deps), await handle(action, deps)]);
    expect(result).toEqual([
      { state: 'SUCCEEDED', dora: [], promoted: [], skipped: [] },
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
    expect(result).toEqual({ state: 'SUCCEEDED', dora: [], promoted: [{ pipeline: 'MyFirstPipeline', executionId: 'exec-1' }], skipped: [] });
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
    // a pipeline that is not production deploys nothing DORA counts
    expect(await ledger.facts('feature-preview')).toEqual([]);
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
