import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifications } from '../ports';
import { bounded, messageAttributes } from '../release-notification';

export function snsNotifications(client: SNSClient, topicArn: string): Notifications {
  return {
    async publish(notifications) {
      for (const notification of notifications) {
        await client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Message: JSON.stringify(bounded(notification)),
            MessageAttributes: messageAttributes(notification),
          }),
        );
      }
    },
  };
}
