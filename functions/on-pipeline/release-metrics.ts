import type { DoraMeasure } from '../../shared/dora';
import { metrics, MetricUnit } from '../../shared/metrics';

/** An ended execution's result per pipeline, and each DORA measure it adds per pipeline and for all pipelines. */
export function countRelease(pipeline: string, state: 'SUCCEEDED' | 'FAILED', measures: DoraMeasure[]): void {
  metrics.addDimension('pipeline', pipeline);
  metrics.addMetric('PipelineSucceeded', MetricUnit.Count, state === 'SUCCEEDED' ? 1 : 0);
  metrics.addMetric('PipelineFailed', MetricUnit.Count, state === 'FAILED' ? 1 : 0);
  for (const { name, unit, value } of measures) {
    // its own EMF record: per pipeline and, as a second dimension set, for all pipelines
    const measure = metrics.singleMetric();
    measure.addDimension('pipeline', pipeline);
    measure.addDimensions({});
    measure.addMetric(name, MetricUnit[unit], value);
  }
}
