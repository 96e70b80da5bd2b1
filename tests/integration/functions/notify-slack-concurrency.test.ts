import { applyNotification, renderCard, type CardState } from '../../../functions/notify-slack/card';
import { deliver } from '../../../functions/notify-slack/deliver';
import { cardTable } from '../../../shared/aws/card-table';
import type { ReleaseNotification } from '../../../shared/release-notification';
import { slackWebhook } from '../../../shared/slack/webhook';
import { startLocalSlack, type SlackCall } from '../../../infra/local/slack';
import { handlerHarness, snsEventOf } from '../../support/handler-harness';
import policy from '../../../release-policy.yml';
import { dynamoDocuments } from '../../../shared/aws/dynamodb-documents';

// As AWS delivers: several notifications of one execution at once, a Slack that takes a post and
// answers too late or rate-limits past the deadline, DynamoDB failing the write after a post.
const { run, runTogether, notificationOf, slack, dynamoFaults } = handlerHarness();

const execution = (id: string) => (event: { id: string; detail: Record<string, unknown> }) => Object.assign(event.detail, { 'execution-id': id });
const inExecution = (id: string, change: (detail: Record<string, unknown>) => void = () => undefined) => (event: { id: string; detail: Record<string, unknown> }) => {
  execution(id)(event);
  change(event.detail);
};
const injectFault = (fault: Record<string, unknown>) => fetch(`${slack().url}/_faults`, { method: 'POST', body: JSON.stringify(fault) });
const callsSince = (before: number) => slack().calls().slice(before);
const topLevelPosts = (calls: SlackCall[]) => calls.filter((call) => call.method === 'chat.postMessage' && !call.thread_ts);
/** What the message with this ts shows now: its post, or its latest update. */
const shownAt = (ts: string) => slack().calls().filter((call) => call.ts === ts && call.method !== 'webhook').at(-1)!;
const expected = (notifications: ReleaseNotification[]) => renderCard(notifications.reduce<CardState | undefined>(applyNotification, undefined)!, policy);

/** A pipeline start's burst: the pipeline, its first stage and `actions` actions of that stage, all STARTED. */
async function burst(executionId: string, actions: number): Promise<ReleaseNotification[]> {
  const started = [await notificationOf('codepipeline/pipeline-started.json', execution(executionId)), await notificationOf('codepipeline/stage-started.json', execution(executionId))];
  for (let n = 0; n < actions; n += 1) {
    const action = (event: { id: string; detail: Record<string, unknown> }) => {
      inExecution(executionId, (detail) => Object.assign(detail, { action: `Deploy-${n}` }))(event);
      event.id = `${executionId}-action-${n}`;
    };
    started.push(await notificationOf('codepipeline/action-started.json', action));
  }
  return started;
}

describe('notify-slack under concurrent delivery', () => {
  it.each([
    ['a pipeline start (3 at once)', 1],
    ['a stage with parallel actions (8 at once)', 6],
  ])('shows %s on one message, every notification on it, and fails no invocation', async (_, actions) => {
    const notifications = await burst(`exec-burst-${actions}`, actions);
    const before = slack().calls().length;
    const { result } = await runTogether('notifySlack', notifications.map(snsEventOf));
    expect(result.filter((outcome) => 'error' in outcome)).toEqual([]);
    const posts = topLevelPosts(callsSince(before));
    expect(posts).toHaveLength(1);
    expect(shownAt(posts[0]!.ts!).blocks).toEqual(expected(notifications).blocks);
  });

  it('updates a posted message from several deliveries at once without the lease, and the last update shows them all', async () => {
    const [started, ...rest] = await burst('exec-in-place', 5);
    await run('notifySlack', snsEventOf(started!));
    const before = slack().calls().length;
    const { result } = await runTogether('notifySlack', rest.map(snsEventOf));
    expect(result.filter((outcome) => 'error' in outcome)).toEqual([]);
    const calls = callsSince(before);
    expect(topLevelPosts(calls)).toEqual([]);
    expect(calls.every((call) => call.method === 'chat.update')).toBe(true);
    expect(shownAt(calls[0]!.ts!).blocks).toEqual(expected([started!, ...rest]).blocks);
  });

  it('posts once when a notification is delivered twice at the same moment', async () => {
    const [started] = await burst('exec-twice', 0);
    const before = slack().calls().length;
    const { result } = await runTogether('notifySlack', [snsEventOf(started!), snsEventOf(started!)]);
    expect(result.filter((outcome) => 'error' in outcome)).toEqual([]);
    expect(callsSince(before)).toHaveLength(1);
  });

  it('finds a post Slack took but answered too late, instead of posting it again', async () => {
    const [started, stage] = await burst('exec-late-answer', 0);
    await injectFault({ accept: true, times: 1 });
    const before = slack().calls().length;
    const { result } = await run('notifySlack', snsEventOf(started!));
    expect(result).toMatchObject({ outcome: 'posted' });
    await run('notifySlack', snsEventOf(stage!));
    const calls = callsSince(before);
    expect(topLevelPosts(calls)).toHaveLength(1);
    expect(shownAt(topLevelPosts(calls)[0]!.ts!).blocks).toEqual(expected([started!, stage!]).blocks);
  });

  it('counts, and warns of, a post that may show twice: taken but unanswered, where the bot may not read the channel', async () => {
    const [started] = await burst('exec-doubtful', 0);
    await injectFault({ accept: true, times: 1 });
    await injectFault({ error: 'missing_scope', times: 1 });
    const before = slack().calls().length;
    const { result, lines } = await run('notifySlack', snsEventOf(started!));
    expect(result).toMatchObject({ outcome: 'posted', doubtfulPosts: 1 });
    expect(topLevelPosts(callsSince(before))).toHaveLength(2);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: expect.stringContaining('may show twice') }));
    expect(lines).toContainEqual(expect.objectContaining({ SlackDuplicatePosts: 1 }));
  });

  it('does not let a delivery that failed between posting and saving the message block its execution', async () => {
    const [started, stage] = await burst('exec-crash-after-post', 0);
    // every attempt at saving where the message is fails, as DynamoDB can
    await dynamoFaults().fail({ operation: 'UpdateItem', contains: 'ts":{"S":"', kind: '5xx', times: 3 });
    await dynamoFaults().fail({ operation: 'PutItem', contains: 'ts":{"S":"', kind: '5xx', times: 3 });
    const before = slack().calls().length;
    const [first] = (await runTogether('notifySlack', [snsEventOf(started!)])).result;
    expect(first).toEqual({ error: expect.any(Error) });

    const [next] = (await runTogether('notifySlack', [snsEventOf(stage!)])).result;
    expect(next).toEqual({ answer: expect.objectContaining({ outcome: 'updated' }) });
    // Lambda's retry of the first delivery
    const [retried] = (await runTogether('notifySlack', [snsEventOf(started!)])).result;
    expect(retried).toEqual({ answer: expect.objectContaining({ outcome: 'shown' }) });

    const posts = topLevelPosts(callsSince(before));
    expect(posts).toHaveLength(1);
    expect(shownAt(posts[0]!.ts!).blocks).toEqual(expected([started!, stage!]).blocks);
  });

  it("fails at once when Slack's Retry-After runs past the invocation's deadline, and the retry posts once", async () => {
    const [started] = await burst('exec-rate-limited', 0);
    await injectFault({ status: 429, retryAfter: 35, times: 1 });
    const before = slack().calls().length;
    const startedAt = Date.now();
    const [first] = (await runTogether('notifySlack', [snsEventOf(started!)], 10_000)).result;
    expect(first).toEqual({ error: expect.any(Error) });
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(callsSince(before)).toEqual([]);

    const [retried] = (await runTogether('notifySlack', [snsEventOf(started!)])).result;
    expect(retried).toEqual({ answer: expect.objectContaining({ outcome: 'posted' }) });
    expect(topLevelPosts(callsSince(before))).toHaveLength(1);
  });

  it('shows a held build failure when the notification that links it failed on Slack and is tried again', async () => {
    const build = await notificationOf('codebuild/build-failed.json', (event) => Object.assign(event.detail, { 'additional-information': { ...(event.detail['additional-information'] as object), initiator: 'codepipeline/MyFirstPipeline' } }));
    const started = await notificationOf('codepipeline/pipeline-started.json', execution('exec-held-retry'));
    const action = await notificationOf('codepipeline/action-failed.json', inExecution('exec-held-retry', (detail) => {
      Object.assign(detail, { type: { owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: '1' }, 'execution-result': { 'external-execution-id': build.build!.id } });
    }));
    expect((await run('notifySlack', snsEventOf(build))).result).toEqual({ outcome: 'held' });
    await run('notifySlack', snsEventOf(started));
    const before = slack().calls().length;

    await injectFault({ status: 500, times: 4 });
    const [failed] = (await runTogether('notifySlack', [snsEventOf(action)])).result;
    expect(failed).toEqual({ error: expect.any(Error) });
    const [retried] = (await runTogether('notifySlack', [snsEventOf(action)])).result;
    expect(retried).toEqual({ answer: expect.objectContaining({ outcome: 'updated' }) });

    const calls = callsSince(before);
    const ts = calls.find((call) => call.method === 'chat.update')!.ts!;
    expect(shownAt(ts).blocks).toEqual(expected([started, action, build]).blocks);
    expect(calls.filter((call) => call.thread_ts === ts).map((call) => call.text)).toEqual([expect.stringContaining('failed in phase BUILD')]);
  });
});

describe('the incoming-webhook fallback under concurrent delivery', () => {
  it('posts no more messages than notifications, refuses none, and the last shows them all', async () => {
    const local = await startLocalSlack('unused');
    try {
      const ports = { cards: cardTable<CardState>(dynamoDocuments(), 'handler-test-ledger', 1), slack: slackWebhook(async () => local.webhookUrl), policy: { ...policy, teams: { platform: { slack: { channel: '#deploys' } } } }, deadline: Date.now() + 10_000 };
      const notifications = await burst('exec-webhook', 3);
      const outcomes = await Promise.allSettled(notifications.map((notification) => deliver(notification, ports)));
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
      const posts = local.calls();
      expect(posts.length).toBeGreaterThanOrEqual(1);
      expect(posts.length).toBeLessThanOrEqual(notifications.length);
      expect(posts.at(-1)!.blocks).toEqual(expected(notifications).blocks);
    } finally {
      await local.close();
    }
  });

  it('never repeats a webhook URL that is not a URL in what it throws', async () => {
    const webhook = slackWebhook(async () => 'hooks.slack.invalid/services/T000/B000/very-secret-part');
    const failure = await webhook.post('#deploys', { text: 'one', blocks: [] }, { key: 'k', deadline: Date.now() + 5_000 }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).not.toContain('very-secret-part');
  });
});
