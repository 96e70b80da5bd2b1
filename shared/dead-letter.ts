// SQS takes at most 256 KiB a message; an EventBridge event is at most 256 KiB too, so the
// envelope around it may push it over: keep the start of the raw event and say so.
const MAX_EVENT_CHARS = 200_000;

/** A dead letter as the queue keeps it (locally, a line of the dead-letters file): the event, the function and why. */
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
