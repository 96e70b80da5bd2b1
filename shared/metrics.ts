export const DEFAULT_METRICS_NAMESPACE = 'ReleaseConductor';

/** The units our metrics use, in CloudWatch's words. */
export const MetricUnit = { Count: 'Count', Seconds: 'Seconds' } as const;
type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

type Stored = { unit: Unit; values: number[] };

/**
 * CloudWatch metrics in the embedded metric format: each publish one JSON line on stdout, which
 * CloudWatch Logs turns into metrics. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * The lines are those Powertools Metrics writes (the `service` dimension on every metric, a value
 * list for a metric added twice); ours for the reason shared/logger.ts gives.
 */
export class Metrics {
  readonly #namespace: string;
  readonly #service: string;
  readonly #single: boolean;
  #metrics = new Map<string, Stored>();
  #dimensions: Record<string, string> = {};
  #dimensionSets: Record<string, string>[] = [];
  #timestamp: number | undefined;

  /** `singleMetric`: each metric goes out on its own line as it is added, with the dimensions and timestamp set before it. */
  constructor({ namespace, serviceName, singleMetric = false }: { namespace: string; serviceName: string; singleMetric?: boolean }) {
    this.#namespace = namespace;
    this.#service = serviceName;
    this.#single = singleMetric;
  }

  addMetric(name: string, unit: Unit, value: number): void {
    const stored = this.#metrics.get(name);
    if (stored) stored.values.push(value);
    else this.#metrics.set(name, { unit, values: [value] });
    if (this.#single) this.publishStoredMetrics();
  }

  /** A dimension of every metric of this publish. */
  addDimension(name: string, value: string): void {
    this.#dimensions[name] = value;
  }

  /** Another aggregation of this publish's metrics: by `service` and these dimensions alone (`{}`: by service only). */
  addDimensions(dimensions: Record<string, string>): void {
    this.#dimensionSets.push(dimensions);
  }

  /** When the metrics happened (epoch milliseconds), if not now. */
  setTimestamp(epochMs: number): void {
    this.#timestamp = epochMs;
  }

  /** Forgets the metrics (and their timestamp) added since the last publish. */
  clearMetrics(): void {
    this.#metrics.clear();
    this.#timestamp = undefined;
  }

  /** Writes what was added since the last publish as one EMF line, if anything was, and starts again. */
  publishStoredMetrics(): void {
    if (this.#metrics.size > 0) process.stdout.write(`${JSON.stringify(this.#emf())}\n`);
    this.clearMetrics();
    this.#dimensions = {};
    this.#dimensionSets = [];
  }

  /** Lambda's ColdStart metric, by service and function, on its own line. */
  publishColdStart(functionName: string): void {
    const line = this.#line([['service', 'function_name']], [['ColdStart', { unit: MetricUnit.Count, values: [1] }]]);
    process.stdout.write(`${JSON.stringify({ ...line, function_name: functionName })}\n`);
  }

  #emf() {
    const service = ['service'];
    const dimensionNames = [...(Object.keys(this.#dimensions).length > 0 || this.#dimensionSets.length === 0 ? [[...service, ...Object.keys(this.#dimensions)]] : []), ...this.#dimensionSets.map((set) => [...service, ...Object.keys(set)])];
    return { ...this.#line(dimensionNames, [...this.#metrics]), ...Object.assign({}, ...this.#dimensionSets), ...this.#dimensions };
  }

  #line(dimensionNames: string[][], metrics: [string, Stored][]) {
    return {
      _aws: { Timestamp: this.#timestamp ?? Date.now(), CloudWatchMetrics: [{ Namespace: this.#namespace, Dimensions: dimensionNames, Metrics: metrics.map(([Name, { unit }]) => ({ Name, Unit: unit })) }] },
      service: this.#service,
      ...Object.fromEntries(metrics.map(([name, { values }]) => [name, values.length === 1 ? values[0] : values])),
    };
  }
}

const options = {
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'release-conductor',
};

/** The one emitter of an invocation's metrics, published when it ends (shared/middleware.ts); the namespace comes from POWERTOOLS_METRICS_NAMESPACE. */
export const metrics = new Metrics(options);

/** Metrics that each go out on their own line as they are added, with their own timestamp and dimensions (a DORA fact at its time, a count without the event's dimensions). */
export const singleMetrics = new Metrics({ ...options, singleMetric: true });

/**
 * Called with what the event's own ledger record said: a redelivered event (recorded before) does
 * its idempotent work again, so nothing is lost if its first delivery died, but counts nothing twice.
 */
export function countOnce(isNew: boolean): void {
  if (!isNew) metrics.clearMetrics();
}
