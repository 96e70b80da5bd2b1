import { deadLetterMessage } from '../dead-letter';
import type { DeadLetters } from '../ports';
import { awsJsonService, type AwsServiceOptions } from './signed-call';

/** SQS's JSON protocol, as `awsJsonService` takes it. */
export const SQS = { service: 'sqs', targetPrefix: 'AmazonSQS', version: '1.0' } as const;

/** Each dead letter one SendMessage: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html */
export function sqsDeadLetters(queueUrl: string, options: Omit<AwsServiceOptions, 'service'> = {}): DeadLetters {
  const call = awsJsonService({ ...options, ...SQS });
  return {
    async send({ functionName, reason, event }) {
      await call('SendMessage', { QueueUrl: queueUrl, ...deadLetterMessage(functionName, reason, event) });
    },
  };
}
