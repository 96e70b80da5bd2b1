// BASELINE (benchmark only): on-push by hand.
import picomatch from 'picomatch';
import policy from '../../../release-policy.yml';
import { call, deadLetter, emf, log, publish, recordEvent, token } from './aws';

type Push = { id: string; time: string; source: string; detail: Record<string, string | undefined> };

export const handler = (event: Push) => handle(event);

async function handle(event: Push): Promise<unknown> {
  const detail = event?.detail;
  if (event?.source !== 'aws.codecommit' || typeof detail?.repositoryName !== 'string' || typeof detail.referenceName !== 'string') return deadLetter('on-push', 'not a CodeCommit push', event);
  const { repositoryName, referenceName: branch, commitId, oldCommitId } = detail;
  if (detail.referenceType !== 'branch' || !commitId) return log('INFO', 'push ignored');
  if (!/^[0-9a-f]{40}$/.test(commitId)) return deadLetter('on-push', 'detail.commitId: expected a 40-character hex commit id', event);
  const rules = policy.repositories[repositoryName]?.pipelines ?? [];
  const matching = rules.filter((rule) => picomatch.isMatch(branch, rule.branches));
  if (matching.length === 0) return log('INFO', 'pipeline skipped', { branch });
  const { commit } = await call<{ commit: { message: string; author: { name: string } } }>('CodeCommit_20150413.GetCommit', { repositoryName, commitId });
  if (/\[(skip ci|ci skip)\]/i.test(commit.message)) return log('INFO', 'pipeline skipped', { reason: 'skip marker' });
  let changed: string[] | undefined;
  if (oldCommitId && matching.some((rule) => rule.paths)) {
    const { differences = [] } = await call<{ differences?: { afterBlob?: { path: string }; beforeBlob?: { path: string } }[] }>('CodeCommit_20150413.GetDifferences', { repositoryName, beforeCommitSpecifier: oldCommitId, afterCommitSpecifier: commitId });
    changed = differences.flatMap((difference) => [difference.afterBlob?.path, difference.beforeBlob?.path].filter((path): path is string => Boolean(path)));
  }
  const startAll = async () => {
    let started = 0;
    for (const rule of matching) {
      if (rule.paths && changed && !changed.some((path) => picomatch.isMatch(path, rule.paths!, { dot: true }))) continue;
      const variables = Object.entries(rule.variables).map(([name, value]) => ({ name, value: value.replace('${branch}', branch).replace('${commitId}', commitId) }));
      const sourceRevisions = rule.pipelineType === 'V2' ? [{ actionName: rule.sourceAction, revisionType: 'COMMIT_ID', revisionValue: commitId }] : undefined;
      const { pipelineExecutionId } = await call<{ pipelineExecutionId: string }>('CodePipeline_20150709.StartPipelineExecution', { name: rule.name, clientRequestToken: token(event.id, rule.name, commitId), variables, sourceRevisions });
      log('INFO', 'pipeline started', { pipeline: rule.name, executionId: pipelineExecutionId });
      await publish({ id: `${event.id}/${rule.name}`, kind: 'push', severity: 'info', team: 'platform', repositoryName, branch, commitId, author: commit.author.name, message: commit.message, pipeline: rule.name, executionId: pipelineExecutionId });
      started++;
    }
    return started;
  };
  const started = await startAll();
  // the event's own record last, as the functions write it
  const isNew = await recordEvent({ pk: `COMMIT#${commitId}`, sk: `PUSH#${repositoryName}#${branch}`, pushedAt: event.time, author: commit.author.name, eventId: event.id }, 'attribute_not_exists(pk) OR eventId = :eventId', { ':eventId': event.id });
  if (isNew) emf({ PipelinesStarted: started });
  return { started };
}
