import policy from '../../release-policy.yml';
import { withObservability } from '../../shared/middleware';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { Click } from '../../shared/slack-actions';
import { notifications } from '../../shared/runtime';
import type { Notifications } from '../../shared/ports';
import { act, decisionNotification, type ActPorts, type ActResult } from './act';
import { authorEmail, clicks, control, slackPeople } from './adapters';

export interface WorkerPorts extends ActPorts {
  /** The ephemeral answer to the person who pressed (Slack's response_url). */
  answer: (responseUrl: string, text: string) => Promise<void>;
  /** The same, where there is no response_url (a modal's submission): chat.postEphemeral to the user in the card's channel. */
  answerInChannel: (channel: string, user: string, text: string) => Promise<void>;
  /** The SNS topic: a decision goes onto the release's card through notify-slack, like every other change. */
  notifications: Notifications;
  region: string;
}

/**
 * A press handed on by slack-interactions (asynchronously): act on it, audit it, tell the person.
 * A fault on the way (CodePipeline or DynamoDB failing) fails the invocation for Lambda to retry;
 * the press keeps its hold on the action meanwhile, so a retry acts once.
 */
export async function handle(event: unknown, ports: WorkerPorts): Promise<ActResult | { malformed: true }> {
  const parsed = Click.safeParse(event);
  if (!parsed.success) {
    logger.error('not a click from slack-interactions: dropped', { problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) });
    metrics.addMetric('MalformedEvents', MetricUnit.Count, 1);
    return { malformed: true };
  }
  const click = parsed.data;
  logger.appendKeys({ clickId: click.id, user: click.user.id, action: click.action, pipeline: click.target.pipeline, executionId: click.target.executionId, stage: click.target.stage });
  const result = await act(click, ports);
  // the audit line: who, what, on which execution, allowed or not, and what came of it
  logger.info('slack action', { approvalAction: click.target.action, allowed: result.allowed, done: result.done, message: result.message });
  const decision = result.done ? decisionNotification(click, ports.policy, ports.region) : undefined;
  // CodePipeline's own event for the action still reaches the card: only who decided would be missing
  if (decision) await ports.notifications.publish([decision]).catch((error: unknown) => logger.warn('could not put the decision on the card', { error: String(error) }));
  metrics.addMetric(result.done ? 'SlackActionsDone' : result.allowed ? 'SlackActionsNotDone' : 'SlackActionsRefused', MetricUnit.Count, 1);
  // done is done: a lost answer must not make Lambda press again
  const answered = click.responseUrl ? ports.answer(click.responseUrl, result.message) : click.channel ? ports.answerInChannel(click.channel, click.user.id, result.message) : Promise.resolve();
  await answered.catch((error: unknown) => logger.warn('could not answer the person in Slack', { error: String(error) }));
  return result;
}

// created with the first press, once per container (and not when a test imports `handle`)
let ports: WorkerPorts | undefined;
function wire(): WorkerPorts {
  const people = slackPeople();
  return {
    policy,
    control: control(),
    clicks: clicks(),
    groupsOfUser: people.groupsOfUser,
    authorEmail: authorEmail(),
    answer: people.answer,
    answerInChannel: people.answerInChannel,
    notifications: notifications(),
    region: process.env.AWS_REGION ?? 'us-east-1',
    now: () => new Date(),
  };
}

export const handler = withObservability<unknown, unknown>('act-from-slack').handler((event) => handle(event, (ports ??= wire())));
