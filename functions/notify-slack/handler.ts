import policy from '../../release-policy.yml';
import { SnsNotificationEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { withEvents } from '../../shared/event-middleware';
import { deadLetters, idempotencyRecords } from '../../shared/runtime';
import { cards, slack } from './adapters';
import { CardBusyError, deliver } from './deliver';

const ports = { cards: cards(), slack: slack(), channelFor: (team: string) => policy.teams[team]?.slack?.channel };
const undeliverable = deadLetters();

/** A release notification from the SNS topic: onto its release's Slack message. What Slack still refuses after retries is dead-lettered with the reason. */
export const handler = withEvents('notify-slack', SnsNotificationEvent, undeliverable, async (event) => {
  const notification = event.Records[0]!.Sns.Message;
  logger.appendKeys({ notificationId: notification.id, kind: notification.kind, team: notification.team });
  try {
    const deliveries = await deliver(notification, ports);
    for (const delivery of deliveries) logger.info('slack delivery', { ...delivery });
    metrics.addMetric('SlackMessagesPosted', MetricUnit.Count, deliveries.filter((delivery) => delivery.outcome === 'posted').length);
    metrics.addMetric('SlackMessagesUpdated', MetricUnit.Count, deliveries.filter((delivery) => delivery.outcome === 'updated').length);
    return deliveries;
  } catch (error) {
    if (error instanceof CardBusyError) throw error; // Lambda's retry finds the message posted
    const reason = `Slack delivery failed: ${error instanceof Error ? error.message : String(error)}`;
    logger.error('slack delivery failed: dead-lettered', { reason });
    metrics.addMetric('SlackDeliveryFailures', MetricUnit.Count, 1);
    // as SNS delivers it, so `npm run redrive` can hand it to notify-slack again
    const redrivable = { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: event.Records[0]!.Sns.MessageId, Message: JSON.stringify(notification) } }] };
    await undeliverable.send({ functionName: 'notify-slack', reason, event: redrivable });
    return { deadLettered: true, reason, redrivable: true } as const;
  }
}, { records: idempotencyRecords('notify-slack'), eventKey: 'powertools_json(Records[0].Sns.Message).id' });
