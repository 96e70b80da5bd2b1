import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { Click } from '../../shared/slack-actions';
import type { Notifications, SlackPeople } from '../../shared/ports';
import { act, decisionNotification, type ActPorts, type ActResult } from './act';

export interface ActFromSlackDeps extends ActPorts {
  /** Who is in which user group, and the answers only the person who pressed sees. */
  people: SlackPeople;
  /** The SNS topic: a decision goes onto the release's card through notify-slack, like every other change. */
  notifications: Notifications;
  region: string;
}

/**
 * A press handed on by slack-interactions (asynchronously): act on it, audit it, tell the person.
 * A fault on the way (CodePipeline or DynamoDB failing) fails the invocation for Lambda to retry;
 * the press keeps its hold on the action meanwhile, so a retry acts once.
 */
export async function handle(event: unknown, deps: ActFromSlackDeps): Promise<ActResult | { malformed: true }> {
  const parsed = Click.safeParse(event);
  if (!parsed.success) {
    logger.error('not a click from slack-interactions: dropped', { problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) });
    metrics.addMetric('MalformedEvents', MetricUnit.Count, 1);
    return { malformed: true };
  }
  const click = parsed.data;
  logger.appendKeys({ clickId: click.id, user: click.user.id, action: click.action, pipeline: click.target.pipeline, executionId: click.target.executionId, stage: click.target.stage });
  const result = await act(click, deps);
  // the audit line: who, what, on which execution, allowed or not, and what came of it
  logger.info('slack action', { approvalAction: click.target.action, allowed: result.allowed, done: result.done, answer: result.message });
  const decision = result.done ? decisionNotification(click, deps.policy, deps.region) : undefined;
  // CodePipeline's own event for the action still reaches the card: only who decided would be missing
  if (decision) await deps.notifications.publish([decision]).catch((error: unknown) => logger.warn('could not put the decision on the card', { error: String(error) }));
  metrics.addMetric(result.done ? 'SlackActionsDone' : result.allowed ? 'SlackActionsNotDone' : 'SlackActionsRefused', MetricUnit.Count, 1);
  // done is done: a lost answer must not make Lambda press again
  const answered = click.responseUrl ? deps.people.answer(click.responseUrl, result.message) : click.channel ? deps.people.answerInChannel(click.channel, click.user.id, result.message) : Promise.resolve();
  await answered.catch((error: unknown) => logger.warn('could not answer the person in Slack', { error: String(error) }));
  return result;
}
