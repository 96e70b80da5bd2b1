import type { PipelineExecutionEvent } from '../../shared/events';
import type { ExecutionRevision } from '../../shared/ports';
import { clientRequestToken, type StartPlan } from '../../shared/pipeline-starts';
import { findPipeline, resolveVariables } from '../../shared/policy-rules';
import type { ReleasePolicy } from '../../shared/release-policy';

/**
 * When a pipeline whose policy says `promote: { to }` succeeds, start the target on the same commit.
 * The target must be V2: only V2 pipelines can be started on a given revision, and promoting
 * anything but the revision that passed would be wrong.
 */
export function planPromotion(event: PipelineExecutionEvent, policy: ReleasePolicy, revision: ExecutionRevision | undefined): StartPlan {
  const { pipeline, 'execution-id': executionId, state } = event.detail;
  const source = findPipeline(policy, pipeline);
  const to = source?.rule.promote?.to;
  if (state !== 'SUCCEEDED' || !source || !to) return { start: [], skipped: [] };
  const target = findPipeline(policy, to);
  if (!target) return { start: [], skipped: [{ pipeline: to, reason: `${to} is not in the release policy` }] };
  if (target.rule.pipelineType !== 'V2') {
    return { start: [], skipped: [{ pipeline: to, reason: `${to} is a V1 pipeline: it cannot be started on ${pipeline}'s revision` }] };
  }
  if (!revision) return { start: [], skipped: [{ pipeline: to, reason: `execution ${executionId} of ${pipeline} has no commit revision to promote` }] };

  // The branch is known only if the source pipeline carried it as a variable.
  const branchVariable = Object.entries(source.rule.variables).find(([, template]) => template === '${branch}')?.[0];
  const branch = branchVariable ? revision.variables[branchVariable] : undefined;
  const { commitId } = revision;
  return {
    start: [
      {
        pipeline: to,
        reason: `${pipeline} succeeded (execution ${executionId}): promote ${commitId.slice(0, 7)} to ${to}`,
        clientRequestToken: clientRequestToken(event.id, to, commitId),
        variables: resolveVariables(target.rule, { commitId, shortCommitId: commitId.slice(0, 7), branch, repository: target.repository }),
        sourceRevision: { actionName: target.rule.sourceAction, commitId },
        context: { repository: target.repository, branch, commitId, reason: `promoted from ${pipeline}` },
      },
    ],
    skipped: [],
  };
}
