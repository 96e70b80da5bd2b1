import picomatch from 'picomatch';
import type { CodeCommitReferenceEvent } from '../../shared/events';
import type { Commit, SourceReader } from '../../shared/ports';
import { clientRequestToken, type StartPlan } from '../../shared/pipeline-starts';
import { livesAt, resolveVariables } from '../../shared/policy-rules';
import type { PipelineRule, ReleasePolicy } from '../../shared/release-policy';

const SKIP_MARKERS = ['[skip ci]', '[ci skip]'];

export interface PushPlan extends StartPlan {
  repository: string;
  branch: string;
  commit?: Commit;
  /** Set when the push starts nothing by its nature (a tag, a deleted branch, an unknown repository). */
  ignored?: string;
}

/** Decides which pipelines a push starts, and why each other pipeline does not; reads only what the decision needs. */
export async function planPush(event: CodeCommitReferenceEvent, policy: ReleasePolicy, source: SourceReader): Promise<PushPlan> {
  const { repositoryName: repository, referenceName: branch, referenceType, commitId, oldCommitId } = event.detail;
  const base = { repository, branch, start: [], skipped: [] };
  if (referenceType === 'tag') return { ...base, ignored: `tag ${branch}: tags start no pipeline` };
  if (event.detail.event === 'referenceDeleted' || commitId === undefined) return { ...base, ignored: `branch ${branch} was deleted` };
  const declared = policy.repositories[repository];
  if (!declared) return { ...base, ignored: `repository ${repository} is not in the release policy` };
  if (!livesAt(declared, event)) return { ...base, ignored: `repository ${repository} is in the release policy in account ${declared.account ?? '(any)'} ${declared.region ?? '(any region)'}, not ${event.account} ${event.region}` };
  const rules = declared.pipelines;

  const matching = rules.filter((rule) => picomatch.isMatch(branch, rule.branches));
  const skipped = rules.filter((rule) => !matching.includes(rule)).map((rule) => ({ pipeline: rule.name, reason: `branch ${branch} matches none of ${rule.branches.join(', ')}` }));
  if (matching.length === 0) return { ...base, skipped };

  const commit = await source.getCommit(repository, commitId);
  const marker = SKIP_MARKERS.find((candidate) => commit.message.toLowerCase().includes(candidate));
  if (marker) return { ...base, commit, skipped: [...skipped, ...matching.map((rule) => ({ pipeline: rule.name, reason: `commit message says ${marker}` }))] };

  // A new branch has no oldCommitId: every path counts as changed.
  const changed = matching.some((rule) => rule.paths) && oldCommitId ? await source.changedPaths(repository, oldCommitId, commitId) : undefined;
  const plan: PushPlan = { ...base, commit, skipped };
  for (const rule of matching) {
    const pathReason = whyPaths(rule, changed);
    if (pathReason.skip) {
      plan.skipped.push({ pipeline: rule.name, reason: pathReason.text });
      continue;
    }
    plan.start.push({
      pipeline: rule.name,
      reason: `branch ${branch} matches ${rule.branches.join(', ')}${pathReason.text ? `; ${pathReason.text}` : ''}`,
      clientRequestToken: clientRequestToken(event.id, rule.name, commitId),
      variables: resolveVariables(rule, { branch, commitId, shortCommitId: commitId.slice(0, 7), repository }),
      sourceRevision: rule.pipelineType === 'V2' ? { actionName: rule.sourceAction, commitId } : undefined,
      context: { repository, branch, commitId, reason: 'push' },
    });
  }
  return plan;
}

function whyPaths(rule: PipelineRule, changed: string[] | undefined): { skip: boolean; text: string } {
  if (!rule.paths) return { skip: false, text: '' };
  if (changed === undefined) return { skip: false, text: 'new branch: every path counts as changed' };
  const isMatch = picomatch(rule.paths, { dot: true });
  const hit = changed.find((path) => isMatch(path));
  if (hit) return { skip: false, text: `${hit} matches ${rule.paths.join(', ')}` };
  return { skip: true, text: `none of ${changed.length} changed paths matches ${rule.paths.join(', ')}` };
}
