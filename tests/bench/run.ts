/**
 * `npm run bench`: bundle size, cold start, warm latency, throughput, AWS calls and metrics per
 * release, and a cost estimate, for each event function side by side with the hand-written
 * baseline in tests/bench/baseline/, with AWS on loopback (tests/bench/aws-stub.ts); then, on the local
 * stack, the time from PutEvents to Slack (tests/bench/end-to-end.ts; BENCH_END_TO_END=0 skips it).
 * Writes tests/bench/results.md and tests/bench/cold-start.svg.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { parse } from 'yaml';
import { LOCAL_CREDENTIALS } from '../../infra/local/endpoints';
import { snsEvent } from '../../infra/local/sns.cjs';
import { pipelineNotification } from '../../functions/on-pipeline/pipeline-notification';
import { CodePipelineEvent } from '../../shared/events';
import { DEPLOYED_BUILD } from '../support/bundles';
import { startAwsStub, BENCH_COMMIT, type AwsStub } from './aws-stub';
import { median, percentile } from './stats';
import { endToEnd, type EndToEnd } from './end-to-end';

const ROOT = join(__dirname, '..', '..');
// the functions as serverless-esbuild builds them: the options in serverless.yml, the release policy inlined
const esbuildPlugins = createRequire(__filename)('../../infra/esbuild-plugins.cjs') as Plugin[];
const MEMORY_MB = (parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as { provider: { memorySize: number } }).provider.memorySize;
const OUT = join(__dirname, '.out');
const FUNCTIONS = ['on-push', 'on-build', 'on-deploy', 'on-pipeline', 'notify-slack'] as const;
type Fn = (typeof FUNCTIONS)[number];
type EventBridgeFn = Exclude<Fn, 'notify-slack'>;
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:bench-releases';
// a cold start here varies by a fifth from one to the next: the median of 20, ours and the baseline's taking turns
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 20);
// 10 000 warm events per function take this machine about 10 minutes; 2000 keep the run under 5,
// with room for a slower machine (a run has taken 3 to 5 minutes with 3000)
const WARM_EVENTS = Number(process.env.BENCH_WARM_EVENTS ?? 2000);
// the warm events in rounds, ours and the baseline taking turns (each going first in every other),
// so that a slow spell of a shared machine falls on both; the rounds' ratios show the run's noise.
// Eight: with four, the run's ratio moved by up to 0.3 from one run to the next (docs/benchmarks.md, "Round 5")
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 8);
// BENCH_FORMAT=esm: the bundles as ES modules, to compare with the CommonJS that serverless.yml builds
const FORMAT = process.env.BENCH_FORMAT === 'esm' ? 'esm' : DEPLOYED_BUILD.format;
const EXTENSION = FORMAT === 'esm' ? 'mjs' : 'js';

// Lambda gives a function CPU in proportion to its memory, one vCPU at 1769 MB
// (docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html)
const FULL_VCPU_MB = 1769;
const MEMORY_SIZES = [128, 256, 512, 1024, 1769, 2048];
// Round trips for the duration model only (on loopback a call is CPU): an AWS call inside a region,
// and a Slack Web API call from it
const AWS_CALL_MS = 10;
const SLACK_CALL_MS = 100;
// The targets (issue 19), each measured side by side with the baseline in one run, or counted
const TARGET = { coldRatio: 1.5, cpuRatio: 1.5, awsCallsPerRelease: 60, dynamoWritesPerRelease: 30 };

// Prices used (us-east-1, on-demand, as published on aws.amazon.com/*/pricing in 2026)
const PRICE = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  logsIngestedGb: 0.5,
  snsPublish: 0.5 / 1e6,
  customMetricMonth: 0.3,
};

const sample = (path: string) => JSON.parse(readFileSync(join(ROOT, 'events', 'samples', path), 'utf8')) as { id: string; time: string; detail: Record<string, unknown> };

/**
 * `count` events for a function, each with its own id (and execution, build or deployment), as a
 * stream of them would be, numbered from `first`: every run gets its own numbers, so no run finds
 * what another wrote (an idempotency record, a recorded end) and does less.
 */
function eventsFor(fn: Fn, count: number, first: number): object[] {
  return Array.from({ length: count }, (_, n) => {
    const i = first + n;
    const id = `bench-${fn}-${i}`;
    const time = new Date(Date.UTC(2026, 10, 25, 10) + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    switch (fn) {
      case 'on-push': {
        const event = sample('codecommit/reference-updated-branch.json');
        return { ...event, id, time, detail: { ...event.detail, referenceName: 'main', referenceFullName: 'refs/heads/main', commitId: BENCH_COMMIT } };
      }
      case 'on-build': {
        const event = sample('codebuild/build-succeeded.json');
        return { ...event, id, time, detail: { ...event.detail, 'build-id': `arn:aws:codebuild:us-west-2:123456789012:build/my-sample-project:${i}` } };
      }
      case 'on-deploy': {
        const event = sample('codedeploy/deployment-success.json');
        return { ...event, id, time, detail: { ...event.detail, deploymentId: `d-${String(i).padStart(9, '0')}` } };
      }
      case 'on-pipeline': {
        const event = sample(i % 4 === 3 ? 'codepipeline/pipeline-failed.json' : 'codepipeline/pipeline-succeeded.json');
        return { ...event, id, time, detail: { ...event.detail, 'execution-id': `bench-execution-${i}` } };
      }
      case 'notify-slack': {
        // each execution's start posts its Slack message, its end updates it
        const event = sample(i % 2 === 0 ? 'codepipeline/pipeline-started.json' : 'codepipeline/pipeline-succeeded.json');
        const stateChange = CodePipelineEvent.parse({ ...event, id, time, detail: { ...event.detail, 'execution-id': `bench-execution-${Math.floor(i / 2)}` } });
        const notification = pipelineNotification(stateChange, { team: 'platform', repository: 'MyDemoRepo' });
        return snsDelivery({ message: JSON.stringify(notification), attributes: { team: notification.team, severity: notification.severity, kind: notification.kind } }, i);
      }
    }
  });
}

/** A published message as SNS hands it to notify-slack. */
function snsDelivery({ message, attributes }: AwsStub['published'][number], i: number): object {
  const snsAttributes = Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { Type: 'String', Value: value }]));
  return snsEvent(TOPIC_ARN, `${TOPIC_ARN}:notify-slack`, `bench-message-${i}`, message, null, snsAttributes);
}

/** One release as AWS tells it: a push, its build, its deployment and its pipeline's states. */
function releaseEvents(): Record<EventBridgeFn, object[]> {
  const executionId = 'bench-release-1';
  const pipeline = (file: string, i: number) => {
    const event = sample(`codepipeline/${file}.json`);
    return { ...event, id: `release-${file}`, time: `2026-11-25T12:0${i}:00Z`, detail: { ...event.detail, 'execution-id': executionId } };
  };
  const [push] = eventsFor('on-push', 1, 4_000_000);
  return {
    'on-push': [push!],
    'on-build': [sample('codebuild/build-in-progress.json'), sample('codebuild/build-succeeded.json')],
    'on-deploy': [sample('codedeploy/deployment-start.json'), sample('codedeploy/deployment-success.json')],
    'on-pipeline': ['pipeline-started', 'stage-started', 'action-started', 'action-succeeded', 'pipeline-succeeded'].map(pipeline),
  };
}

async function bundle(entry: string, outfile: string): Promise<{ bytes: number; metafile: Metafile }> {
  const { metafile } = await build({
    ...DEPLOYED_BUILD,
    entryPoints: [entry],
    outfile,
    format: FORMAT,
    // an ES module bundle still holds CommonJS dependencies that call require()
    banner: FORMAT === 'esm' ? { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" } : undefined,
    mainFields: process.env.BENCH_MAIN_FIELDS?.split(',') ?? DEPLOYED_BUILD.mainFields,
    // BENCH_EXTERNAL_SDK=1: leave the SDK to the Lambda runtime's copy, to compare
    external: process.env.BENCH_EXTERNAL_SDK ? ['@aws-sdk/*', '@smithy/*'] : [],
    metafile: true,
    logLevel: 'error',
    plugins: esbuildPlugins,
  });
  return { bytes: statSync(outfile).size, metafile };
}

/** The three largest contributors to a bundle, by package. */
function dominant(metafile: Metafile, outfile: string): string {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(outfile.split('/').pop()!))![1];
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'our code';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, bytes]) => `${name} ${kb(bytes)}`)
    .join(', ');
}

const cpuPerEvent = (run: Pick<Run, 'warmCpuMs' | 'latencies'>) => run.warmCpuMs / run.latencies.length;
/** Warm rounds as one run: their events, time and CPU; the heap after the last. */
const together = (runs: Run[]) => ({
  latencies: runs.flatMap((run) => run.latencies),
  warmMs: runs.reduce((sum, run) => sum + run.warmMs, 0),
  warmCpuMs: runs.reduce((sum, run) => sum + run.warmCpuMs, 0),
  liveHeapMb: runs.at(-1)!.liveHeapMb,
});

const isDynamoWrite = (target: string) => /^DynamoDB_\d+\.(Put|Update|Delete)Item$/.test(target);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

interface Run {
  coldMs: number;
  /** CPU time of the whole process up to the first answer: Node's start, loading, the first event */
  coldCpuMs: number;
  latencies: number[];
  warmMs: number;
  warmCpuMs: number;
  maxRssMb: number;
  liveHeapMb: number;
  stdout: string;
}

async function invoke(bundlePath: string, events: object[], env: NodeJS.ProcessEnv, keepOutput = false): Promise<Run> {
  const eventsFile = join(OUT, `events-${process.hrtime.bigint()}.json`);
  const resultFile = `${eventsFile}.result`;
  writeFileSync(eventsFile, JSON.stringify(events));
  const child = spawn(process.execPath, [join(__dirname, 'invoke.cjs'), bundlePath, eventsFile, resultFile], { env, stdio: ['ignore', keepOutput ? 'pipe' : 'ignore', 'inherit'] });
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${bundlePath} exited with ${code}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as Omit<Run, 'stdout'>;
  rmSync(eventsFile);
  rmSync(resultFile);
  return { ...result, stdout };
}

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const aws: AwsStub = await startAwsStub();
  const env = {
    PATH: process.env.PATH,
    AWS_ENDPOINT_URL: aws.url,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MEMORY_MB),
    LEDGER_TABLE: 'bench-ledger',
    // the account AWS's sample events come from
    CENTRAL_ACCOUNT_ID: '123456789012',
    MEMBER_ROLE_NAME: 'release-conductor-bench-member',
    LEDGER_RETENTION_DAYS: '400',
    DEAD_LETTER_QUEUE_URL: `${aws.url}/123456789012/bench-dead-letters`,
    NOTIFICATIONS_TOPIC_ARN: TOPIC_ARN,
    SLACK_BOT_TOKEN_PARAMETER: '/release-conductor/bench/slack-bot-token',
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: new URL(aws.url).port,
    SLACK_API_URL: `${aws.url}/api/`,
    POWERTOOLS_SERVICE_NAME: 'release-conductor',
    POWERTOOLS_METRICS_NAMESPACE: 'ReleaseConductor',
  };

  try {
    const rows = [];
    for (const fn of FUNCTIONS) {
      aws.clearTable();
      process.stdout.write(`${fn}: bundling, ${COLD_RUNS} cold starts each, ${WARM_EVENTS} warm events...\n`);
      const ours = await bundle(join(ROOT, 'functions', fn, 'handler.ts'), join(OUT, `${fn}.${EXTENSION}`));
      const base = await bundle(join(__dirname, 'baseline', `${fn}.ts`), join(OUT, `baseline-${fn}.${EXTENSION}`));
      const cold = { ours: [] as Run[], baseline: [] as Run[] };
      // even numbers: a start (of a pipeline, of a Slack message), never a failed pipeline
      for (let i = 0; i < COLD_RUNS; i++) {
        cold.ours.push(await invoke(join(OUT, `${fn}.${EXTENSION}`), eventsFor(fn, 1, 1_000_000 + 2 * i), env));
        cold.baseline.push(await invoke(join(OUT, `baseline-${fn}.${EXTENSION}`), eventsFor(fn, 1, 2_000_000 + 2 * i), env));
      }
      const rounds = { ours: [] as Run[], baseline: [] as Run[] };
      const perRound = Math.ceil(WARM_EVENTS / WARM_ROUNDS);
      for (let round = 0; round < WARM_ROUNDS; round++) {
        const runOurs = async () => rounds.ours.push(await invoke(join(OUT, `${fn}.${EXTENSION}`), eventsFor(fn, perRound + 1, round * 100_000), env));
        const runBaseline = async () => rounds.baseline.push(await invoke(join(OUT, `baseline-${fn}.${EXTENSION}`), eventsFor(fn, perRound + 1, 3_000_000 + round * 100_000), env));
        for (const turn of round % 2 === 0 ? [runOurs, runBaseline] : [runBaseline, runOurs]) await turn();
      }
      const [warm, warmBase] = [together(rounds.ours), together(rounds.baseline)];
      const roundRatios = rounds.ours.map((run, i) => cpuPerEvent(run) / cpuPerEvent(rounds.baseline[i]!));
      rows.push({
        fn,
        bytes: ours.bytes,
        baselineBytes: base.bytes,
        dominant: dominant(ours.metafile, `${fn}.${EXTENSION}`),
        cold: median(cold.ours.map((run) => run.coldMs)),
        coldBaseline: median(cold.baseline.map((run) => run.coldMs)),
        coldCpu: median(cold.ours.map((run) => run.coldCpuMs)),
        coldRssMb: median(cold.ours.map((run) => run.maxRssMb)),
        coldHeapMb: median(cold.ours.map((run) => run.liveHeapMb)),
        warmCpuPerEvent: cpuPerEvent(warm),
        warmCpuPerEventBaseline: cpuPerEvent(warmBase),
        cpuRatioRange: [Math.min(...roundRatios), Math.max(...roundRatios)] as const,
        liveHeapMb: warm.liveHeapMb,
        p50: percentile(warm.latencies, 50),
        p99: percentile(warm.latencies, 99),
        p99Baseline: percentile(warmBase.latencies, 99),
        throughput: (warm.latencies.length / warm.warmMs) * 1000,
        throughputBaseline: (warmBase.latencies.length / warmBase.warmMs) * 1000,
      });
    }

    // one release: AWS calls at the loopback, metrics and log bytes from the output
    aws.calls.clear();
    let output = '';
    const invocations = {} as Record<Fn, number>;
    const byFunction = {} as Record<Fn, [string, number][]>;
    aws.published.length = 0;
    const release = { ...releaseEvents(), 'notify-slack': [] as object[] };
    for (const fn of FUNCTIONS) {
      // what the event functions published reaches notify-slack, as the topic's subscription delivers it
      const events = fn === 'notify-slack' ? aws.published.map(snsDelivery) : release[fn];
      const before = new Map(aws.calls);
      const run = await invoke(join(OUT, `${fn}.${EXTENSION}`), events, env, true);
      output += run.stdout;
      invocations[fn] = events.length;
      byFunction[fn] = [...aws.calls].flatMap(([target, count]) => (count > (before.get(target) ?? 0) ? [[target, count - (before.get(target) ?? 0)] as [string, number]] : []));
    }
    const calls = [...aws.calls.entries()].sort();
    const totalCalls = calls.reduce((sum, [target, count]) => sum + (target.startsWith('Slack ') ? 0 : count), 0);
    const slackCalls = calls.reduce((sum, [target, count]) => sum + (target.startsWith('Slack ') ? count : 0), 0);
    const writes = calls.filter(([target]) => isDynamoWrite(target)).reduce((sum, [, count]) => sum + count, 0);
    const count = (suffix: string) => aws.calls.get(`DynamoDB_20120810.${suffix}`) ?? 0;
    // queries are eventually consistent (half a unit); the Slack cards' GetItems are strongly consistent (one)
    const readUnits = count('Query') * 0.5 + count('GetItem');
    const publishes = aws.calls.get('SNS.Publish') ?? 0;
    const metrics = new Set<string>();
    for (const line of output.split('\n').filter((text) => text.startsWith('{"_aws"'))) {
      const record = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] } };
      for (const { Dimensions, Metrics } of record._aws.CloudWatchMetrics) {
        for (const dimensions of Dimensions) for (const { Name } of Metrics) metrics.add(`${Name}{${dimensions.map((name) => `${name}=${String(record[name])}`).join(',')}}`);
      }
    }
    const pipelineMetrics = [...metrics].filter((metric) => metric.includes('pipeline=')).length;
    const logBytes = Buffer.byteLength(output);
    const memory = memoryEstimates(rows, invocations, totalCalls, slackCalls);
    const configured = memory.estimates.find((estimate) => estimate.memoryMb === MEMORY_MB);
    if (!configured) throw new Error(`serverless.yml memorySize ${MEMORY_MB} MB is not one of the sizes the bench models (${MEMORY_SIZES.join(', ')})`);
    const perThousand = {
      lambda: configured.dollarsPerThousand,
      dynamodb: 1000 * (writes * PRICE.dynamoWriteUnit + readUnits * PRICE.dynamoReadUnit),
      logs: 1000 * (logBytes / 1024 ** 3) * PRICE.logsIngestedGb,
      sns: 1000 * publishes * PRICE.snsPublish,
    };

    // BENCH_END_TO_END=0: without the local stack's figures
    const fromPutEvents = process.env.BENCH_END_TO_END === '0' ? undefined : await endToEnd((line) => process.stdout.write(line));
    writeFileSync(join(__dirname, 'results.md'), results({ rows, calls, byFunction, totalCalls, publishes, invocations: Object.values(invocations).reduce((sum, count) => sum + count, 0), memory, metrics: [...metrics], pipelineMetrics, logBytes, perThousand, fromPutEvents, seconds: (Date.now() - started) / 1000 }));
    writeFileSync(join(__dirname, 'cold-start.svg'), await chart(rows));
    process.stdout.write(`\n${readFileSync(join(__dirname, 'results.md'), 'utf8')}\nWrote tests/bench/results.md and tests/bench/cold-start.svg in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  } finally {
    await aws.close();
  }
}

type Row = {
  fn: string;
  bytes: number;
  baselineBytes: number;
  dominant: string;
  cold: number;
  coldBaseline: number;
  coldCpu: number;
  coldRssMb: number;
  coldHeapMb: number;
  warmCpuPerEvent: number;
  warmCpuPerEventBaseline: number;
  /** the lowest and highest of the rounds' ratios */
  cpuRatioRange: readonly [number, number];
  liveHeapMb: number;
  p50: number;
  p99: number;
  p99Baseline: number;
  throughput: number;
  throughputBaseline: number;
};

interface MemoryEstimate {
  memoryMb: number;
  coldPathMs: number;
  perReleaseMs: number;
  dollarsPerThousand: number;
  fits: boolean;
}

/**
 * The memory rule, which does not depend on how fast this machine is: Lambda gives CPU in proportion
 * to memory up to one vCPU at 1769 MB, so below that CPU-bound work (a cold start is) costs the same
 * GB-seconds at any size and only the time spent waiting on AWS and Slack costs more at a larger
 * size; above it, a single-threaded Node process pays for CPU it cannot use. So: the largest of
 * Lambda's power-of-two sizes at or below one vCPU that also holds twice the largest peak RSS of a
 * cold start (RSS does not depend on the CPU's speed either). The CPU figures only estimate what
 * each size gives, as an illustration.
 */
function memoryEstimates(rows: Row[], invocations: Record<Fn, number>, awsCalls: number, slackCalls: number): { estimates: MemoryEstimate[]; chosen?: number; peakRssMb: number } {
  const slowdown = (memoryMb: number) => FULL_VCPU_MB / Math.min(memoryMb, FULL_VCPU_MB);
  const row = (fn: Fn) => rows.find((candidate) => candidate.fn === fn)!;
  const cpuPerRelease = FUNCTIONS.reduce((sum, fn) => sum + row(fn).warmCpuPerEvent * invocations[fn], 0);
  const requests = FUNCTIONS.reduce((sum, fn) => sum + invocations[fn], 0);
  const coldPathCpu = Math.max(...rows.filter(({ fn }) => fn !== 'notify-slack').map((candidate) => candidate.coldCpu)) + row('notify-slack').coldCpu;
  const peakRssMb = Math.max(...rows.map((candidate) => candidate.coldRssMb));
  const estimates = MEMORY_SIZES.map((memoryMb) => {
    const perReleaseMs = cpuPerRelease * slowdown(memoryMb) + awsCalls * AWS_CALL_MS + slackCalls * SLACK_CALL_MS;
    const coldPathMs = coldPathCpu * slowdown(memoryMb);
    const dollarsPerThousand = 1000 * ((perReleaseMs / 1000) * (memoryMb / 1024) * PRICE.lambdaGbSecondArm + requests * PRICE.lambdaRequest);
    const powerOfTwo = Number.isInteger(Math.log2(memoryMb));
    return { memoryMb, coldPathMs, perReleaseMs, dollarsPerThousand, fits: powerOfTwo && memoryMb <= FULL_VCPU_MB && memoryMb >= 2 * peakRssMb };
  });
  return { estimates, chosen: estimates.findLast((estimate) => estimate.fits)?.memoryMb, peakRssMb };
}

function results(r: {
  rows: Row[];
  calls: [string, number][];
  byFunction: Record<Fn, [string, number][]>;
  totalCalls: number;
  publishes: number;
  invocations: number;
  memory: ReturnType<typeof memoryEstimates>;
  metrics: string[];
  pipelineMetrics: number;
  logBytes: number;
  perThousand: Record<string, number>;
  fromPutEvents?: EndToEnd;
  seconds: number;
}): string {
  const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
  const met = (ok: boolean) => (ok ? 'yes' : '**no**');
  const total = Object.values(r.perThousand).reduce((sum, dollars) => sum + dollars, 0);
  const configuredMs = r.memory.estimates.find((estimate) => estimate.memoryMb === MEMORY_MB)!.perReleaseMs;
  const writes = r.calls.reduce((sum, [target, count]) => sum + (isDynamoWrite(target) ? count : 0), 0);
  const ratio = (ours: number, baseline: number, target: number) => `${(ours / baseline).toFixed(2)}×${ours > target * baseline ? ' **(over)**' : ''}`;
  return [
    '# Benchmark results',
    '',
    `\`npm run bench\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB; AWS on loopback (tests/bench/aws-stub.ts); ${COLD_RUNS} cold starts and ${WARM_EVENTS} warm events per function; ${FORMAT === 'esm' ? 'ES module' : 'CommonJS'} bundles; ${r.seconds.toFixed(0)} s.`,
    `Cold start: from a fresh Node process's start until it has loaded the bundle and handled one event (median of ${COLD_RUNS}). The baseline (tests/bench/baseline/) does the same calls by hand: no middy, zod, aws4 or p-retry, its logs and EMF lines written in place. CPU per event: of the ${WARM_EVENTS} warm events, counting every thread of the process, in ${WARM_ROUNDS} rounds of ${Math.ceil(WARM_EVENTS / WARM_ROUNDS)} in which ours and the baseline take turns; the ratio is the whole run's, and in brackets the lowest and highest of a round's (the noise).`,
    '',
    `| function | bundle | baseline bundle | largest parts | cold start | baseline | ratio (≤ ${TARGET.coldRatio}) | CPU per event | baseline | ratio (≤ ${TARGET.cpuRatio}) | warm p50 | warm p99 | baseline p99 | events/s | baseline events/s |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.rows.map(
      (row) =>
        `| ${row.fn} | ${kb(row.bytes)} | ${kb(row.baselineBytes)} | ${row.dominant} | ${ms(row.cold)} | ${ms(row.coldBaseline)} | ${ratio(row.cold, row.coldBaseline, TARGET.coldRatio)} | ${ms(row.warmCpuPerEvent)} | ${ms(row.warmCpuPerEventBaseline)} | ${ratio(row.warmCpuPerEvent, row.warmCpuPerEventBaseline, TARGET.cpuRatio)} (${row.cpuRatioRange.map((value) => value.toFixed(2)).join('–')}) | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.p99Baseline)} | ${row.throughput.toFixed(0)} | ${row.throughputBaseline.toFixed(0)} |`,
    ),
    '',
    '| target | measured | met |',
    '|---|---|---|',
    `| every cold start ≤ ${TARGET.coldRatio} × the baseline's | ${Math.min(...r.rows.map((row) => row.cold / row.coldBaseline)).toFixed(2)}–${Math.max(...r.rows.map((row) => row.cold / row.coldBaseline)).toFixed(2)}× | ${met(r.rows.every((row) => row.cold <= TARGET.coldRatio * row.coldBaseline))} |`,
    `| every function's CPU per event ≤ ${TARGET.cpuRatio} × the baseline's | ${Math.min(...r.rows.map((row) => row.warmCpuPerEvent / row.warmCpuPerEventBaseline)).toFixed(2)}–${Math.max(...r.rows.map((row) => row.warmCpuPerEvent / row.warmCpuPerEventBaseline)).toFixed(2)}× | ${met(r.rows.every((row) => row.warmCpuPerEvent <= TARGET.cpuRatio * row.warmCpuPerEventBaseline))} |`,
    `| AWS calls per release ≤ ${TARGET.awsCallsPerRelease} | ${r.totalCalls} | ${met(r.totalCalls <= TARGET.awsCallsPerRelease)} |`,
    `| DynamoDB writes per release ≤ ${TARGET.dynamoWritesPerRelease} | ${writes} | ${met(writes <= TARGET.dynamoWritesPerRelease)} |`,
    `| serverless.yml's memorySize follows the memory rule (below) | ${MEMORY_MB} MB, the rule gives ${r.memory.chosen ?? 'none'} | ${met(r.memory.chosen === MEMORY_MB)} |`,
    '',
    `## One release (a push, 2 build, 2 deployment and 5 pipeline events, and notify-slack for each notification): ${r.invocations} invocations, ${r.totalCalls} AWS calls`,
    '',
    "The samples come from different pages of AWS's documentation, so not all of them name one execution: their notifications make more than one Slack message.",
    '',
    '| call | count |',
    '|---|---|',
    ...r.calls.map(([target, count]) => `| ${target} | ${count} |`),
    '',
    '| function | AWS calls | DynamoDB writes | calls |',
    '|---|---|---|---|',
    ...FUNCTIONS.map((fn) => {
      const own = r.byFunction[fn];
      const sum = (match: (target: string) => boolean) => own.reduce((total, [target, count]) => total + (match(target) ? count : 0), 0);
      return `| ${fn} | ${sum((target) => !target.startsWith('Slack '))} | ${sum(isDynamoWrite)} | ${own.map(([target, count]) => `${target.replace(/^.*[._]/, '')} ${count}`).join(', ')} |`;
    }),
    '',
    `Custom metrics (distinct name and dimension values) in one release: ${r.metrics.length}, of which ${r.pipelineMetrics} carry the pipeline (so grow with the number of pipelines); log and EMF output: ${kb(r.logBytes)}.`,
    '',
    '## Cost per 1000 releases',
    '',
    `| part | how | $ |`,
    '|---|---|---|',
    `| Lambda | ${r.invocations} warm invocations, at most ${configuredMs.toFixed(0)} billed ms a release at ${MEMORY_MB} MB arm64 (the memory model below; $${PRICE.lambdaGbSecondArm}/GB-s, $0.20/M requests) | ${r.perThousand.lambda!.toFixed(4)} |`,
    `| DynamoDB | on demand: writes $0.625/M WRU, reads $0.125/M RRU (items under 1 KB; queries eventually consistent, card reads strongly) | ${r.perThousand.dynamodb!.toFixed(4)} |`,
    `| CloudWatch Logs | ${kb(r.logBytes)} a release at $0.50/GB ingested | ${r.perThousand.logs!.toFixed(4)} |`,
    `| SNS | ${r.publishes} publishes a release at $0.50/M (delivery to Lambda is free) | ${r.perThousand.sns!.toFixed(4)} |`,
    `| total | | ${total.toFixed(4)} |`,
    '',
    `Custom metrics are billed per metric and month ($0.30 each for the first 10 000), not per release: about ${r.pipelineMetrics} for each pipeline and ${r.metrics.length - r.pipelineMetrics} shared, so about $${(r.pipelineMetrics * PRICE.customMetricMonth).toFixed(2)} a month for each pipeline.`,
    '',
    '## Memory size',
    '',
    `The rule, which does not depend on this machine's speed: Lambda gives CPU in proportion to memory, one vCPU at ${FULL_VCPU_MB} MB. Below that, CPU-bound work (a cold start is) costs the same GB-seconds at any size, and only the time spent waiting on AWS and Slack costs more at a larger size; above it, a single-threaded Node process pays for CPU it cannot use. So memorySize is the largest of Lambda's power-of-two sizes at or below one vCPU that holds twice the largest peak RSS of a cold start (${r.memory.peakRssMb.toFixed(0)} MB here).`,
    `As an illustration only (this machine's CPU is not Lambda's): from the CPU each function used here (cold: Node's start, loading and the first event; warm: per event, weighted by one release's events) and the release's calls one after another at ${AWS_CALL_MS} ms an AWS call and ${SLACK_CALL_MS} ms a Slack call (an upper bound: some run together), each size would give:`,
    '',
    `| memory | a notification's cold path (slowest event function, then notify-slack) | billed ms a release | Lambda $ per 1000 releases | follows the rule |`,
    '|---|---|---|---|---|',
    ...r.memory.estimates.map(
      (estimate) =>
        `| ${estimate.memoryMb} MB${estimate.memoryMb === MEMORY_MB ? ' (configured)' : ''} | ${ms(estimate.coldPathMs)} | ${estimate.perReleaseMs.toFixed(0)} | ${estimate.dollarsPerThousand.toFixed(4)} | ${estimate.fits ? 'yes' : 'no'} |`,
    ),
    '',
    `Peak RSS of a cold start (one event): ${r.rows.map((row) => `${row.fn} ${row.coldRssMb.toFixed(0)} MB`).join(', ')}. Live heap after a full GC, after one event and after a warm round of ${Math.ceil(WARM_EVENTS / WARM_ROUNDS)}: ${r.rows.map((row) => `${row.fn} ${row.coldHeapMb.toFixed(0)} → ${row.liveHeapMb.toFixed(0)} MB`).join(', ')}.`,
    r.memory.chosen === undefined
      ? `By the rule: no size; serverless.yml configures ${MEMORY_MB} MB.`
      : `By the rule: **${r.memory.chosen} MB**${r.memory.chosen === MEMORY_MB ? ', as serverless.yml configures' : `; serverless.yml configures ${MEMORY_MB} MB`}.`,
    '',
    ...(r.fromPutEvents ? fromPutEventsSection(r.fromPutEvents) : []),
  ].join('\n');
}

function fromPutEventsSection({ cold, warm, coldRuns, releases }: EndToEnd): string[] {
  const row = (name: string, summary: typeof cold) => `| ${name} | ${summary.count} | ${summary.p50.toFixed(0)} ms | ${summary.p99.toFixed(0)} ms | ${summary.max.toFixed(0)} ms |`;
  return [
    '## From PutEvents to Slack',
    '',
    "A release's six events for one execution (the pipeline started, a stage, a build, an action naming the deployment, the deployment, the pipeline succeeded), each its own `PutEvents` call to the local stack's EventBridge, all at once: for each event, the time from its call to the first Slack call (`chat.postMessage` or `chat.update`) whose message shows it, as the local Slack stand-in received it (tests/bench/end-to-end.ts says how a message shows an event; the pipeline's start shows as its duration, with its end).",
    `On this machine, on the local stack (serverless-offline, its EventBridge and SNS, dynalite, the Slack stand-in on loopback): every event and every notification is its own invocation, delivered concurrently. Cold: each of ${coldRuns} freshly started stacks' first release, with every function instance cold, so it includes serverless-offline starting its workers and loading the functions (more than Lambda's own cold start). Warm: ${releases} releases one after another on one stack, after a release to warm it.`,
    '',
    '| | events | p50 | p99 | max |',
    '|---|---|---|---|---|',
    row('cold', cold),
    row('warm', warm),
    '',
    'p99 is the nearest rank: of fewer than 100 events, the largest.',
    '',
  ];
}

async function chart(rows: Row[]): Promise<string> {
  const [{ compile }, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const values = rows.flatMap((row) => [
    { fn: row.fn, variant: 'Release Conductor', ms: row.cold },
    { fn: row.fn, variant: 'hand-written baseline', ms: row.coldBaseline },
  ]);
  const { spec } = compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Cold start per function (median ms, load bundle + first event)',
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'fn', type: 'nominal', title: null },
      xOffset: { field: 'variant' },
      y: { field: 'ms', type: 'quantitative', title: 'ms' },
      color: { field: 'variant', type: 'nominal', title: null },
    },
    width: 480,
    height: 240,
  });
  return new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
