import { Metrics } from '@aws-lambda-powertools/metrics';

export { MetricUnit } from '@aws-lambda-powertools/metrics';

export const DEFAULT_METRICS_NAMESPACE = 'ReleaseConductor';

/** The one EMF metrics emitter; the namespace comes from POWERTOOLS_METRICS_NAMESPACE. */
const options = {
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'release-conductor',
};
export const metrics = new Metrics(options);

/**
 * Metrics that each go out on their own EMF line as they are added, with their own timestamp and
 * dimensions (a DORA fact at its time, a count without the event's dimensions). One emitter for
 * the container rather than Powertools' `metrics.singleMetric()`, which builds a new Metrics, and
 * a Console, for every metric (a tenth of on-pipeline's CPU per event, npm run bench).
 */
export const singleMetrics = new Metrics({ ...options, singleMetric: true });

/**
 * Called with what the event's own ledger record said: a redelivered event (recorded before) does
 * its idempotent work again, so nothing is lost if its first delivery died, but counts nothing twice.
 */
export function countOnce(isNew: boolean): void {
  if (!isNew) metrics.clearMetrics();
}
