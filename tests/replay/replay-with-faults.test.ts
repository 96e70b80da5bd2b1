import { createHash } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { createLedgerTable, LOCAL_CREDENTIALS, spawnLocalDynamoDB, type LocalDynamoDB } from '../../scripts/local-dynamodb';
import { startLocalSlack, type LocalSlack } from '../../scripts/local-slack';
import { startLocalSsm, type LocalSsm } from '../../scripts/local-ssm';
import { clientRequestToken } from '../../shared/pipeline-starts';
import { startFaultyAws, type FaultyAws, type FaultyAwsState } from '../support/faulty-aws';
import { lambdaContext } from '../support/lambda-context';
import { sample } from '../support/samples';
import { assertNoSecret } from '../support/secrets';

// DESIGN.md "Reliability and security": 10 000 deliveries, a fifth of them redeliveries, against
// AWS that fails 30 % of calls (throttling, 5xx, resets, timeouts, some after the call took
// effect). The functions run as deployed, with Lambda's asynchronous semantics around them (three
// attempts, then the on-failure destination), and every SNS message reaches notify-slack. At the
// end each event has had its effect exactly once, or is in a dead-letter queue with its reason.
const DELIVERIES = 10_000;
const REDELIVERIES = 2_000;
const CONCURRENCY = 64;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
interface Failure {
  functionName: string;
  reason: string;
  event: { id?: string; Records?: unknown[] };
}

let random = 42;
const next = () => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const commitOf = (i: number) => createHash('sha1').update(`commit-${i}`).digest('hex');

function uniqueEvents(): { id: string; kind: 'push' | 'build'; event: object }[] {
  const push = sample<{ id: string; detail: Record<string, unknown> }>('codecommit/reference-updated-branch.json');
  const build = sample<{ id: string; detail: Record<string, unknown> }>('codebuild/build-succeeded.json');
  return Array.from({ length: DELIVERIES - REDELIVERIES }, (_, i) =>
    i % 2 === 0
      ? { id: `push-${i}`, kind: 'push' as const, event: { ...push, id: `push-${i}`, detail: { ...push.detail, referenceName: 'main', commitId: commitOf(i), oldCommitId: undefined } } }
      : { id: `build-${i}`, kind: 'build' as const, event: { ...build, id: `build-${i}`, detail: { ...build.detail, 'build-id': `arn:aws:codebuild:us-west-2:123456789012:build/my-sample-project:replay-${i}` } } },
  );
}

/** Runs `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let index = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (index < items.length) await work(items[index++]!);
  }));
}

describe('a replay of 10 000 deliveries, 20 % of them redelivered, against 30 % faults', () => {
  let aws: FaultyAws;
  let seen: FaultyAwsState;
  let dynamo: LocalDynamoDB;
  let slack: LocalSlack;
  let ssm: LocalSsm;
  let handlers: Record<'onPush' | 'onBuild' | 'notifySlack', Handler>;
  const failures: Failure[] = [];
  const phases: string[] = [];
  const write = process.stdout.write;

  /** Lambda's asynchronous invocation: three attempts, then the on-failure destination. */
  async function invokeAsync(name: keyof typeof handlers, event: Failure['event']) {
    let reason = '';
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      try {
        await handlers[name](event, lambdaContext(`release-conductor-replay-${name}`));
        return;
      } catch (error) {
        reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
    failures.push({ functionName: name, reason, event });
  }

  beforeAll(async () => {
    // DynamoDB in its own process, as in AWS: the functions here keep this one busy
    [aws, dynamo] = await Promise.all([startFaultyAws(0.3), spawnLocalDynamoDB()]);
    await createLedgerTable(dynamo.endpoint, 'replay-ledger');
    slack = await startLocalSlack('xoxb-replay-secret-token');
    ssm = await startLocalSsm({ '/release-conductor/replay/slack-bot-token': 'xoxb-replay-secret-token' });
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_CODECOMMIT: aws.url,
      AWS_ENDPOINT_URL_CODEPIPELINE: aws.url,
      AWS_ENDPOINT_URL_SNS: aws.url,
      AWS_ENDPOINT_URL_SQS: aws.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SSM: ssm.url,
      RC_AWS_REQUEST_TIMEOUT_MS: '1000',
      LEDGER_TABLE: 'replay-ledger',
      NOTIFICATIONS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:release-conductor-replay-releases',
      DEAD_LETTER_QUEUE_URL: `${aws.url}/123456789012/release-conductor-replay-dead-letters`,
      SLACK_BOT_TOKEN_PARAMETER: '/release-conductor/replay/slack-bot-token',
      SLACK_API_URL: slack.apiUrl,
    });
    handlers = {
      onPush: (await import('../../functions/on-push/handler')).handler as Handler,
      onBuild: (await import('../../functions/on-build/handler')).handler as Handler,
      notifySlack: (await import('../../functions/notify-slack/handler')).handler as Handler,
    };

    const unique = uniqueEvents();
    const deliveries = [...unique];
    for (let n = 0; n < REDELIVERIES; n += 1) {
      const original = Math.floor(next() * unique.length);
      // a redelivery comes after its original, sometimes while the original still runs
      deliveries.splice(Math.min(deliveries.length, original + 1 + Math.floor(next() * 200)), 0, unique[original]!);
    }
    // the functions' logs and metrics would be 100 000 lines here; the assertions read the effects
    let leak: Error | undefined;
    process.stdout.write = ((chunk: string | Uint8Array) => {
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
      await pool(deliveries, CONCURRENCY, ({ kind, event }) => invokeAsync(kind === 'push' ? 'onPush' : 'onBuild', event));
      phases.push(`events ${Date.now() - started} ms`);
      const messages = (await aws.state()).published;
      await pool(messages, CONCURRENCY, ({ message }) => invokeAsync('notifySlack', { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: createHash('md5').update(message).digest('hex'), Message: message } }] }));
      phases.push(`slack ${Date.now() - started} ms`);
    } finally {
      process.stdout.write = write;
    }
    if (leak) throw leak;
    seen = await aws.state();
    // the figures README "Reliability" quotes
    process.stderr.write(`replay: ${phases.join(', ')}; faults ${JSON.stringify(seen.faults)}; dead-lettered ${failures.length + seen.deadLetters.length}\n`);
  }, 600_000);

  afterAll(() => Promise.all([aws.close(), dynamo.close(), slack.close(), ssm.close()]));

  it('met the faults it was meant to meet', () => {
    expect(seen.faults.throttle + seen.faults['5xx']).toBeGreaterThan(1_000);
    expect(seen.faults['reset-after'] + seen.faults.timeout).toBeGreaterThan(100);
  });

  it('lost nothing: every event had its effect, or is in a dead-letter queue with its reason', () => {
    const notified = new Set(seen.published.map(({ message }) => (JSON.parse(message) as { id: string }).id));
    const deadLettered = new Set([...failures.map(({ event }) => event.id), ...seen.deadLetters.map(({ event }) => (event as { id?: string })?.id)]);
    const lost = uniqueEvents().filter(({ id, kind, event }) => {
      if (deadLettered.has(id)) return false;
      if (kind === 'build') return !notified.has(id);
      const commitId = (event as { detail: { commitId: string } }).detail.commitId;
      return !(clientRequestToken(id, 'MyFirstPipeline', commitId) in seen.starts) || !notified.has(`${id}/MyFirstPipeline`);
    });
    expect(lost).toEqual([]);
    for (const failure of failures) expect(failure.reason.length).toBeGreaterThan(0);
  });

  it('doubled nothing: one pipeline execution per push, one Slack message per event, whatever was redelivered or retried', () => {
    const pushes = uniqueEvents().filter(({ kind }) => kind === 'push').length;
    const starts = Object.values(seen.starts);
    expect(starts.length).toBeLessThanOrEqual(pushes);
    expect(new Set(starts.map(({ executionId }) => executionId)).size).toBe(starts.length);

    const posts = new Map<string, number>();
    for (const call of slack.calls().filter((candidate) => candidate.method === 'chat.postMessage' && !candidate.thread_ts)) {
      const blocks = JSON.stringify(call.blocks);
      const key = /commit\/([0-9a-f]{40})/.exec(blocks)?.[1] ?? /my-sample-project%3A(replay-\d+)/.exec(blocks)?.[1] ?? 'unknown';
      posts.set(key, (posts.get(key) ?? 0) + 1);
    }
    expect([...posts].filter(([, count]) => count > 1)).toEqual([]);
    expect(posts.has('unknown')).toBe(false);
    // every notification that was published and not dead-lettered by notify-slack is on Slack
    const notifySlackFailures = failures.filter(({ functionName }) => functionName === 'notifySlack').length;
    expect(posts.size + notifySlackFailures).toBeGreaterThanOrEqual(new Set(seen.published.map(({ message }) => (JSON.parse(message) as { id: string }).id)).size);
  });
});
