import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetters } from '../ports';

// SQS takes at most 256 KiB a message; an EventBridge event is at most 256 KiB too, so the
// envelope around it may push it over: keep the start of the raw event and say so.
const MAX_EVENT_CHARS = 200_000;

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

export function deadLetterMessage(functionName: string, reason: string, event: unknown) {
  const raw = JSON.stringify(event) ?? String(event);
  const body = raw.length > MAX_EVENT_CHARS ? { functionName, reason, truncatedEvent: raw.slice(0, MAX_EVENT_CHARS) } : { functionName, reason, event };
  return {
    MessageBody: JSON.stringify(body),
    MessageAttributes: {
      function: { DataType: 'String', StringValue: functionName },
      reason: { DataType: 'String', StringValue: reason.slice(0, 1024) },
    },
  };
}
