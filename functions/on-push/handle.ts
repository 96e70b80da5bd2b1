import type { CodeCommitReferenceEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { countOnce, metrics, MetricUnit } from '../../shared/metrics';
import { startPipelines } from '../../shared/pipeline-starts';
import { findPipeline, teamFor } from '../../shared/policy-rules';
import type { Ledger, Notifications, Pipelines, SourceReader } from '../../shared/ports';
import { clipText } from '../../shared/release-notification';
import type { ReleasePolicy } from '../../shared/release-policy';
import { planPush } from './plan-push';
import { pushNotifications } from './push-notifications';

export interface OnPushDeps {
  policy: ReleasePolicy;
  source: SourceReader;
  pipelines: Pick<Pipelines, 'start'>;
  ledger: Pick<Ledger, 'recordPush'>;
  notifications: Notifications;
}

/** A push to CodeCommit: start the pipelines the policy names for it, say why the others were not, and tell the team. */
export async function handle(event: CodeCommitReferenceEvent, { policy, source, pipelines, ledger, notifications }: OnPushDeps) {
  logger.appendKeys({ repository: event.detail.repositoryName, branch: event.detail.referenceName, commitId: event.detail.commitId });
  const plan = await planPush(event, policy, source);
  if (plan.ignored) {
    logger.info('push ignored', { reason: plan.ignored });
    metrics.addMetric('PushesIgnored', MetricUnit.Count, 1);
    return { ignored: plan.ignored };
  }
  const { repository, branch, commit } = plan;
  const commitId = event.detail.commitId!; // a push that is not ignored has one
  const started = await startPipelines(plan, pipelines);
  // a pipeline may live in another region than its repository
  const startedWhere = started.map((execution) => ({ ...execution, region: findPipeline(policy, execution.pipeline)?.rule.region ?? event.region }));
  await notifications.publish(pushNotifications(event, { repository, branch, commitId, commit }, startedWhere, teamFor(policy, { repository })));
  // the event's own record last: a delivery that failed before it left none, so its retry counts
  const isNew = await ledger.recordPush({ repository, branch, commitId, author: commit?.author, title: commit && clipText(commit.message.split('\n')[0]!, 500), pushedAt: event.time, eventId: event.id });
  countOnce(isNew);
  return { started, skipped: plan.skipped };
}
