import type { SnsNotificationEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { SlackRefused, type DeadLetters } from '../../shared/ports';
import { deliver, type DeliveryPorts } from './deliver';

export interface NotifySlackDeps extends DeliveryPorts {
  deadLetters: DeadLetters;
}

/**
 * A release notification from the SNS topic: onto its release's Slack message. What Slack refuses
 * for good is dead-lettered with the reason; anything a retry can get past (Slack slow or rate
 * limiting, DynamoDB failing, the card busy past this invocation's deadline) fails the invocation,
 * and Lambda's retries take it from there.
 */
export async function handle(event: SnsNotificationEvent, deps: NotifySlackDeps) {
  const notification = event.Records[0]!.Sns.Message;
  logger.appendKeys({ notificationId: notification.id, kind: notification.kind, team: notification.team });
  try {
    const delivery = await deliver(notification, deps);
    logger.info('slack delivery', { ...delivery });
    if (delivery.outcome === 'posted' || delivery.outcome === 'updated') {
      metrics.addMetric(delivery.outcome === 'posted' ? 'SlackMessagesPosted' : 'SlackMessagesUpdated', MetricUnit.Count, 1);
      if (delivery.doubtfulPosts > 0) {
        logger.warn('a Slack post may show twice: an attempt went unanswered and Slack could not say whether it was taken', { card: delivery.card });
        metrics.addMetric('SlackDuplicatePosts', MetricUnit.Count, delivery.doubtfulPosts);
      }
    }
    return delivery;
  } catch (error) {
    if (!(error instanceof SlackRefused)) throw error;
    const reason = `Slack refused the delivery: ${error.message}`;
    logger.error('slack delivery refused: dead-lettered', { reason });
    metrics.addMetric('SlackDeliveryFailures', MetricUnit.Count, 1);
    // as SNS delivers it, so `npm run redrive` can hand it to notify-slack again
    const redrivable = { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: event.Records[0]!.Sns.MessageId, Message: JSON.stringify(notification) } }] };
    await deps.deadLetters.send({ functionName: 'notify-slack', reason, event: redrivable });
    return { deadLettered: true, reason } as const;
  }
}
