// BASELINE (benchmark only): on-push by hand.
import picomatch from 'picomatch';
import policy from '../../../release-policy.yml';
import { pushNotifications } from '../../../functions/on-push/push-notifications';
import type { CodeCommitReferenceEvent } from '../../../shared/events';
import { teamFor } from '../../../shared/policy-rules';
import { clipText } from '../../../shared/release-notification';
import { appendKeys, call, deadLetter, emf, invocation, log, publish, recordEvent, token, type Context } from './aws';

export const handler = (event: CodeCommitReferenceEvent, context: Context) => (invocation('on-push', context, event), handle(event));

async function handle(event: CodeCommitReferenceEvent): Promise<unknown> {
  const detail = event?.detail;
  if (event?.source !== 'aws.codecommit' || typeof detail?.repositoryName !== 'string' || typeof detail.referenceName !== 'string') return deadLetter('on-push', 'not a CodeCommit push', event);
  const { repositoryName, referenceName: branch, commitId, oldCommitId } = detail;
  appendKeys({ repository: repositoryName, branch, commitId });
  if (detail.referenceType !== 'branch' || !commitId) return log('INFO', 'push ignored');
  if (!/^[0-9a-f]{40}$/.test(commitId)) return deadLetter('on-push', 'detail.commitId: expected a 40-character hex commit id', event);
  const rules = policy.repositories[repositoryName]?.pipelines ?? [];
  const matching = rules.filter((rule) => picomatch.isMatch(branch, rule.branches));
  if (matching.length === 0) return log('INFO', 'pipeline skipped', { branch });
  const { commit: got } = await call<{ commit: { message: string; author: { name: string; email?: string; date: string } } }>('CodeCommit_20150413.GetCommit', { repositoryName, commitId });
  const commit = { commitId, author: got.author.name, authorEmail: got.author.email, message: got.message, authoredAt: new Date(Number(got.author.date.split(' ')[0]) * 1000).toISOString() };
  if (/\[(skip ci|ci skip)\]/i.test(commit.message)) return log('INFO', 'pipeline skipped', { reason: 'skip marker' });
  let changed: string[] | undefined;
  if (oldCommitId && matching.some((rule) => rule.paths)) {
    const { differences = [] } = await call<{ differences?: { afterBlob?: { path: string }; beforeBlob?: { path: string } }[] }>('CodeCommit_20150413.GetDifferences', { repositoryName, beforeCommitSpecifier: oldCommitId, afterCommitSpecifier: commitId });
    changed = differences.flatMap((difference) => [difference.afterBlob?.path, difference.beforeBlob?.path].filter((path): path is string => Boolean(path)));
  }
  const skipped = rules.filter((rule) => !matching.includes(rule)).map((rule) => ({ pipeline: rule.name, reason: `branch ${branch} matches none of ${rule.branches.join(', ')}` }));
  const startAll = async () => {
    const started: { pipeline: string; executionId: string; region: string }[] = [];
    for (const rule of matching) {
      if (rule.paths && changed && !changed.some((path) => picomatch.isMatch(path, rule.paths!, { dot: true }))) {
        skipped.push({ pipeline: rule.name, reason: `none of the changed files matches ${rule.paths.join(', ')}` });
        continue;
      }
      const variables = Object.entries(rule.variables).map(([name, value]) => ({ name, value: value.replace('${branch}', branch).replace('${commitId}', commitId) }));
      const sourceRevisions = rule.pipelineType === 'V2' ? [{ actionName: rule.sourceAction, revisionType: 'COMMIT_ID', revisionValue: commitId }] : undefined;
      const { pipelineExecutionId } = await call<{ pipelineExecutionId: string }>('CodePipeline_20150709.StartPipelineExecution', { name: rule.name, clientRequestToken: token(event.id, rule.name, commitId), variables, sourceRevisions });
      log('INFO', 'pipeline started', { pipeline: rule.name, executionId: pipelineExecutionId, commitId, reason: `${branch} matches ${rule.branches.join(', ')}` });
      started.push({ pipeline: rule.name, executionId: pipelineExecutionId, region: rule.region ?? event.region });
    }
    return started;
  };
  const started = await startAll();
  for (const { pipeline, reason } of skipped) log('INFO', 'pipeline skipped', { pipeline, reason });
  for (const notification of pushNotifications(event, { repository: repositoryName, branch, commitId, commit }, started, teamFor(policy, { repository: repositoryName }))) await publish(notification);
  // the event's own record last, as the functions write it
  const isNew = await recordEvent(
    { pk: `COMMIT#${commitId}`, sk: `PUSH#${repositoryName}#${branch}`, repository: repositoryName, branch, commitId, author: commit.author, title: clipText(commit.message.split('\n')[0]!, 500), pushedAt: event.time, eventId: event.id },
    { expression: 'attribute_not_exists(pk) OR eventId = :eventId', values: { ':eventId': event.id } },
  );
  if (isNew) emf({ ...(started.length > 0 ? { PipelinesStarted: started.length } : {}), ...(skipped.length > 0 ? { PipelinesSkipped: skipped.length } : {}) });
  return { started };
}
