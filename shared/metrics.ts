import { Metrics } from '@aws-lambda-powertools/metrics';

export { MetricUnit } from '@aws-lambda-powertools/metrics';

export const DEFAULT_METRICS_NAMESPACE = 'ReleaseConductor';

/** The one EMF metrics emitter; the namespace comes from POWERTOOLS_METRICS_NAMESPACE. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'release-conductor',
});

/**
 * Called with what the event's own ledger record said: a redelivered event (recorded before) does
 * its idempotent work again, so nothing is lost if its first delivery died, but counts nothing twice.
 */
export function countOnce(isNew: boolean): void {
  if (!isNew) metrics.clearMetrics();
}
