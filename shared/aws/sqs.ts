import type { SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterMessage } from '../dead-letter';
import type { DeadLetters } from '../ports';

/**
 * Dead letters are rare, so the SQS client is loaded on the first one, not at cold start
 * (`npm run bench` measures what that saves).
 */
export function sqsDeadLetters(createClient: () => Promise<SQSClient>, queueUrl: string): DeadLetters {
  let client: Promise<SQSClient> | undefined;
  return {
    async send({ functionName, reason, event }) {
      const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
      client ??= createClient();
      await (await client).send(new SendMessageCommand({ QueueUrl: queueUrl, ...deadLetterMessage(functionName, reason, event) }));
    },
  };
}
