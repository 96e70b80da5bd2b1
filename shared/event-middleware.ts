import type * as z from 'zod/mini';
import type { Context } from 'aws-lambda';
import { describeIssues } from './event-schemas/envelope';
import { logger } from './logger';
import { metrics, MetricUnit } from './metrics';
import { withObservability } from './middleware';
import type { DeadLetters } from './ports';

export type DeadLettered = { deadLettered: true; reason: string };

export interface EventFunction<S extends z.ZodMiniType> {
  functionName: string;
  /** The event contract: what does not parse is dead-lettered with the reason. */
  schema: S;
  deadLetters: DeadLetters;
}

/**
 * withObservability plus the event contract: the event must parse against `schema`, or it is
 * logged with the reason, counted as MalformedEvents and sent to the dead letters, and the
 * invocation succeeds (a retry cannot fix a malformed event). Only a parsed event reaches
 * `handle`. Errors from `handle` propagate, so Lambda's retries and on-failure destination take over.
 * There is no idempotency layer: each effect of `handle` is idempotent itself, and a redelivered
 * event counts nothing twice (docs/operations.md#idempotency).
 */
export function withEvents<S extends z.ZodMiniType, R>({ functionName, schema, deadLetters }: EventFunction<S>, handle: (event: z.infer<S>, context: Context) => Promise<R>) {
  return withObservability<unknown, R | DeadLettered>(functionName).handler(async (event, context) => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      const reason = describeIssues(parsed.error);
      logger.error('malformed event: dead-lettered', { reason, eventId: eventIdOf(event) });
      metrics.addMetric('MalformedEvents', MetricUnit.Count, 1);
      await deadLetters.send({ functionName, reason, event });
      return { deadLettered: true, reason };
    }
    const { id, 'detail-type': detailType } = parsed.data as { id?: string; 'detail-type'?: string };
    if (id) logger.appendKeys({ eventId: id, detailType });
    return handle(parsed.data, context);
  });
}

function eventIdOf(event: unknown): string | undefined {
  return typeof event === 'object' && event !== null && 'id' in event && typeof event.id === 'string' ? event.id : undefined;
}
