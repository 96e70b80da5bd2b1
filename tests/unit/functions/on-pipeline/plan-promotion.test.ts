import { parsePolicy } from '../../../../shared/release-policy';
import { CodePipelineEvent } from '../../../../shared/events';
import type { ExecutionRevision } from '../../../../shared/ports';
import { planPromotion } from '../../../../functions/on-pipeline/plan-promotion';
import { sample } from '../../../support/samples';

const policy = parsePolicy(`
teams: { platform: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - name: MyFirstPipeline
        branches: [main]
        variables: { BRANCH: "\${branch}", COMMIT_ID: "\${commitId}" }
        sourceAction: Checkout
      - name: feature-preview
        branches: ["feature/**"]
        variables: { ENV: preview, BRANCH: "\${branch}" }
        promote: { to: MyFirstPipeline }
      - name: nightly
        branches: [main]
        promote: { to: legacy-prod }
      - name: legacy-prod
        branches: [release]
        pipelineType: V1
`);

type PipelineExecution = Extract<CodePipelineEvent, { 'detail-type': 'CodePipeline Pipeline Execution State Change' }>;
const COMMIT = '5a6f0e1b2c3d4e5f60718293a4b5c6d7e8f90123';

function ended(pipeline: string, file = 'codepipeline/pipeline-succeeded.json', id?: string): PipelineExecution {
  const event = sample<PipelineExecution>(file);
  event.detail = { ...event.detail, pipeline, 'execution-id': 'exec-preview-1' };
  if (id) event.id = id;
  return CodePipelineEvent.parse(event) as PipelineExecution;
}

function executions(revision: ExecutionRevision | undefined) {
  const asked: string[] = [];
  return { asked, executionRevision: async (pipeline: string, executionId: string) => (asked.push(`${pipeline} ${executionId}`), revision) };
}

describe('planPromotion', () => {
  it('starts the target on the commit that passed, carrying the branch over, pinned to its source action', async () => {
    const source = executions({ commitId: COMMIT, variables: { ENV: 'preview', BRANCH: 'feature/banner' } });
    const plan = await planPromotion(ended('feature-preview'), policy, source);
    expect(source.asked).toEqual(['feature-preview exec-preview-1']);
    expect(plan.skipped).toEqual([]);
    expect(plan.start).toHaveLength(1);
    expect(plan.start[0]).toMatchObject({
      pipeline: 'MyFirstPipeline',
      reason: `feature-preview succeeded (execution exec-preview-1): promote ${COMMIT.slice(0, 7)} to MyFirstPipeline`,
      variables: [
        { name: 'BRANCH', value: 'feature/banner' },
        { name: 'COMMIT_ID', value: COMMIT },
      ],
      sourceRevision: { actionName: 'Checkout', commitId: COMMIT },
      context: { repository: 'MyDemoRepo', branch: 'feature/banner', commitId: COMMIT, reason: 'promoted from feature-preview' },
    });
  });

  it('is idempotent: the same event gives the same token, another event another', async () => {
    const source = executions({ commitId: COMMIT, variables: {} });
    const token = async (id: string) => (await planPromotion(ended('feature-preview', undefined, id), policy, source)).start[0]!.clientRequestToken;
    expect(await token('e1')).toBe(await token('e1'));
    expect(await token('e1')).not.toBe(await token('e2'));
  });

  it('leaves out a variable whose placeholder has no value, rather than send it empty', async () => {
    const plan = await planPromotion(ended('feature-preview'), policy, executions({ commitId: COMMIT, variables: {} }));
    expect(plan.start[0]!.variables).toEqual([{ name: 'COMMIT_ID', value: COMMIT }]);
  });

  it('does nothing for a failed execution or a pipeline without promote', async () => {
    const source = executions({ commitId: COMMIT, variables: {} });
    expect(await planPromotion(ended('feature-preview', 'codepipeline/pipeline-failed.json'), policy, source)).toEqual({ start: [], skipped: [] });
    expect(await planPromotion(ended('MyFirstPipeline'), policy, source)).toEqual({ start: [], skipped: [] });
    expect(await planPromotion(ended('not-in-policy'), policy, source)).toEqual({ start: [], skipped: [] });
    expect(source.asked).toEqual([]);
  });

  it('refuses to promote into a V1 pipeline, which cannot be started on a given revision', async () => {
    const plan = await planPromotion(ended('nightly'), policy, executions({ commitId: COMMIT, variables: {} }));
    expect(plan).toEqual({ start: [], skipped: [{ pipeline: 'legacy-prod', reason: "legacy-prod is a V1 pipeline: it cannot be started on nightly's revision" }] });
  });

  it('skips when the execution has no commit revision', async () => {
    const plan = await planPromotion(ended('feature-preview'), policy, executions(undefined));
    expect(plan.skipped).toEqual([{ pipeline: 'MyFirstPipeline', reason: 'execution exec-preview-1 of feature-preview has no commit revision to promote' }]);
  });
});
