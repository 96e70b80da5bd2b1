import { AwsError } from '../../../shared/aws/signed-call';
import { Logger, logger } from '../../../shared/logger';
import { Metrics, metrics, MetricUnit } from '../../../shared/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ClientError } from '../../../shared/http';
import { withHttp, withObservability } from '../../../shared/middleware';
import { captureOutput, lambdaContext } from '../../support/lambda-context';

/** What a block writes, stdout and stderr apart, each line parsed. */
async function written(act: () => unknown): Promise<{ stdout: Record<string, unknown>[]; stderr: Record<string, unknown>[] }> {
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const streams = { stdout: process.stdout, stderr: process.stderr };
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  for (const name of ['stdout', 'stderr'] as const) streams[name].write = ((chunk: string) => lines[name].push(chunk) > 0) as typeof process.stdout.write;
  try {
    await act();
  } finally {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  }
  const parsed = (chunks: string[]) => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stdout: parsed(lines.stdout), stderr: parsed(lines.stderr) };
}

describe('Logger', () => {
  const context = lambdaContext('on-build');

  it("writes one JSON line with Powertools' keys, the persistent keys, the invocation's and the call's", async () => {
    const logger = new Logger({ serviceName: 'release-conductor' });
    logger.appendPersistentKeys({ function: 'on-build' });
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1';
    const { stdout } = await written(() => {
      logger.startInvocation(context, true);
      logger.appendKeys({ buildId: 'my-sample-project:1' });
      logger.info('build ended', { status: 'SUCCEEDED', durationSeconds: 42 });
    });
    delete process.env._X_AMZN_TRACE_ID;
    expect(stdout).toEqual([
      {
        level: 'INFO',
        message: 'build ended',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        service: 'release-conductor',
        cold_start: true,
        function_arn: context.invokedFunctionArn,
        function_memory_size: context.memoryLimitInMB,
        function_name: 'on-build',
        function_request_id: context.awsRequestId,
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        function: 'on-build',
        buildId: 'my-sample-project:1',
        status: 'SUCCEEDED',
        durationSeconds: 42,
      },
    ]);
  });

  it("forgets the invocation's keys when it ends, and keeps the persistent ones", async () => {
    const logger = new Logger({ serviceName: 'release-conductor' });
    logger.appendPersistentKeys({ function: 'on-build' });
    const { stdout } = await written(() => {
      logger.startInvocation(context, true);
      logger.appendKeys({ buildId: 'first' });
      logger.endInvocation();
      logger.info('between invocations');
    });
    expect(stdout[0]).toMatchObject({ function: 'on-build', message: 'between invocations' });
    expect(stdout[0]).not.toHaveProperty('buildId');
  });

  it('writes warnings and errors to stderr, an error with its name, message, stack, own fields and cause', async () => {
    const logger = new Logger({ serviceName: 'release-conductor' });
    const { stdout, stderr } = await written(() => {
      logger.warn('build failed', { status: 'FAILED' });
      logger.error('unhandled error', new Error('Slack answered 500', { cause: new TypeError('fetch failed') }));
      logger.warn('could not publish', { error: new AwsError('ThrottlingException', 'Rate exceeded', 400) });
    });
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      expect.objectContaining({ level: 'WARN', message: 'build failed', status: 'FAILED' }),
      expect.objectContaining({ level: 'ERROR', error: { name: 'Error', message: 'Slack answered 500', stack: expect.stringContaining('observability.test.ts'), cause: expect.objectContaining({ name: 'TypeError', message: 'fetch failed' }) } }),
      expect.objectContaining({ level: 'WARN', error: expect.objectContaining({ name: 'ThrottlingException', message: 'ThrottlingException: Rate exceeded', code: 'ThrottlingException', status: 400 }) }),
    ]);
  });

  it('writes what JSON cannot hold rather than throwing: a bigint as text, a cycle left out', async () => {
    const logger = new Logger({ serviceName: 'release-conductor' });
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    const { stdout } = await written(() => logger.info('odd values', { big: 10n ** 20n, cycle }));
    expect(stdout[0]).toMatchObject({ big: '100000000000000000000', cycle: { name: 'loop' } });
  });

  it("leaves out the levels below Lambda's log level, else POWERTOOLS_LOG_LEVEL's, else INFO", async () => {
    const saved = process.env.POWERTOOLS_LOG_LEVEL;
    delete process.env.POWERTOOLS_LOG_LEVEL;
    const byDefault = new Logger({ serviceName: 'release-conductor' });
    process.env.POWERTOOLS_LOG_LEVEL = 'warn';
    const powertools = new Logger({ serviceName: 'release-conductor' });
    process.env.AWS_LAMBDA_LOG_LEVEL = 'ERROR';
    const lambdas = new Logger({ serviceName: 'release-conductor' });
    delete process.env.AWS_LAMBDA_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const silent = new Logger({ serviceName: 'release-conductor' });
    if (saved === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = saved;
    const { stdout, stderr } = await written(() => {
      byDefault.debug('not written');
      byDefault.info('by default');
      powertools.info('not written either');
      powertools.warn('by POWERTOOLS_LOG_LEVEL');
      lambdas.warn('nor this');
      lambdas.error("by Lambda's");
      silent.error('silent');
    });
    expect([...stdout, ...stderr].map((line) => line.message)).toEqual(['by default', 'by POWERTOOLS_LOG_LEVEL', "by Lambda's"]);
  });
});

describe('Metrics', () => {
  const emitter = () => new Metrics({ namespace: 'ReleaseConductor', serviceName: 'release-conductor' });

  it('publishes what was added as one EMF line: by service and the dimensions, a metric added twice as a list', async () => {
    const metrics = emitter();
    const { stdout } = await written(() => {
      metrics.addDimension('project', 'my-sample-project');
      metrics.addMetric('BuildSucceeded', MetricUnit.Count, 1);
      metrics.addMetric('BuildDuration', MetricUnit.Seconds, 42);
      metrics.addMetric('BuildDuration', MetricUnit.Seconds, 43);
      metrics.publishStoredMetrics();
    });
    expect(stdout).toEqual([
      {
        _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'ReleaseConductor', Dimensions: [['service', 'project']], Metrics: [{ Name: 'BuildSucceeded', Unit: 'Count' }, { Name: 'BuildDuration', Unit: 'Seconds' }] }] },
        service: 'release-conductor',
        project: 'my-sample-project',
        BuildSucceeded: 1,
        BuildDuration: [42, 43],
      },
    ]);
  });

  it('writes nothing when nothing was added, and starts every publish afresh', async () => {
    const metrics = emitter();
    const { stdout } = await written(() => {
      metrics.addDimension('project', 'p');
      metrics.publishStoredMetrics();
      metrics.addMetric('HelloRequests', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    });
    expect(stdout).toEqual([expect.objectContaining({ _aws: expect.objectContaining({ CloudWatchMetrics: [expect.objectContaining({ Dimensions: [['service']] })] }), HelloRequests: 1 })]);
    expect(stdout[0]).not.toHaveProperty('project');
  });

  it('forgets cleared metrics and their timestamp, not the dimensions', async () => {
    const metrics = emitter();
    const { stdout } = await written(() => {
      metrics.addDimension('pipeline', 'MyFirstPipeline');
      metrics.setTimestamp(1_700_000_000_000);
      metrics.addMetric('PipelineSucceeded', MetricUnit.Count, 1);
      metrics.clearMetrics();
      metrics.addMetric('PipelineFailed', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    });
    expect(stdout).toEqual([expect.objectContaining({ pipeline: 'MyFirstPipeline', PipelineFailed: 1 })]);
    expect(stdout[0]).not.toHaveProperty('PipelineSucceeded');
    expect((stdout[0]!._aws as { Timestamp: number }).Timestamp).not.toBe(1_700_000_000_000);
  });

  it('sends a single metric at once, with its own timestamp and dimension sets, and nothing of it after', async () => {
    const single = new Metrics({ namespace: 'ReleaseConductor', serviceName: 'release-conductor', singleMetric: true });
    const { stdout } = await written(() => {
      single.setTimestamp(1_764_000_000_000);
      single.addDimension('pipeline', 'MyFirstPipeline');
      single.addDimensions({});
      single.addMetric('ProductionDeployments', MetricUnit.Count, 1);
      single.addMetric('PipelineEventsOutsidePolicy', MetricUnit.Count, 1);
    });
    expect(stdout).toEqual([
      expect.objectContaining({ _aws: { Timestamp: 1_764_000_000_000, CloudWatchMetrics: [expect.objectContaining({ Dimensions: [['service', 'pipeline'], ['service']] })] }, pipeline: 'MyFirstPipeline', ProductionDeployments: 1 }),
      expect.objectContaining({ _aws: expect.objectContaining({ CloudWatchMetrics: [expect.objectContaining({ Dimensions: [['service']] })] }), PipelineEventsOutsidePolicy: 1 }),
    ]);
    expect(stdout[1]).not.toHaveProperty('pipeline');
    expect((stdout[1]!._aws as { Timestamp: number }).Timestamp).not.toBe(1_764_000_000_000);
  });
});

describe('withObservability', () => {
  it('logs and counts the cold start once, and keeps no key of one invocation in the next', async () => {
    // a stack of its own: its first invocation is the environment's first
    const handler = withObservability<{ first: boolean }, string>('hello').handler(async ({ first }) => {
      if (first) logger.appendKeys({ onlyInTheFirst: true });
      metrics.addMetric('HelloRequests', MetricUnit.Count, 1);
      logger.info('handled');
      return 'ok';
    });
    const first = await captureOutput(() => handler({ first: true }, lambdaContext('hello')));
    const second = await captureOutput(() => handler({ first: false }, lambdaContext('hello')));
    expect(first.lines).toEqual([
      expect.objectContaining({ ColdStart: 1, function_name: 'hello', _aws: expect.objectContaining({ CloudWatchMetrics: [expect.objectContaining({ Dimensions: [['service', 'function_name']] })] }) }),
      expect.objectContaining({ message: 'handled', cold_start: true, function: 'hello', onlyInTheFirst: true }),
      expect.objectContaining({ HelloRequests: 1 }),
    ]);
    expect(second.lines).toEqual([expect.objectContaining({ message: 'handled', cold_start: false }), expect.objectContaining({ HelloRequests: 1 })]);
    expect(second.lines[0]).not.toHaveProperty('onlyInTheFirst');
  });

  it('counts nothing of an invocation that fails, since Lambda runs it again and its retry counts', async () => {
    let attempts = 0;
    const handler = withObservability<object, string>('on-push').handler(async () => {
      metrics.addMetric('PipelinesStarted', MetricUnit.Count, 1);
      if (++attempts === 1) throw new Error('SNS did not answer');
      return 'ok';
    });
    const failed = await captureOutput(() => handler({}, lambdaContext('on-push')).catch((error: Error) => error.message));
    const retried = await captureOutput(() => handler({}, lambdaContext('on-push')));
    expect(failed.result).toBe('SNS did not answer');
    expect(failed.lines.filter((line) => 'PipelinesStarted' in line)).toEqual([]);
    expect(retried.lines.filter((line) => 'PipelinesStarted' in line)).toEqual([expect.objectContaining({ PipelinesStarted: 1 })]);
  });

  it('counts what an API call that ended in an error answer counted', async () => {
    const handler = withHttp('hello').handler(async () => {
      throw new ClientError(400, 'InvalidName', 'a name is letters and digits');
    });
    const { result, lines } = await captureOutput(() => handler({} as APIGatewayProxyEventV2, lambdaContext('hello')));
    expect(result).toMatchObject({ statusCode: 400 });
    expect(lines).toContainEqual(expect.objectContaining({ RejectedRequests: 1 }));
  });
});
