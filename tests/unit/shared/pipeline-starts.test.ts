import { clientRequestToken, startPipelines, type StartPlan } from '../../../shared/pipeline-starts';
import { memoryPipelines } from '../../support/fakes';
import { emittedMetrics } from '../../support/metrics';

const COMMIT = '5a6f0e1b2c3d4e5f60718293a4b5c6d7e8f90123';
const request = (pipeline: string): StartPlan['start'][number] => ({
  pipeline,
  reason: 'branch main matches main',
  clientRequestToken: clientRequestToken('event-1', pipeline, COMMIT),
  variables: [{ name: 'COMMIT_ID', value: COMMIT }],
  sourceRevision: { actionName: 'Source', commitId: COMMIT },
  context: { repository: 'MyDemoRepo', branch: 'main', commitId: COMMIT, reason: 'push' },
});
const skipped = { pipeline: 'feature-preview', reason: 'branch main matches none of feature/**' };

describe('startPipelines', () => {
  it('starts each planned pipeline in order with its request, answers the executions, starts no skipped one, and counts both', async () => {
    const pipelines = memoryPipelines();
    const plan = { start: [request('MyFirstPipeline'), request('integration-tests')], skipped: [skipped] };
    const { result, records } = await emittedMetrics(() => startPipelines(plan, pipelines));
    expect(result).toEqual([
      { pipeline: 'MyFirstPipeline', executionId: 'exec-1' },
      { pipeline: 'integration-tests', executionId: 'exec-2' },
    ]);
    expect(pipelines.starts).toEqual(plan.start);
    expect(records).toEqual([expect.objectContaining({ PipelinesStarted: 2, PipelinesSkipped: 1 })]);
  });

  it('starts nothing for a plan that only skips, and counts the skips alone', async () => {
    const pipelines = memoryPipelines();
    const { result, records } = await emittedMetrics(() => startPipelines({ start: [], skipped: [skipped] }, pipelines));
    expect(result).toEqual([]);
    expect(pipelines.starts).toEqual([]);
    expect(records).toEqual([expect.objectContaining({ PipelinesSkipped: 1 })]);
    expect(records[0]).not.toHaveProperty('PipelinesStarted');
  });

  it('stops at a start CodePipeline refuses, starting none after it, and fails with its error', async () => {
    const pipelines = memoryPipelines();
    const start = pipelines.start;
    pipelines.start = async (started) => {
      if (started.pipeline === 'integration-tests') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return start(started);
    };
    await expect(startPipelines({ start: [request('MyFirstPipeline'), request('integration-tests'), request('website')], skipped: [] }, pipelines)).rejects.toThrow('Rate exceeded');
    expect(pipelines.starts.map((started) => started.pipeline)).toEqual(['MyFirstPipeline']);
  });
});
