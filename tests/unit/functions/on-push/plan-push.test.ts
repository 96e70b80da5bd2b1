import { parsePolicy } from '../../../../shared/release-policy';
import { CodeCommitReferenceEvent } from '../../../../shared/events';
import { planPush } from '../../../../functions/on-push/plan-push';
import { memorySource } from '../../../support/fakes';
import { sample } from '../../../support/samples';

const policy = parsePolicy(`
teams: { platform: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - name: MyFirstPipeline
        branches: [main]
        production: true
        variables: { BRANCH: "\${branch}", COMMIT_ID: "\${commitId}", SHORT: "\${shortCommitId}" }
      - name: feature-preview
        branches: ["feature/**"]
        paths: ["scripts/**", "index.html"]
      - name: legacy
        branches: ["feature/**", "release/*"]
        pipelineType: V1
        sourceAction: Checkout
`);

const NEW = 'c0ffee0000000000000000000000000000000001';
const OLD = 'c0ffee0000000000000000000000000000000000';

/** What CodeCommit holds: the pushed commit and the paths it changed. */
const repository = (message: string, changed: string[]) => memorySource([{ commitId: NEW, author: 'Mina Kim', message }], changed);

/** AWS's sample push, moved to another branch or commit; the set of fields stays AWS's. */
function push(branch: string, options: { oldCommitId?: string | null; id?: string } = {}): CodeCommitReferenceEvent {
  const event = sample<CodeCommitReferenceEvent>('codecommit/reference-updated-branch.json');
  event.detail = { ...event.detail, referenceName: branch, referenceFullName: `refs/heads/${branch}`, commitId: NEW, oldCommitId: OLD };
  if (options.oldCommitId === null) delete event.detail.oldCommitId;
  if (options.id) event.id = options.id;
  return CodeCommitReferenceEvent.parse(event);
}

const names = (plan: { start: { pipeline: string }[] }) => plan.start.map((start) => start.pipeline);

describe('planPush', () => {
  it('starts the pipelines whose branch globs match, and says why the others do not', async () => {
    const plan = await planPush(push('main'), policy, repository('Add sample application files', []));
    expect(names(plan)).toEqual(['MyFirstPipeline']);
    expect(plan.start[0]!.reason).toBe('branch main matches main');
    expect(plan.skipped).toEqual([
      { pipeline: 'feature-preview', reason: 'branch main matches none of feature/**' },
      { pipeline: 'legacy', reason: 'branch main matches none of feature/**, release/*' },
    ]);
    expect(plan.commit).toEqual({ commitId: NEW, author: 'Mina Kim', message: 'Add sample application files' });
  });

  it('matches globs across slashes only with **', async () => {
    const source = repository('Fix', ['index.html']);
    expect(names(await planPush(push('release/1.2'), policy, source))).toEqual(['legacy']);
    expect(names(await planPush(push('release/1.2/hotfix'), policy, source))).toEqual([]);
    expect(names(await planPush(push('feature/a/b'), policy, source))).toEqual(['feature-preview', 'legacy']);
  });

  it('fills the variables and pins the revision of a V2 pipeline', async () => {
    const [start] = (await planPush(push('main'), policy, repository('Fix', []))).start;
    expect(start!.variables).toEqual([
      { name: 'BRANCH', value: 'main' },
      { name: 'COMMIT_ID', value: NEW },
      { name: 'SHORT', value: NEW.slice(0, 7) },
    ]);
    expect(start!.sourceRevision).toEqual({ actionName: 'Source', commitId: NEW });
    expect(start!.context).toEqual({ repository: 'MyDemoRepo', branch: 'main', commitId: NEW, reason: 'push' });
  });

  it('does not pin a revision on a V1 pipeline, which cannot take one', async () => {
    const plan = await planPush(push('release/2'), policy, repository('Fix', []));
    expect(plan.start).toHaveLength(1);
    expect(plan.start[0]!.sourceRevision).toBeUndefined();
  });

  it('starts a path-filtered pipeline when a changed path matches, naming the path', async () => {
    const source = repository('Check the server', ['NOTES.md', 'scripts/start_server']);
    const plan = await planPush(push('feature/banner'), policy, source);
    expect(names(plan)).toEqual(['feature-preview', 'legacy']);
    expect(plan.start[0]!.reason).toBe('branch feature/banner matches feature/**; scripts/start_server matches scripts/**, index.html');
    expect(source.reads).toEqual([`getCommit MyDemoRepo ${NEW}`, `changedPaths MyDemoRepo ${OLD}..${NEW}`]);
  });

  it('skips a path-filtered pipeline when no changed path matches', async () => {
    const plan = await planPush(push('feature/banner'), policy, repository('Notes', ['NOTES.md', 'docs/index.html']));
    expect(names(plan)).toEqual(['legacy']);
    expect(plan.skipped).toContainEqual({ pipeline: 'feature-preview', reason: 'none of 2 changed paths matches scripts/**, index.html' });
  });

  it('counts every path as changed on a new branch, which has no oldCommitId', async () => {
    const source = repository('First', []);
    const plan = await planPush(push('feature/new', { oldCommitId: null }), policy, source);
    expect(names(plan)).toEqual(['feature-preview', 'legacy']);
    expect(plan.start[0]!.reason).toContain('new branch: every path counts as changed');
    expect(source.reads).toEqual([`getCommit MyDemoRepo ${NEW}`]);
  });

  it('reads no differences when no matching pipeline filters on paths', async () => {
    const source = repository('Fix', []);
    await planPush(push('main'), policy, source);
    expect(source.reads).toEqual([`getCommit MyDemoRepo ${NEW}`]);
  });

  it.each(['Fix a typo [skip ci]', 'Docs only\n\n[CI SKIP]'])('starts nothing when the message says %j', async (message) => {
    const plan = await planPush(push('feature/x'), policy, repository(message, ['index.html']));
    expect(plan.start).toEqual([]);
    expect(plan.skipped.filter((skip) => skip.reason.startsWith('commit message says'))).toHaveLength(2);
  });

  it('gives the same token for a redelivered event, and a different one per pipeline, event or commit', async () => {
    const source = repository('Fix', ['index.html']);
    const tokens = async (event: CodeCommitReferenceEvent) => (await planPush(event, policy, source)).start.map((start) => start.clientRequestToken);
    const first = await tokens(push('feature/x', { id: 'event-1' }));
    expect(await tokens(push('feature/x', { id: 'event-1' }))).toEqual(first);
    expect(new Set(first).size).toBe(2);
    expect(await tokens(push('feature/x', { id: 'event-2' }))).not.toContain(first[0]);
    for (const token of first) expect(token).toMatch(/^[a-zA-Z0-9-]{1,128}$/);
  });

  it('ignores tags, deleted branches and unknown repositories without reading CodeCommit', async () => {
    const source = repository('x', []);
    const tag = CodeCommitReferenceEvent.parse(sample('codecommit/reference-created-tag.json'));
    const deleted = CodeCommitReferenceEvent.parse(sample('codecommit/reference-deleted-branch.json'));
    const unknown = push('main');
    unknown.detail.repositoryName = 'SomeoneElsesRepo';
    expect((await planPush(tag, policy, source)).ignored).toMatch(/^tag .*: tags start no pipeline$/);
    expect((await planPush(deleted, policy, source)).ignored).toMatch(/^branch .* was deleted$/);
    expect((await planPush(unknown, policy, source)).ignored).toBe('repository SomeoneElsesRepo is not in the release policy');
    expect(source.reads).toEqual([]);
  });
});
