/**
 * A generated organization week (./organization-week.ts) through the local stack: the stack started
 * with the week's policy, the pushes sent through its EventBridge, then every execution's and
 * alarm's event, shuffled and many at once; then, once it is quiet, the ledger, the DORA measures
 * (`npm run report`'s arithmetic) and the functions' metrics checked against the generator's truth,
 * and the figures of the run measured. Used by `npm run scale` and tests/integration/organization-day.test.ts.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { emfDatapoints, type Datapoint } from '../../infra/local/console/emf';
import { writesOf, type WriteTally } from '../../infra/local/dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_LEDGER_TABLE } from '../../infra/local/endpoints';
import { putEvents } from '../../infra/local/event-bus-client';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { summarise } from '../../scripts/report';
import { readRecordedStarts } from '../../shared/local/recorded-pipelines';
import { localFiles } from '../../shared/local/files';
import { readJsonLines } from '../../shared/local/json-lines';
import { ledgerTable } from '../../shared/aws/ledger-table';
import type { DoraFact } from '../../shared/dora';
import { policyPipelines } from '../../shared/policy-rules';
import { parsePolicy } from '../../shared/release-policy';
import { seededRandom } from './generated-figures';
import { executionIds, generateWeek, pushEvents, trueFacts, weekEvents, writeAwsAnswers, writeRepositories, type OrganizationSize, type OrganizationWeek, type SentEvent } from './organization-week';
import { dynamoDocuments } from '../../shared/aws/dynamodb-documents';

/** How many events are delivered at once, at most: each is an invocation in a worker thread of its own (tens of MB each). */
const WAVE = Number(process.env.RC_SCALE_WAVE ?? 20);
/** Pushes fewer: on-push runs git for each (CodeCommit's reads, locally), and 20 at once outlast its timeout on 2 busy cores. */
const PUSH_WAVE = Math.ceil(WAVE / 3);
/** The stack is settled once nothing was written, logged or posted for this long, and no retry is still due. */
const QUIET_MS = 4_000;
/**
 * Lambda retries a failed invocation a minute, then two, later; here just past the functions'
 * timeout (serverless.yml), when an idempotency record left in progress by an invocation that timed
 * out has expired, as it has a minute later.
 */
const RETRY_DELAYS_MS = [11_000, 22_000];

export interface WeekRun {
  week: OrganizationWeek;
  events: { pushes: number; executions: number; alarms: number; total: number };
  seconds: { start: number; pushes: number; rest: number; delivery: number };
  eventsPerSecond: number;
  writes: WriteTally;
  releases: number;
  /** Distinct metric name, namespace and dimension values in the functions' EMF, by metric name. */
  customMetrics: Map<string, number>;
  slackCalls: number;
  /** Failed attempts Lambda retried, by function and reason. */
  retries: Map<string, number>;
  deadLetters: number;
  /** What is not as the generator made it: none when the run is right. */
  mismatches: string[];
}

/** Runs `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let index = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (index < items.length) await work(items[index++]!);
  }));
}

/** What changes while the stack works: DynamoDB's writes, the log, Slack's calls. */
async function activity(stack: LocalStack): Promise<string> {
  const { total } = await writesOf(stack.dynamoDbUrl);
  return `${total} ${statSync(stack.logFile).size} ${stack.slack.calls().length}`;
}

/**
 * When the last retry Lambda has promised begins (epoch ms; 0 for none): infra/local/async-invoke.cjs
 * logs each failed attempt with the wait before its retry. Reads only what the log gained since.
 */
function retryDue(logFile: string): () => number {
  let offset = 0;
  let due = 0;
  return () => {
    const size = statSync(logFile).size;
    if (size > offset) {
      const chunk = Buffer.alloc(size - offset);
      const fd = openSync(logFile, 'r');
      readSync(fd, chunk, 0, chunk.length, offset);
      closeSync(fd);
      offset = size;
      for (const [, ms] of chunk.toString().matchAll(/^local Lambda: .* retrying in (\d+) ms$/gm)) due = Math.max(due, Date.now() + Number(ms));
    }
    return due;
  };
}

/**
 * Resolves once the stack has done nothing for `quietMs`, and, unless `waitForRetries` is false,
 * nothing since the last retry due began; with when it last did something (epoch ms).
 */
async function settled(stack: LocalStack, due: () => number, quietMs: number, waitForRetries = true): Promise<number> {
  let last = await activity(stack);
  let changedAt = Date.now();
  // read as the log grows, so each retry's time is known when its failure is logged
  const quietSince = () => Math.max(changedAt, due() * Number(waitForRetries));
  while (Date.now() - quietSince() < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await activity(stack);
    if (now !== last) [last, changedAt] = [now, Date.now()];
  }
  return changedAt;
}

/** The failed attempts infra/local/async-invoke.cjs logged, by function and reason. */
function retriesOf(log: string): Map<string, number> {
  const retries = new Map<string, number>();
  for (const [, name, reason] of log.matchAll(/^local Lambda: release-conductor-local-(\S+) attempt \d+ failed \((.*?)\); retrying/gm)) retries.set(`${name}: ${reason}`, (retries.get(`${name}: ${reason}`) ?? 0) + 1);
  return retries;
}

/** Delivers them, and answers how long from the first PutEvents until the stack last did something, in seconds. */
async function deliver(stack: LocalStack, events: SentEvent[], wave: number): Promise<number> {
  const started = Date.now();
  const due = retryDue(stack.logFile);
  // from 4 at once, doubling each wave: functions start cold, a few at a time, as Lambda scales out
  for (let i = 0, size = Math.min(4, wave); i < events.length; i += size, size = Math.min(size * 2, wave)) {
    await pool(events.slice(i, i + size), size, async ({ entry, from }) => void (await putEvents(stack.eventBridgeUrl, [entry], from)));
    await settled(stack, due, 200, false);
  }
  return ((await settled(stack, due, QUIET_MS)) - started) / 1000;
}

/** Runs `start` with these environment variables (the stack's processes take them), then puts the environment back. */
async function withEnvironment<T>(variables: Record<string, string>, start: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return await start();
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

function shuffled<T>(items: T[], seed: number): T[] {
  const pick = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = pick(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const documentsOf = (stack: LocalStack) => DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoDbUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));

async function scanLedger(stack: LocalStack): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: documentsOf(stack) }, { TableName: LOCAL_LEDGER_TABLE })) items.push(...(page.Items ?? []));
  return items;
}

const factLine = (fact: DoraFact) => [fact.kind, fact.pipeline, fact.executionId, new Date(fact.at).toISOString(), ...('seconds' in fact ? [fact.seconds] : [])].join(' ');

/** The differences between two lists of lines, as `missing` and `unexpected` lines (at most 5 of each). */
function differences(what: string, expected: string[], actual: string[]): string[] {
  const count = (lines: string[]) => lines.reduce((counts, line) => counts.set(line, (counts.get(line) ?? 0) + 1), new Map<string, number>());
  const [want, got] = [count(expected), count(actual)];
  const missing = [...want].filter(([line, n]) => (got.get(line) ?? 0) < n).map(([line]) => line);
  const unexpected = [...got].filter(([line, n]) => (want.get(line) ?? 0) < n).map(([line]) => line);
  if (missing.length === 0 && unexpected.length === 0) return [];
  return [`${what}: ${missing.length} missing (${missing.slice(0, 5).join('; ')}), ${unexpected.length} unexpected (${unexpected.slice(0, 5).join('; ')})`];
}

/**
 * Generates the week, runs it through a local stack of its own and checks it. `log` hears of the
 * phases. The stack's folder stays for a look when something is wrong.
 */
export async function runWeek(size: OrganizationSize, log: (line: string) => void = () => undefined): Promise<WeekRun> {
  const week = generateWeek(size);
  const localDir = mkdtempSync(join(tmpdir(), 'rc-organization-'));
  writeRepositories(week, localDir);
  const policyFile = join(localDir, 'release-policy.yml');
  writeFileSync(policyFile, week.policy);
  log(`${week.repositories.length} repositories, ${week.repositories.length * 2} pipelines, ${week.teams.length} teams, ${week.pushes.length} pushes, ${week.executions.length} executions, ${week.alarms.length} alarms; starting the local stack in ${localDir}`);
  const started = Date.now();
  // the stack bundles the functions with this policy; pipeline starts are recorded, not run (the week's events say how they went)
  const stack = await withEnvironment({ RC_RELEASE_POLICY: policyFile, RC_LOCAL_PIPELINES: 'record', RC_LOCAL_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(',') }, () => startLocalStack(localDir));
  try {
    const seconds = { start: (Date.now() - started) / 1000, pushes: 0, rest: 0, delivery: 0 };
    const pushes = pushEvents(week);
    log(`stack up in ${seconds.start.toFixed(0)} s; ${pushes.length} pushes`);
    seconds.pushes = await deliver(stack, shuffled(pushes, 1), PUSH_WAVE);

    const ids = executionIds(await readRecordedStarts(localFiles(localDir).pipelineStarts));
    writeAwsAnswers(week, ids, localDir);
    const rest = weekEvents(week, ids);
    log(`pushes in ${seconds.pushes.toFixed(0)} s; ${rest.length} events of executions and alarms`);
    seconds.rest = await deliver(stack, shuffled(rest, 2), WAVE);
    seconds.delivery = seconds.pushes + seconds.rest;
    const alarms = rest.filter(({ entry }) => entry.Source === 'aws.cloudwatch').length;
    const events = { pushes: pushes.length, executions: rest.length - alarms, alarms, total: pushes.length + rest.length };
    log(`executions and alarms in ${seconds.rest.toFixed(0)} s; checking`);

    const mismatches = [...(await checkLedger(stack, week, ids)), ...checkMetrics(emfDatapoints(stack.logLines()), week, ids)];
    const customMetrics = new Map<string, number>();
    for (const key of new Set(emfDatapoints(stack.logLines()).map(({ namespace, name, dimensions }) => `${namespace} ${name} ${JSON.stringify(Object.entries(dimensions).sort())}`))) {
      const name = key.split(' ')[1]!;
      customMetrics.set(name, (customMetrics.get(name) ?? 0) + 1);
    }
    const letters = await readJsonLines<{ requestContext: { functionArn: string }; responsePayload: { errorMessage: string } }>(localFiles(localDir).deadLetters);
    const deadLetters = letters.length;
    const reasons = Object.entries(Object.groupBy(letters, ({ requestContext, responsePayload }) => `${requestContext.functionArn.split(':')[6]}: ${responsePayload.errorMessage.slice(0, 100)}`));
    for (const [reason, of] of reasons) mismatches.push(`${of!.length} invocations failed three times, ${reason} (dead letters in ${localFiles(localDir).deadLetters})`);
    return {
      week,
      events,
      seconds,
      eventsPerSecond: events.total / seconds.delivery,
      writes: await writesOf(stack.dynamoDbUrl),
      releases: week.executions.length,
      customMetrics,
      slackCalls: stack.slack.calls().length,
      retries: retriesOf(readFileSync(stack.logFile, 'utf8')),
      deadLetters,
      mismatches,
    };
  } finally {
    await stack.stop();
  }
}

/** The ledger as the generator made the week: each push, each execution's steps, each build and deployment tied to its execution, and exactly the true DORA facts; and `npm run report`'s measures for every scope. */
async function checkLedger(stack: LocalStack, week: OrganizationWeek, ids: Map<string, string>): Promise<string[]> {
  const items = await scanLedger(stack);
  const of = (prefix: string) => items.filter((item) => String(item.pk).startsWith(prefix));
  const commitId = (repository: string, index: number) => week.repositories.find(({ name }) => name === repository)!.commits[index]!.commitId!;
  const idOf = (pipeline: string, repository: string, head: number) => ids.get(`${pipeline} ${commitId(repository, head)}`)!;
  const mismatches = [
    ...differences('pushes in the ledger', week.pushes.map((push) => `COMMIT#${commitId(push.repository, push.head)} PUSH#${push.repository}#main`), of('COMMIT#').map((item) => `${item.pk} ${item.sk}`)),
    ...differences(
      'execution steps in the ledger',
      week.executions.map((run) => `EXECUTION#${run.pipeline}#${idOf(run.pipeline, run.push.repository, run.push.head)} ${run.deploy ? 4 : 3}`),
      Object.entries(Object.groupBy(of('EXECUTION#').filter((item) => String(item.sk).startsWith('STEP#')), (item) => String(item.pk))).map(([pk, steps]) => `${pk} ${steps!.length}`),
    ),
    ...differences(
      'builds and deployments in the ledger, with how they ended',
      week.executions.flatMap((run) => [`BUILD#${run.buildId} ${run.build}`, ...(run.deploy ? [`DEPLOYMENT#${run.deploymentId} ${run.deploy}`] : [])]),
      items.filter((item) => item.sk === 'BUILD' || item.sk === 'DEPLOYMENT').map((item) => `${item.pk} ${item.status ?? item.state}`),
    ),
    ...differences(
      'builds and deployments tied to their executions',
      week.executions.flatMap((run) => {
        const execution = `EXECUTION#${run.pipeline}#${idOf(run.pipeline, run.push.repository, run.push.head)}`;
        return [`BUILD#${run.buildId} ${execution}`, ...(run.deploy ? [`DEPLOYMENT#${run.deploymentId} ${execution}`] : [])];
      }),
      items.filter((item) => /^(BUILD|DEPLOYMENT)#/.test(String(item.pk)) && String(item.sk).startsWith('EXECUTION#')).map((item) => `${item.pk} ${item.sk}`),
    ),
  ];
  // as `npm run report` reads them: through the ledger's adapter, however it stores them
  const policy = parsePolicy(week.policy);
  const ledger = ledgerTable(dynamoDocuments({ endpoint: stack.dynamoDbUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), LOCAL_LEDGER_TABLE, 0);
  const facts = (await Promise.all(policyPipelines(policy, 'production').map((pipeline) => ledger.facts(pipeline)))).flat();
  const truth = trueFacts(week, ids);
  mismatches.push(...differences('DORA facts in the ledger', truth.facts, facts.map(factLine)));
  // npm run report's arithmetic over them, for all production pipelines, each team and each pipeline
  for (const { title, pipelines, summary } of summarise(facts, week.from, week.to, policy)) {
    const expected = truth.figures(pipelines);
    const actual = { deployments: summary.deployments, failedDeployments: summary.failedDeployments, reworkDeployments: summary.reworkDeployments, medianLeadTimeSeconds: summary.medianLeadTimeSeconds, medianRecoverySeconds: summary.medianRecoverySeconds };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`report, ${title}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
  return mismatches;
}

/** The DORA metrics the functions emitted per pipeline: each true fact once, with its value. */
function checkMetrics(datapoints: Datapoint[], week: OrganizationWeek, ids: Map<string, string>): string[] {
  const truth = trueFacts(week, ids).facts.map((line) => line.split(' '));
  // each record has a set of dimensions with the pipeline and one without: the first counts it per pipeline
  const perPipeline = datapoints.filter(({ dimensions }) => 'pipeline' in dimensions);
  const values = (name: string) => perPipeline.filter((point) => point.name === name).flatMap((point) => point.values.map((value) => `${point.dimensions.pipeline} ${value}`));
  const expected = (kind: string, value: (fact: string[]) => string) => truth.filter(([factKind]) => factKind === kind).map((fact) => `${fact[1]} ${value(fact)}`);
  return [
    ...differences('ProductionDeployments', expected('deployment', () => '1'), values('ProductionDeployments')),
    ...differences('FailedDeployments', expected('failed-deployment', () => '1'), values('FailedDeployments')),
    ...differences('ReworkDeployments', expected('rework', () => '1'), values('ReworkDeployments')),
    ...differences('LeadTimeForChanges', expected('lead-time', (fact) => fact[4]!), values('LeadTimeForChanges')),
    ...differences('FailedDeploymentRecoveryTime', expected('recovery', (fact) => fact[4]!), values('FailedDeploymentRecoveryTime')),
  ];
}
