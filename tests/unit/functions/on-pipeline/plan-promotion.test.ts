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

const revision = (variables: Record<string, string> = {}): ExecutionRevision => ({ commitId: COMMIT, variables });

describe('planPromotion', () => {
  it('starts the target on the commit that passed, carrying the branch over, pinned to its source action', () => {
    const plan = planPromotion(ended('feature-preview'), policy, revision({ ENV: 'preview', BRANCH: 'feature/banner' }));
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

  it('is idempotent: the same event gives the same token, another event another', () => {
    const token = (id: string) => planPromotion(ended('feature-preview', undefined, id), policy, revision()).start[0]!.clientRequestToken;
    expect(token('e1')).toBe(token('e1'));
    expect(token('e1')).not.toBe(token('e2'));
  });

  it('leaves out a variable whose placeholder has no value, rather than send it empty', () => {
    const plan = planPromotion(ended('feature-preview'), policy, revision());
    expect(plan.start[0]!.variables).toEqual([{ name: 'COMMIT_ID', value: COMMIT }]);
  });

  it('does nothing for a failed execution or a pipeline without promote', () => {
    expect(planPromotion(ended('feature-preview', 'codepipeline/pipeline-failed.json'), policy, revision())).toEqual({ start: [], skipped: [] });
    expect(planPromotion(ended('MyFirstPipeline'), policy, revision())).toEqual({ start: [], skipped: [] });
    expect(planPromotion(ended('not-in-policy'), policy, revision())).toEqual({ start: [], skipped: [] });
  });

  it('refuses to promote into a V1 pipeline, which cannot be started on a given revision', () => {
    const plan = planPromotion(ended('nightly'), policy, revision());
    expect(plan).toEqual({ start: [], skipped: [{ pipeline: 'legacy-prod', reason: "legacy-prod is a V1 pipeline: it cannot be started on nightly's revision" }] });
  });

  it('skips when the execution has no commit revision', () => {
    const plan = planPromotion(ended('feature-preview'), policy, undefined);
    expect(plan.skipped).toEqual([{ pipeline: 'MyFirstPipeline', reason: 'execution exec-preview-1 of feature-preview has no commit revision to promote' }]);
  });
});
