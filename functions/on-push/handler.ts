import policy from '../../release-policy.yml';
import { CodeCommitReferenceEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { withEvents } from '../../shared/event-middleware';
import { startPipelines } from '../../shared/pipeline-starts';
import { teamFor } from '../../shared/policy-rules';
import { clipText } from '../../shared/release-notification';
import { deadLetters, idempotencyRecords, ledger, notifications, pipelines, sourceReader } from '../../shared/runtime';
import { planPush } from './plan-push';
import { pushNotifications } from './push-notifications';

const source = sourceReader();
const starter = pipelines();
const pushes = ledger();
const notifier = notifications();

/** A push to CodeCommit: start the pipelines the policy names for it, say why the others were not, and tell the team. */
export const handler = withEvents({ functionName: 'on-push', schema: CodeCommitReferenceEvent, deadLetters: deadLetters(), idempotency: idempotencyRecords('on-push') }, async (event) => {
  logger.appendKeys({ repository: event.detail.repositoryName, branch: event.detail.referenceName, commitId: event.detail.commitId });
  const plan = await planPush(event, policy, source);
  if (plan.ignored) {
    logger.info('push ignored', { reason: plan.ignored });
    metrics.addMetric('PushesIgnored', MetricUnit.Count, 1);
    return { ignored: plan.ignored };
  }
  const { repository, branch, commit } = plan;
  const commitId = event.detail.commitId!; // a push that is not ignored has one
  const [, started] = await Promise.all([
    pushes.recordPush({ repository, branch, commitId, author: commit?.author, title: commit && clipText(commit.message.split('\n')[0]!, 500), pushedAt: event.time, eventId: event.id }),
    startPipelines(plan, starter),
  ]);
  await notifier.publish(pushNotifications(event, { repository, branch, commitId, commit }, started, teamFor(policy, { repository })));
  return { started, skipped: plan.skipped };
});
