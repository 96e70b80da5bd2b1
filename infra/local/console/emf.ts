/**
 * The metrics the local functions emitted, read back from their log lines: CloudWatch Embedded Metric
 * Format (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */

/** One value (or several) of one metric, with one of its record's dimension sets. */
export interface Datapoint {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** Milliseconds since the epoch, as `_aws.Timestamp` gives it. */
  timestamp: number;
  values: number[];
}

interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string }[];
}

/** Every datapoint of every EMF record among the log lines; other lines are skipped. */
export function emfDatapoints(lines: Record<string, unknown>[]): Datapoint[] {
  return lines.flatMap((line) => {
    const aws = line._aws as { Timestamp?: number; CloudWatchMetrics?: EmfDirective[] } | undefined;
    if (typeof aws?.Timestamp !== 'number' || !Array.isArray(aws.CloudWatchMetrics)) return [];
    const timestamp = aws.Timestamp;
    // each dimension set of a directive makes a metric of its own, as CloudWatch extracts them
    return aws.CloudWatchMetrics.flatMap(({ Namespace: namespace, Dimensions, Metrics }) =>
      Dimensions.flatMap((set) =>
        Metrics.flatMap(({ Name: name }) => {
          const value = line[name];
          const values = (Array.isArray(value) ? value : [value]).filter((item): item is number => typeof item === 'number');
          if (values.length === 0) return [];
          const dimensions = Object.fromEntries(set.map((dimension) => [dimension, String(line[dimension])]));
          return [{ namespace, name, dimensions, timestamp, values }];
        }),
      ),
    );
  });
}
