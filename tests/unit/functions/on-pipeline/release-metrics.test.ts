import { countRelease } from '../../../../functions/on-pipeline/release-metrics';
import { emittedMetrics } from '../../../support/metrics';

const emf = (dimensions: string[][], metrics: { Name: string; Unit: string }[]) => ({ Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'ReleaseConductor', Dimensions: dimensions, Metrics: metrics }] });

describe('countRelease', () => {
  it('emits the result per pipeline, and each DORA measure as its own record, per pipeline and for all pipelines', async () => {
    const { records } = await emittedMetrics(() =>
      countRelease('MyFirstPipeline', 'SUCCEEDED', [
        { name: 'ProductionDeployments', unit: 'Count', value: 1 },
        { name: 'LeadTimeForChanges', unit: 'Seconds', value: 600 },
      ]),
    );
    expect(records).toEqual([
      { _aws: emf([['service', 'pipeline'], ['service']], [{ Name: 'ProductionDeployments', Unit: 'Count' }]), service: 'release-conductor', pipeline: 'MyFirstPipeline', ProductionDeployments: 1 },
      { _aws: emf([['service', 'pipeline'], ['service']], [{ Name: 'LeadTimeForChanges', Unit: 'Seconds' }]), service: 'release-conductor', pipeline: 'MyFirstPipeline', LeadTimeForChanges: 600 },
      {
        _aws: emf([['service', 'pipeline']], [{ Name: 'PipelineSucceeded', Unit: 'Count' }, { Name: 'PipelineFailed', Unit: 'Count' }]),
        service: 'release-conductor',
        pipeline: 'MyFirstPipeline',
        PipelineSucceeded: 1,
        PipelineFailed: 0,
      },
    ]);
  });

  it('counts a failure, and emits no measure record when the end adds none', async () => {
    const { records } = await emittedMetrics(() => countRelease('feature-preview', 'FAILED', []));
    expect(records).toEqual([expect.objectContaining({ pipeline: 'feature-preview', PipelineSucceeded: 0, PipelineFailed: 1 })]);
  });
});
