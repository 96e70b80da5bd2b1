import type * as z from 'zod';
import { describeIssues } from './events';
import { logger } from './logger';
import { metrics, MetricUnit } from './metrics';
import { withObservability } from './middleware';
import type { DeadLetters } from './ports';

export type DeadLettered = { deadLettered: true; reason: string };

/**
 * withObservability plus the event contract: the event must parse against `schema`, or it is
 * logged with the reason, counted as MalformedEvents and sent to the dead letters, and the
 * invocation succeeds (a retry cannot fix a malformed event). Errors from `handle` propagate, so
 * Lambda's retries and on-failure destination take over.
 */
export function withEvents<S extends z.ZodType, R>(
  functionName: string,
  schema: S,
  deadLetters: DeadLetters,
  handle: (event: z.infer<S>) => Promise<R>,
) {
  return withObservability<unknown, R | DeadLettered>(functionName).handler(async (event) => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      const reason = describeIssues(parsed.error);
      logger.error('malformed event: dead-lettered', { reason, eventId: eventIdOf(event) });
      metrics.addMetric('MalformedEvents', MetricUnit.Count, 1);
      await deadLetters.send({ functionName, reason, event });
      return { deadLettered: true, reason };
    }
    const { id, 'detail-type': detailType } = parsed.data as { id: string; 'detail-type': string };
    logger.appendKeys({ eventId: id, detailType });
    return handle(parsed.data);
  });
}

function eventIdOf(event: unknown): string | undefined {
  return typeof event === 'object' && event !== null && 'id' in event && typeof event.id === 'string' ? event.id : undefined;
}
