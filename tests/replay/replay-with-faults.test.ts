import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createLedgerTable, spawnLocalDynamoDB, type LocalDynamoDB } from '../../infra/local/dynamodb';
import { LOCAL_CREDENTIALS } from '../../infra/local/endpoints';
import type { SlackCall } from '../../infra/local/slack';
import { startLocalSsm, type LocalSsm } from '../../infra/local/parameter-store';
import { applyNotification, renderCard, type CardState } from '../../functions/notify-slack/card';
import { pipelineNotification } from '../../functions/on-pipeline/pipeline-notification';
import { CodePipelineEvent } from '../../shared/events';
import { clientRequestToken } from '../../shared/pipeline-starts';
import { parsePolicy } from '../../shared/release-policy';
import type { ReleaseNotification } from '../../shared/release-notification';
import { bundle } from '../support/bundles';
import { startFaultyAws, type FaultyAws, type FaultyAwsState } from '../support/faulty-aws';
import { spawnFaultyDynamoDB, type FaultyDynamoDB } from '../support/faulty-dynamodb';
import { spawnLocalSlack, type SlackProcess } from '../support/local-slack-process';
import { lambdaContext } from '../support/lambda-context';
import { KilledError, lambdaWorkers, type LambdaWorkers } from '../support/lambda-workers';
import { sample } from '../support/samples';
import { assertNoSecret } from '../support/secrets';

const policy = parsePolicy(readFileSync(join(__dirname, '../../release-policy.yml'), 'utf8'));

// docs/operations.md "Faults": deliveries as AWS makes them, against dependencies that fail.
// Events: pushes and builds, a fifth of them redelivered (some while the original still runs),
// through on-push and on-build, against AWS failing 30 % of CodeCommit, CodePipeline and SNS calls.
// Slack: every pipeline execution's notifications through notify-slack's deployed bundle, as SNS
// delivers them: the push, then a pipeline start's 3 events at once, for every tenth execution a
// stage of 8 at once, then the end, a tenth of them twice at the same moment; with Slack slow,
// taking posts and not answering, failing, and rate limiting for 1 to 60 s, DynamoDB throttling
// and failing on every operation, and invocations killed mid-delivery, as a timeout kills them.
// Lambda's asynchronous semantics around every function: three attempts, then the on-failure
// destination. REPLAY_EXECUTIONS sets the size (500 in `npm test`; `npm run fault-replay` runs
// 2000 and more); the events scale with it.
const EXECUTIONS = Number(process.env.REPLAY_EXECUTIONS ?? 500);
// a push in eight is dead-lettered against these faults: enough pushes that EXECUTIONS start
const UNIQUE_EVENTS = Math.ceil(EXECUTIONS * 1.25) * 2;
const REDELIVERIES = Math.round(UNIQUE_EVENTS / 4);
const CONCURRENCY = 64;
/** Executions whose notifications are in flight at once, and the Lambda instances of notify-slack (it mostly waits). */
const EXECUTIONS_AT_ONCE = 128;
const NOTIFY_SLACK_INSTANCES = 32;
const KILL_RATE = 0.03;
/** A function's time per invocation here; notify-slack's lease on a card, and an idempotency record in progress, end with it. */
const INVOCATION_MS = 4_000;
/** Lambda waits about a minute, then two, between attempts, past the invocation's end; scaled down as the invocation is. */
const RETRY_DELAYS_MS = [INVOCATION_MS + 500, INVOCATION_MS + 2_000];
const SLACK_FAULTS = {
  seed: 5,
  rate: 0.05,
  faults: [{ delayMs: 400 }, { accept: true }, { status: 500 }, { reset: true }, { status: 429, retryAfter: 1 }, { status: 429, retryAfter: 7 }, { status: 429, retryAfter: 60 }],
};

type Handler = (event: unknown, context: Context) => Promise<unknown>;
interface Failure {
  functionName: string;
  reason: string;
  event: { id?: string; Records?: { Sns: { Message: string } }[] };
}

let random = 42;
const next = () => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const commitOf = (i: number) => createHash('sha1').update(`commit-${i}`).digest('hex');
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;

function uniqueEvents(): { id: string; kind: 'push' | 'build'; event: object }[] {
  const push = sample<{ id: string; detail: Record<string, unknown> }>('codecommit/reference-updated-branch.json');
  const build = sample<{ id: string; detail: Record<string, unknown> }>('codebuild/build-succeeded.json');
  return Array.from({ length: UNIQUE_EVENTS }, (_, i) =>
    i % 2 === 0
      ? { id: `push-${i}`, kind: 'push' as const, event: { ...push, id: `push-${i}`, detail: { ...push.detail, referenceName: 'main', commitId: commitOf(i), oldCommitId: undefined } } }
      : { id: `build-${i}`, kind: 'build' as const, event: { ...build, id: `build-${i}`, detail: { ...build.detail, 'build-id': `arn:aws:codebuild:us-west-2:123456789012:build/my-sample-project:replay-${i}` } } },
  );
}

/** What on-pipeline publishes for an execution's events (the same function), in AWS's sample shapes. */
function pipelineNotifications(executionId: string, index: number): ReleaseNotification[][] {
  const second = (n: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, 0) + index * 60_000 + n * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const notification = (file: string, n: number, id: string, detail: Record<string, unknown> = {}) => {
    const event = sample<{ detail: Record<string, unknown> }>(`codepipeline/${file}.json`);
    const parsed = CodePipelineEvent.parse({ ...event, id: `${executionId}-${id}`, time: second(n), detail: { ...event.detail, 'execution-id': executionId, ...detail } });
    return pipelineNotification(parsed, { team: 'platform', repository: 'MyDemoRepo' });
  };
  const start = [notification('pipeline-started', 0, 'pipeline'), notification('stage-started', 0, 'stage'), notification('action-started', 0, 'action', { stage: 'Source', action: 'Source' })];
  const stage = Array.from({ length: 8 }, (_, n) =>
    n === 0 ? notification('stage-started', 5, 'deploy-stage', { stage: 'Deploy' }) : notification(n === 7 ? 'action-failed' : 'action-succeeded', 9, `deploy-${n}`, { stage: 'Deploy', action: `Deploy-${n}`, 'execution-result': undefined }),
  );
  const end = [notification(index % 10 === 0 ? 'pipeline-failed' : 'pipeline-succeeded', 12, 'end')];
  return index % 10 === 0 ? [start, stage, end] : [start, end];
}

/** Runs `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let index = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (index < items.length) await work(items[index++]!);
  }));
}

describe(`a replay of ${EXECUTIONS} executions against AWS, DynamoDB and Slack that fail, with invocations killed`, () => {
  let aws: FaultyAws;
  let seen: FaultyAwsState;
  let dynamo: LocalDynamoDB;
  let faultyDynamo: FaultyDynamoDB;
  let slack: SlackProcess;
  let ssm: LocalSsm;
  let handlers: Record<'onPush' | 'onBuild', Handler>;
  let notifySlack: LambdaWorkers;
  const failures: Failure[] = [];
  const phases: string[] = [];
  /** Each notification delivered to notify-slack, by id, with its execution's card. */
  const delivered = new Map<string, { notification: ReleaseNotification; card?: string }>();
  const latencies: number[] = [];
  let kills = 0;
  let redriven = 0;
  /** Attempts that failed, by reason. */
  const failedAttempts = new Map<string, number>();
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

  /** Lambda's asynchronous invocation: three attempts, then the on-failure destination. */
  async function invokeAsync(name: string, attempt: () => Promise<unknown>, event: Failure['event']): Promise<boolean> {
    let reason = '';
    for (let n = 0; n <= RETRY_DELAYS_MS.length; n += 1) {
      try {
        await attempt();
        return true;
      } catch (error) {
        if (error instanceof KilledError) kills += 1;
        else failedAttempts.set(`${name}: ${String(error).slice(0, 60)}`, (failedAttempts.get(`${name}: ${String(error).slice(0, 60)}`) ?? 0) + 1);
        reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (n < RETRY_DELAYS_MS.length) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[n]));
      }
    }
    failures.push({ functionName: name, reason, event });
    return false;
  }

  const deliverToSlack = async (notification: ReleaseNotification) => {
    const event = { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: createHash('md5').update(notification.id).digest('hex'), Message: JSON.stringify(notification) } }] };
    let startedAt: number | undefined;
    const started = () => void (startedAt ??= Date.now());
    const ok = await invokeAsync('notifySlack', () => notifySlack.invoke(event, { remainingMs: INVOCATION_MS, killAfterMs: next() < KILL_RATE ? Math.floor(next() * 80) : undefined, started }), event);
    // a delivery succeeds only once the card shows its notification: from its first invocation to the message showing it
    if (ok) latencies.push(Date.now() - startedAt!);
  };

  beforeAll(async () => {
    // DynamoDB, its faults and AWS in processes of their own, as in AWS: the functions here keep this one busy
    [aws, dynamo] = await Promise.all([startFaultyAws(0.3), spawnLocalDynamoDB()]);
    await createLedgerTable(dynamo.endpoint, 'replay-ledger');
    faultyDynamo = await spawnFaultyDynamoDB(dynamo.endpoint);
    await faultyDynamo.failAtRandom(0.05);
    slack = await spawnLocalSlack('xoxb-replay-secret-token');
    ssm = await startLocalSsm({ '/release-conductor/replay/slack-bot-token': 'xoxb-replay-secret-token' });
    const env = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_CODECOMMIT: aws.url,
      AWS_ENDPOINT_URL_CODEPIPELINE: aws.url,
      AWS_ENDPOINT_URL_SNS: aws.url,
      AWS_ENDPOINT_URL_SQS: aws.url,
      AWS_ENDPOINT_URL_DYNAMODB: faultyDynamo.url,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(ssm.port),
      RC_AWS_REQUEST_TIMEOUT_MS: '1000',
      RC_SLACK_TIMEOUT_MS: '1000',
      LEDGER_TABLE: 'replay-ledger',
      CENTRAL_ACCOUNT_ID: '123456789012',
      MEMBER_ROLE_NAME: 'release-conductor-replay-member',
      NOTIFICATIONS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:release-conductor-replay-releases',
      DEAD_LETTER_QUEUE_URL: `${aws.url}/123456789012/release-conductor-replay-dead-letters`,
      SLACK_BOT_TOKEN_PARAMETER: '/release-conductor/replay/slack-bot-token',
      SLACK_API_URL: slack.apiUrl,
    };
    Object.assign(process.env, env);
    handlers = {
      onPush: (await import('../../functions/on-push/handler')).handler as Handler,
      onBuild: (await import('../../functions/on-build/handler')).handler as Handler,
    };
    notifySlack = lambdaWorkers((await bundle('functions/notify-slack/handler.ts', policy)).code, { functionName: 'notify-slack', size: NOTIFY_SLACK_INSTANCES, env, metrics: ['SlackDuplicatePosts'] });

    const unique = uniqueEvents();
    const deliveries = [...unique];
    for (let n = 0; n < REDELIVERIES; n += 1) {
      const original = Math.floor(next() * unique.length);
      // a redelivery comes after its original, sometimes while the original still runs
      deliveries.splice(Math.min(deliveries.length, original + 1 + Math.floor(next() * 200)), 0, unique[original]!);
    }
    // the event functions' logs and metrics would be 100 000 lines here; the assertions read the effects
    let leak: Error | undefined;
    process.stdout.write = process.stderr.write = ((chunk: string | Uint8Array) => {
      // not shown, but searched for secrets
      try {
        assertNoSecret(chunk.toString(), 'the replayed functions');
      } catch (error) {
        leak ??= error as Error;
      }
      return true;
    }) as typeof process.stdout.write;
    try {
      const started = Date.now();
      await pool(deliveries, CONCURRENCY, ({ kind, event }) =>
        invokeAsync(kind, () => handlers[kind === 'push' ? 'onPush' : 'onBuild'](event, lambdaContext(`release-conductor-replay-${kind}`, INVOCATION_MS)), event).then(() => undefined),
      );
      phases.push(`events ${Date.now() - started} ms`);

      // Slack: what the event functions published (pushes and builds), then each execution's pipeline events in bursts
      await fetch(`${slack.url}/_faults`, { method: 'POST', body: JSON.stringify(SLACK_FAULTS) });
      const published = new Map((await aws.state()).published.map(({ message }) => [JSON.parse(message).id as string, JSON.parse(message) as ReleaseNotification]));
      const executions = [...published.values()].filter((n) => n.kind === 'push').slice(0, EXECUTIONS);
      const builds = [...published.values()].filter((n) => n.kind === 'build');
      await pool([...executions.map((push, index) => ({ push, index })), ...builds.map((build) => ({ build }))], EXECUTIONS_AT_ONCE, async (item) => {
        if ('build' in item) {
          delivered.set(item.build.id, { notification: item.build });
          return deliverToSlack(item.build);
        }
        const { push, index } = item;
        const card = `EXECUTION#${push.pipeline!.name}#${push.pipeline!.executionId}`;
        for (const burst of [[push], ...pipelineNotifications(push.pipeline!.executionId!, index)]) {
          for (const notification of burst) delivered.set(notification.id, { notification, card });
          // SNS delivers at least once: a tenth of them twice, at the same moment
          await Promise.all([...burst, ...burst.filter(() => next() < 0.1)].map(deliverToSlack));
        }
      });
      phases.push(`slack ${Date.now() - started} ms`);

      // The operator redrives notify-slack's dead letters once Slack is well again (npm run redrive):
      // each notification was recorded on its card before its delivery gave up, and is shown now.
      await fetch(`${slack.url}/_faults`, { method: 'POST', body: JSON.stringify({ seed: 1, rate: 0, faults: [] }) });
      for (const { event } of failures.filter(({ functionName }) => functionName === 'notifySlack')) {
        await notifySlack.invoke(event, { remainingMs: INVOCATION_MS });
        redriven += 1;
      }
    } finally {
      process.stdout.write = writes.stdout;
      process.stderr.write = writes.stderr;
    }
    if (leak) throw leak;
    seen = await aws.state();
  }, 900_000);

  afterAll(() => Promise.all([aws.close(), dynamo.close(), faultyDynamo.close(), slack.close(), ssm.close(), notifySlack.close()]));

  const deadLettered = () => new Set([...failures.map(({ event }) => event.id ?? JSON.parse(event.Records![0]!.Sns.Message).id), ...seen.deadLetters.map(({ event }) => (event as { id?: string })?.id)]);
  const cardsOf = () => Object.groupBy([...delivered.values()].filter(({ card }) => card), ({ card }) => card!);

  it('met the faults it was meant to meet', async () => {
    expect(seen.faults.throttle + seen.faults['5xx']).toBeGreaterThan(UNIQUE_EVENTS / 4);
    expect(seen.faults['reset-after'] + seen.faults.timeout).toBeGreaterThan(UNIQUE_EVENTS / 40);
    const dynamoFaults = await faultyDynamo.state();
    expect(dynamoFaults.throttle + dynamoFaults['5xx']).toBeGreaterThan(EXECUTIONS);
    expect(kills).toBeGreaterThan(EXECUTIONS * 0.1);
  });

  it('started every pipeline once: each push started its pipeline or is in a dead-letter queue with its reason, and none started twice', () => {
    const lost = uniqueEvents().filter(({ id, kind, event }) => {
      if (kind !== 'push' || deadLettered().has(id)) return false;
      const commitId = (event as { detail: { commitId: string } }).detail.commitId;
      return !(clientRequestToken(id, 'MyFirstPipeline', commitId) in seen.starts);
    });
    expect(lost).toEqual([]);
    const starts = Object.values(seen.starts);
    expect(starts.length).toBeLessThanOrEqual(UNIQUE_EVENTS / 2);
    expect(new Set(starts.map(({ executionId }) => executionId)).size).toBe(starts.length);
    for (const failure of failures) expect(failure.reason.length).toBeGreaterThan(0);
  });

  it('published every push and build, or dead-lettered it with its reason', () => {
    const published = new Set(seen.published.map(({ message }) => (JSON.parse(message) as { id: string }).id));
    const lost = uniqueEvents().filter(({ id, kind }) => !deadLettered().has(id) && !published.has(kind === 'push' ? `${id}/MyFirstPipeline` : id));
    expect(lost).toEqual([]);
  });

  it('shows every notification of an execution on its one message, and nothing is left unshown', async () => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));
    const calls = await slack.calls();
    const lost: string[] = [];
    const wrong: string[] = [];
    for (const [card, notifications] of Object.entries(cardsOf())) {
      const { Item } = await documents.send(new GetCommand({ TableName: 'replay-ledger', Key: { pk: `CARD#${card}`, sk: 'MESSAGE' } }));
      const recorded = new Set<string>(Item?.seen ?? []);
      lost.push(...notifications!.filter(({ notification }) => !recorded.has(notification.id) && !deadLettered().has(notification.id)).map(({ notification }) => notification.id));
      if (!Item || Item.shownVersion !== Item.version || Item.inbox.length > 0) {
        wrong.push(`${card}: version ${Item?.version}, shown ${Item?.shownVersion}`);
        continue;
      }
      const shown = calls.filter((call) => call.ts === Item.ts && call.channel === Item.channel).at(-1);
      const expected = renderCard(notifications!.filter(({ notification }) => recorded.has(notification.id)).reduce<CardState | undefined>((state, { notification }) => applyNotification(state, notification), undefined)!, policy);
      if (JSON.stringify(shown?.blocks) !== JSON.stringify(expected.blocks)) wrong.push(`${card}: Slack shows another card than its notifications make`);
    }
    expect(lost).toEqual([]);
    expect(wrong).toEqual([]);
  });

  it('posts one message per execution; a second post only where notify-slack counted it, and rarely', async () => {
    const posts = new Map<string, SlackCall[]>();
    for (const call of await slack.calls()) {
      const key = call.metadata?.event_payload.key;
      if (call.method === 'chat.postMessage' && !call.thread_ts && typeof key === 'string') posts.set(key, [...(posts.get(key) ?? []), call]);
    }
    const cards = Object.keys(cardsOf());
    expect(cards.filter((card) => !posts.has(card))).toEqual([]);
    const duplicates = [...posts.values()].reduce((sum, calls) => sum + calls.length - 1, 0);
    const counted = notifySlack.seen().metrics.SlackDuplicatePosts!;
    expect(duplicates).toBeLessThanOrEqual(counted + kills);
    expect(duplicates).toBeLessThan(cards.length / 100);
    expect(notifySlack.seen().leaks).toEqual([]);

    // the figures docs/operations.md "Faults" quotes
    const dynamoState = JSON.stringify(seen.faults);
    process.stderr.write(
      `replay: ${phases.join(', ')}; ${cards.length} executions, ${latencies.length} Slack deliveries; AWS faults ${dynamoState}; ` +
        `killed ${kills}, failed attempts ${JSON.stringify(Object.fromEntries(failedAttempts))}; dead-lettered ${deadLettered().size} ` +
        `(after three attempts: ${JSON.stringify(Object.fromEntries(Object.entries(Object.groupBy(failures, ({ functionName }) => functionName)).map(([name, list]) => [name, list!.length])))}; notify-slack's redriven: ${redriven}); lost 0, doubled starts 0; ` +
        `duplicate posts ${duplicates} (counted ${counted}); event to message p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${Math.max(...latencies)} ms\n`,
    );
  });
});
