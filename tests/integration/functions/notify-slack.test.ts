import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { ListActionExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { ReleaseNotification } from '../../../shared/release-notification';
import { slackWebhook } from '../../../shared/slack/webhook';
import { startLocalSlack } from '../../../infra/local/slack';
import { writesOf } from '../../../infra/local/dynamodb';
import { BOT_TOKEN, handlerHarness, snsEventOf } from '../../support/handler-harness';

// notify-slack as deployed: the token from Parameter Store (local), cards in DynamoDB (dynalite),
// Slack's own client against the local Slack; SQS (dead letters) answered by aws-sdk-client-mock.
const { aws, run, notificationOf, slack, dynamoEndpoint } = handlerHarness();
const allLines: string[] = [];

async function notify(notification: ReleaseNotification) {
  const before = slack().calls().length;
  const { result, lines } = await run('notifySlack', snsEventOf(notification));
  allLines.push(...lines.map((line) => JSON.stringify(line)));
  return { result, lines, calls: slack().calls().slice(before) };
}

const execution = (id: string) => (event: { id: string; detail: Record<string, unknown> }) => Object.assign(event.detail, { 'execution-id': id });
const injectFault = (fault: { status?: number; retryAfter?: number; reset?: true; hang?: true; error?: string; times: number }) => fetch(`${slack().url}/_faults`, { method: 'POST', body: JSON.stringify(fault) });

beforeEach(() => {
  aws.codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'too many instances failed' } } });
});

describe('notify-slack', () => {
  it('posts one message per execution, updates it in place, replies to a failure in its thread, and ignores a redelivery', async () => {
    const started = await notificationOf('codepipeline/pipeline-started.json', execution('exec-story'));
    const first = await notify(started);
    expect(first.calls).toEqual([expect.objectContaining({ method: 'chat.postMessage', channel: expect.stringMatching(/^C/), text: expect.stringContaining('MyFirstPipeline 🔄 Started') })]);
    const { channel, ts } = first.calls[0]!;

    const stage = await notify(await notificationOf('codepipeline/stage-started.json', execution('exec-story')));
    expect(stage.calls).toEqual([expect.objectContaining({ method: 'chat.update', channel, ts })]);

    const actionFailed = await notificationOf('codepipeline/action-failed.json', (event) => {
      execution('exec-story')(event);
      Object.assign(event.detail, { type: { owner: 'AWS', provider: 'Manual', category: 'Approval', version: '1' }, 'execution-result': undefined });
    });
    const failed = await notify(actionFailed);
    expect(failed.calls.map((call) => [call.method, call.thread_ts])).toEqual([['chat.update', undefined], ['chat.postMessage', ts]]);
    expect(failed.calls[1]!.text).toContain('myAction in stage Prod failed');

    expect((await notify(actionFailed)).calls).toEqual([]);
    expect((await notify(started)).calls).toEqual([]);
  });

  it('updates a message already posted and idle with one DynamoDB write, where the lease takes two', async () => {
    const updates = async () => (await writesOf(dynamoEndpoint())).byOperation.UpdateItem ?? 0;
    let before = await updates();
    await notify(await notificationOf('codepipeline/pipeline-started.json', execution('exec-writes')));
    expect((await updates()) - before).toBe(2);
    before = await updates();
    const stage = await notify(await notificationOf('codepipeline/stage-started.json', execution('exec-writes')));
    expect(stage.calls).toEqual([expect.objectContaining({ method: 'chat.update', text: expect.stringContaining('MyFirstPipeline') })]);
    expect(stage.result).toMatchObject({ outcome: 'updated', shown: 1 });
    expect((await updates()) - before).toBe(1);
  });

  it('holds a build CodePipeline ran until the action names its execution, then shows it on that message', async () => {
    const build = await notificationOf('codebuild/build-failed.json', (event) => Object.assign(event.detail, { 'additional-information': { ...(event.detail['additional-information'] as object), initiator: 'codepipeline/MyFirstPipeline' } }));
    expect(build.pipeline).toEqual({ name: 'MyFirstPipeline' });
    const held = await notify(build);
    expect(held.result).toEqual({ outcome: 'held' });
    expect(held.calls).toEqual([]);

    await notify(await notificationOf('codepipeline/pipeline-started.json', execution('exec-held')));
    const action = await notificationOf('codepipeline/action-failed.json', (event) => {
      execution('exec-held')(event);
      Object.assign(event.detail, { type: { owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: '1' }, 'execution-result': { 'external-execution-id': build.build!.id } });
    });
    const joined = await notify(action);
    // the action and the build it held, in one update, and the build's failure in the thread
    expect(joined.calls.map((call) => call.method)).toEqual(['chat.update', 'chat.postMessage']);
    expect(JSON.stringify(joined.calls[0]!.blocks)).toContain('Build my-sample-project failed');
    expect(joined.calls[1]).toMatchObject({ thread_ts: joined.calls[0]!.ts, text: expect.stringContaining('failed in phase BUILD') });
  });

  it('puts a deployment CodeDeploy reports before its pipeline action on that execution\'s message, found once in the recent actions', async () => {
    await notify(await notificationOf('codepipeline/pipeline-started.json', execution('exec-deploy')));
    aws.codepipeline.on(ListActionExecutionsCommand, { pipelineName: 'MyFirstPipeline' }).resolves({
      actionExecutionDetails: [{ pipelineExecutionId: 'exec-deploy', stageName: 'Prod', actionName: 'Deploy', output: { executionResult: { externalExecutionId: 'd-JOIN00001' } } }],
    });
    const deployment = (state: string) => notificationOf(`codedeploy/deployment-${state === 'START' ? 'start' : 'failure'}.json`, (event) => Object.assign(event.detail, { deploymentId: 'd-JOIN00001' }));

    const started = await deployment('START');
    expect(started.pipeline).toEqual({ name: 'MyFirstPipeline', executionId: 'exec-deploy', externalExecutionId: 'd-JOIN00001' });
    expect(started.team).toBe('platform');
    const joined = await notify(started);
    const failed = await notify(await deployment('FAILURE'));
    const ts = joined.calls[0]!.ts;
    expect(joined.calls).toEqual([expect.objectContaining({ method: 'chat.update', ts })]);
    expect(failed.calls.map((call) => [call.method, call.ts === ts || call.thread_ts === ts])).toEqual([['chat.update', true], ['chat.postMessage', true]]);
    expect(failed.calls[1]!.thread_ts).toBe(ts);
    // the second event found the execution in the ledger, where the first one linked it
    expect(aws.codepipeline.commandCalls(ListActionExecutionsCommand).map((call) => call.args[0].input.pipelineName).sort()).toEqual(['MyFirstPipeline', 'feature-preview']);
  });

  it("waits out Slack's Retry-After and retries a 5xx, then sends once", async () => {
    await injectFault({ status: 429, retryAfter: 1, times: 1 });
    await injectFault({ status: 503, times: 1 });
    const startedAt = Date.now();
    const { calls, result } = await notify(await notificationOf('codepipeline/pipeline-started.json', execution('exec-throttled')));
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
    expect(result).toEqual(expect.objectContaining({ outcome: 'posted' }));
    expect(calls).toHaveLength(1);
    expect(aws.sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('retries a reset connection and a Slack that does not answer, then sends once', async () => {
    await injectFault({ reset: true, times: 1 });
    await injectFault({ hang: true, times: 1 });
    const { calls, result } = await notify(await notificationOf('codepipeline/pipeline-started.json', execution('exec-unreliable')));
    expect(result).toEqual(expect.objectContaining({ outcome: 'posted' }));
    expect(calls).toHaveLength(1);
  });

  it('fails the invocation while Slack answers 5xx past its retries, so that Lambda tries it again', async () => {
    const notification = await notificationOf('codedeploy/deployment-failure.json');
    await injectFault({ status: 500, times: 4 });
    await expect(run('notifySlack', snsEventOf(notification))).rejects.toThrow('Slack answered 500');
    expect(aws.sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    const { calls } = await notify(notification);
    expect(calls.map((call) => call.method)).toEqual(['chat.postMessage', 'chat.postMessage']);
  });

  it('dead-letters what Slack refuses for good, with the reason, and can post it later', async () => {
    const notification = await notificationOf('codedeploy/deployment-failure.json', (event) => Object.assign(event.detail, { deploymentId: 'd-REFUSED01' }));
    await injectFault({ error: 'channel_not_found', times: 1 });
    const { result, lines } = await notify(notification);
    expect(result).toEqual({ deadLettered: true, reason: "Slack refused the delivery: Slack's chat.postMessage answered channel_not_found" });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'slack delivery refused: dead-lettered' }));
    const [letter] = aws.sqs.commandCalls(SendMessageCommand);
    const body = JSON.parse(letter!.args[0].input.MessageBody!);
    expect(body).toEqual({ functionName: 'notify-slack', reason: expect.stringContaining('channel_not_found'), event: { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: `m-${notification.id}`, Message: JSON.stringify(notification) } }] } });

    // the dead letter as it is, redriven once the channel is there
    const before = slack().calls().length;
    await run('notifySlack', body.event);
    const redriven = { calls: slack().calls().slice(before) };
    expect(redriven.calls.map((call) => call.method)).toEqual(['chat.postMessage', 'chat.postMessage']);
    expect(redriven.calls[1]!.text).toContain('HEALTH_CONSTRAINTS: too many instances failed');
  });

  it.each([
    ['without Records', {}, 'Records: Invalid input: expected array'],
    ['whose Message is not a string', { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'm-1', Message: 42 } }] }, 'Records.0.Sns.Message: Invalid input: expected string'],
  ])('dead-letters an SNS event %s with the reason', async (_, event, reason) => {
    const before = aws.sqs.commandCalls(SendMessageCommand).length;
    const { result } = await run('notifySlack', event);
    expect(result).toEqual({ deadLettered: true, reason: expect.stringContaining(reason) });
    expect(aws.sqs.commandCalls(SendMessageCommand)).toHaveLength(before + 1);
  });

  it('dead-letters a message that is not a release notification, and posts nothing', async () => {
    const before = slack().calls().length;
    const event = snsEventOf(await notificationOf('codepipeline/pipeline-started.json'));
    event.Records[0]!.Sns.Message = '{"AlarmName":"not ours"';
    const { result } = await run('notifySlack', event);
    expect(result).toEqual({ deadLettered: true, reason: expect.stringContaining('Records.0.Sns.Message: expected a JSON message') });
    expect(slack().calls().length).toBe(before);
  });

  it('posts nothing for a team without a channel', async () => {
    const notification = { ...(await notificationOf('codepipeline/pipeline-started.json', execution('exec-unrouted'))), team: 'unrouted' };
    const { result, calls } = await notify(notification);
    expect(result).toEqual({ outcome: 'unrouted', card: 'EXECUTION#MyFirstPipeline#exec-unrouted' });
    expect(calls).toEqual([]);
  });

  it('never writes the bot token to a log line', () => {
    expect(allLines.length).toBeGreaterThan(10);
    expect(allLines.filter((line) => line.includes(BOT_TOKEN))).toEqual([]);
  });
});

describe('the incoming-webhook fallback', () => {
  it('posts each message anew, retrying a 5xx and waiting out a 429', async () => {
    const local = await startLocalSlack('unused');
    try {
      await fetch(`${local.url}/_faults`, { method: 'POST', body: JSON.stringify({ status: 429, retryAfter: 1, times: 1 }) });
      await fetch(`${local.url}/_faults`, { method: 'POST', body: JSON.stringify({ status: 502, times: 1 }) });
      const webhook = slackWebhook(async () => local.webhookUrl);
      expect(webhook.updatesInPlace).toBe(false);
      const deadline = Date.now() + 5_000;
      await webhook.post('#deploys', { text: 'one', blocks: [] }, { key: 'one', deadline });
      await webhook.update('#deploys', 'ignored', { text: 'two', blocks: [] }, { deadline });
      expect(local.calls()).toEqual([expect.objectContaining({ method: 'webhook', text: 'one' }), expect.objectContaining({ method: 'webhook', text: 'two' })]);
    } finally {
      await local.close();
    }
  });
});
