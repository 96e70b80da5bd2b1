import { handle } from '../../../../functions/on-push/handle';
import { CodeCommitReferenceEvent } from '../../../../shared/events';
import { parsePolicy } from '../../../../shared/release-policy';
import { memoryLedger, memoryNotifications, memoryPipelines, memorySource } from '../../../support/fakes';
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
        paths: ["scripts/**", "index.html"]
        variables: { ENV: preview, BRANCH: "\${branch}" }
`);

const push = (branch: string) =>
  sampleEvent(CodeCommitReferenceEvent, 'codecommit/reference-updated-branch.json', (event) => Object.assign(event.detail, { referenceName: branch, referenceFullName: `refs/heads/${branch}` }));
const COMMIT = push('main').detail.commitId!;
const OLD = push('main').detail.oldCommitId!;
const MESSAGE = 'Add sample application files\n\nThe seed repository: index.html and the scripts that serve it.';

function setUp(changedPaths: string[] = []) {
  const fakes = {
    source: memorySource([{ commitId: COMMIT, author: 'Mina Kim', message: MESSAGE }], changedPaths),
    pipelines: memoryPipelines(),
    ledger: memoryLedger(),
    notifications: memoryNotifications(),
  };
  return { ...fakes, deps: { policy, ...fakes } };
}

describe('on-push handle', () => {
  it("starts the pipelines whose branches match on the pushed commit, says why the others were not, records the push and tells the repository's team", async () => {
    const { deps, pipelines, ledger, notifications } = setUp();
    const event = push('main');
    const result = await handle(event, deps);
    expect(result).toEqual({ started: [{ pipeline: 'MyFirstPipeline', executionId: 'exec-1' }], skipped: [{ pipeline: 'feature-preview', reason: 'branch main matches none of feature/**' }] });
    expect(pipelines.starts).toEqual([
      {
        pipeline: 'MyFirstPipeline',
        reason: 'branch main matches main',
        clientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        variables: [
          { name: 'BRANCH', value: 'main' },
          { name: 'COMMIT_ID', value: COMMIT },
        ],
        sourceRevision: { actionName: 'Source', commitId: COMMIT },
        context: { repository: 'MyDemoRepo', branch: 'main', commitId: COMMIT, reason: 'push' },
      },
    ]);
    expect(await ledger.pushes()).toEqual([{ repository: 'MyDemoRepo', branch: 'main', commitId: COMMIT, author: 'Mina Kim', title: 'Add sample application files', pushedAt: event.time, eventId: event.id }]);
    expect(notifications.published).toEqual([
      {
        id: `${event.id}/MyFirstPipeline`,
        kind: 'push',
        severity: 'info',
        team: 'platform',
        at: event.time,
        region: 'us-east-1',
        result: 'STARTED',
        repository: 'MyDemoRepo',
        branch: 'main',
        commit: { id: COMMIT, author: 'Mina Kim', message: MESSAGE },
        pipeline: { name: 'MyFirstPipeline', executionId: 'exec-1' },
        links: [
          { label: 'Commit', url: `https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/MyDemoRepo/commit/${COMMIT}?region=us-east-1` },
          { label: 'Pipeline execution', url: 'https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/MyFirstPipeline/executions/exec-1/timeline?region=us-east-1' },
        ],
      },
    ]);
  });

  it('handles a redelivered push again without counting it twice: the same start token, so CodePipeline starts nothing new', async () => {
    const { deps, pipelines } = setUp();
    const event = push('main');
    const first = await handle(event, deps);
    const { result, records } = await emittedMetrics(() => handle(event, deps));
    expect(result).toEqual(first);
    expect(records).toEqual([]);
    expect(new Set(pipelines.starts.map(({ clientRequestToken }) => clientRequestToken)).size).toBe(1);
  });

  it('counts the starts on the retry when the team could not be told the first time, and starts nothing new', async () => {
    const { deps, pipelines } = setUp();
    const failing = { ...deps, notifications: memoryNotifications({ failures: 1 }) };
    const event = push('main');
    await expect(handle(event, failing)).rejects.toThrow('SNS unavailable');
    const { records } = await emittedMetrics(() => handle(event, failing));
    expect(records).toContainEqual(expect.objectContaining({ PipelinesStarted: 1 }));
    expect(new Set(pipelines.starts.map(({ clientRequestToken }) => clientRequestToken)).size).toBe(1);
  });

  it('starts a preview for a feature branch when a path it watches changed, asking CodeCommit what changed since the old commit', async () => {
    const { deps, source, pipelines, notifications } = setUp(['NOTES.md', 'scripts/start_server']);
    const result = await handle(push('feature/banner'), deps);
    expect(result).toEqual({ started: [{ pipeline: 'feature-preview', executionId: 'exec-1' }], skipped: [{ pipeline: 'MyFirstPipeline', reason: 'branch feature/banner matches none of main' }] });
    expect(pipelines.starts).toEqual([
      expect.objectContaining({
        pipeline: 'feature-preview',
        reason: 'branch feature/banner matches feature/**; scripts/start_server matches scripts/**, index.html',
        variables: [
          { name: 'ENV', value: 'preview' },
          { name: 'BRANCH', value: 'feature/banner' },
        ],
      }),
    ]);
    expect(source.reads).toEqual([`getCommit MyDemoRepo ${COMMIT}`, `changedPaths MyDemoRepo ${OLD}..${COMMIT}`]);
    expect(notifications.published.map(({ kind, team, branch, pipeline }) => ({ kind, team, branch, pipeline }))).toEqual([{ kind: 'push', team: 'platform', branch: 'feature/banner', pipeline: { name: 'feature-preview', executionId: 'exec-1' } }]);
  });

  it('records a push that starts nothing, since lead time counts from it, and tells no one', async () => {
    const { deps, pipelines, ledger, notifications } = setUp(['NOTES.md']);
    const event = push('feature/notes');
    const result = await handle(event, deps);
    expect(result).toEqual({
      started: [],
      skipped: [
        { pipeline: 'MyFirstPipeline', reason: 'branch feature/notes matches none of main' },
        { pipeline: 'feature-preview', reason: 'none of 1 changed paths matches scripts/**, index.html' },
      ],
    });
    expect(pipelines.starts).toEqual([]);
    expect(await ledger.pushes()).toEqual([expect.objectContaining({ branch: 'feature/notes', commitId: COMMIT, pushedAt: event.time })]);
    expect(notifications.published).toEqual([]);
  });

  it.each([
    ['a tag', 'codecommit/reference-created-tag.json', 'tag v1.0.0: tags start no pipeline'],
    ['a deleted branch', 'codecommit/reference-deleted-branch.json', 'branch myBranch was deleted'],
  ])('ignores %s: reads, starts, records and tells nothing', async (_, file, reason) => {
    const { deps, source, pipelines, ledger, notifications } = setUp();
    expect(await handle(sampleEvent(CodeCommitReferenceEvent, file), deps)).toEqual({ ignored: reason });
    expect(source.reads).toEqual([]);
    expect(pipelines.starts).toEqual([]);
    expect(await ledger.pushes()).toEqual([]);
    expect(notifications.published).toEqual([]);
  });

  it('lets a failed start fail the invocation, telling no one; the retry starts with the same token and keeps the first push', async () => {
    const { deps, pipelines, ledger, notifications } = setUp();
    const event = push('main');
    const start = pipelines.start;
    let failures = 1;
    pipelines.start = async (request) => {
      if (failures-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return start(request);
    };
    await expect(handle(event, deps)).rejects.toThrow('Rate exceeded');
    expect(notifications.published).toEqual([]);
    await handle(event, deps);
    await handle(event, deps);
    expect(pipelines.starts.map((request) => request.clientRequestToken)).toEqual([expect.any(String), pipelines.starts[0]!.clientRequestToken]);
    expect(notifications.published.map((notification) => notification.pipeline?.executionId)).toEqual(['exec-1', 'exec-1']);
    expect(await ledger.pushes()).toHaveLength(1);
  });
});
