import type * as z from 'zod/mini';
import type { Context } from 'aws-lambda';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { describeIssues } from './events';
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
  /** Powertools idempotency records for the function, keyed on the EventBridge event's `id`: a redelivered event gets the first answer again and does nothing. */
  idempotencyRecords?: (functionName: string) => BasePersistenceLayer;
}

/**
 * withObservability plus the event contract: the event must parse against `schema`, or it is
 * logged with the reason, counted as MalformedEvents and sent to the dead letters, and the
 * invocation succeeds (a retry cannot fix a malformed event). Only a parsed event reaches the
 * idempotency records and `handle`. Errors from `handle` propagate, so Lambda's retries and
 * on-failure destination take over.
 */
export function withEvents<S extends z.ZodMiniType, R>({ functionName, schema, deadLetters, idempotencyRecords }: EventFunction<S>, handle: (event: z.infer<S>, context: Context) => Promise<R>) {
  // as Lambda will answer it, JSON: the idempotency record stores it, and DynamoDB refuses undefined fields
  const answer = async (event: z.infer<S>, context: Context) => JSON.parse(JSON.stringify(await handle(event, context)) ?? 'null') as R;
  const run = idempotencyRecords ? makeIdempotent(answer, { persistenceStore: idempotencyRecords(functionName), config: new IdempotencyConfig({ eventKeyJmesPath: 'id' }) }) : answer;
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
    return run(parsed.data, context);
  });
}

function eventIdOf(event: unknown): string | undefined {
  return typeof event === 'object' && event !== null && 'id' in event && typeof event.id === 'string' ? event.id : undefined;
}
