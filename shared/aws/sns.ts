import type { Notifications } from '../ports';
import { bounded, messageAttributes } from '../release-notification';
import { awsQueryService, type AwsServiceOptions } from './signed-call';

/**
 * Each notification one Publish to the topic, its attributes those the subscriptions filter on.
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export function snsNotifications(topicArn: string, options: Omit<AwsServiceOptions, 'service'> = {}): Notifications {
  const call = awsQueryService({ ...options, service: 'sns', version: '2010-03-31' });
  return {
    async publish(notifications) {
      for (const notification of notifications) {
        await call('Publish', { TopicArn: topicArn, Message: JSON.stringify(bounded(notification)), ...queryAttributes(messageAttributes(notification)) });
      }
    },
  };
}

/** Message attributes as the query protocol lists them: `MessageAttributes.entry.N.Name`, `.Value.DataType`, `.Value.StringValue`. */
function queryAttributes(attributes: Record<string, { DataType: string; StringValue: string }>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).flatMap(([name, { DataType, StringValue }], index) => [
      [`MessageAttributes.entry.${index + 1}.Name`, name],
      [`MessageAttributes.entry.${index + 1}.Value.DataType`, DataType],
      [`MessageAttributes.entry.${index + 1}.Value.StringValue`, StringValue],
    ]),
  );
}
