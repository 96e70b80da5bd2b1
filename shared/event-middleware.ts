import type * as z from 'zod/mini';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { describeIssues } from './events';
import { logger } from './logger';
import { metrics, MetricUnit } from './metrics';
import { withObservability } from './middleware';
import type { DeadLetters } from './ports';

/** A dead-lettered event; `redrivable` when the cause is outside it (Slack was down), so `npm run redrive` must find it unhandled. */
export type DeadLettered = { deadLettered: true; reason: string; redrivable?: true };

export interface Idempotency {
  records: BasePersistenceLayer;
  /** JMESPath to the event's own id: EventBridge's `id`, or the notification's id inside an SNS message. */
  eventKey: string;
}

/**
 * withObservability plus the event contract: the event must parse against `schema`, or it is
 * logged with the reason, counted as MalformedEvents and sent to the dead letters, and the
 * invocation succeeds (a retry cannot fix a malformed event). Errors from `handle` propagate, so
 * Lambda's retries and on-failure destination take over. With `idempotency`, an event seen before
 * (by its id, for an hour) gets the first answer again and does nothing.
 */
export function withEvents<S extends z.ZodMiniType, R>(
  functionName: string,
  schema: S,
  deadLetters: DeadLetters,
  handle: (event: z.infer<S>) => Promise<R>,
  idempotency?: Idempotency,
) {
  const stack = withObservability<unknown, R | DeadLettered>(functionName);
  if (idempotency) {
    const { records, eventKey } = idempotency;
    // middy runs `after`s last-used first: this one after the idempotency record of the answer is saved
    stack.use({
      after: async ({ event, response }) => {
        if ((response as Partial<DeadLettered> | undefined)?.redrivable) await records.deleteRecord(event as Parameters<BasePersistenceLayer['deleteRecord']>[0]);
      },
    });
    stack.use(makeHandlerIdempotent({ persistenceStore: records, config: new IdempotencyConfig({ eventKeyJmesPath: eventKey }) }));
  }
  return stack.handler(async (event) => {
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
    // as Lambda will answer it, JSON: the idempotency record stores it, and DynamoDB refuses undefined fields
    return JSON.parse(JSON.stringify(await handle(parsed.data)) ?? 'null') as R;
  });
}

function eventIdOf(event: unknown): string | undefined {
  return typeof event === 'object' && event !== null && 'id' in event && typeof event.id === 'string' ? event.id : undefined;
}
