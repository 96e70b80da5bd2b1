import { buildNotification } from '../../../../functions/on-build/build-notification';
import { buildReport } from '../../../../functions/on-build/build-report';
import { deploymentNotification } from '../../../../functions/on-deploy/deployment-notification';
import { pipelineNotification } from '../../../../functions/on-pipeline/pipeline-notification';
import { alarmNotification } from '../../../../functions/on-alarm/alarm-notification';
import type { CardState } from '../../../../functions/notify-slack/card';
import { handle } from '../../../../functions/notify-slack/handle';
import { AlarmStateChangeEvent, CodeBuildStateEvent, CodeDeployStateEvent, CodePipelineEvent, SnsNotificationEvent } from '../../../../shared/events';
import { SlackRefused } from '../../../../shared/ports';
import type { ReleaseNotification } from '../../../../shared/release-notification';
import { parsePolicy } from '../../../../shared/release-policy';
import { memoryCards, memoryDeadLetters, memorySlack } from '../../../support/fakes';
import { sampleEvent } from '../../../support/samples';

const policy = parsePolicy(`
teams:
  platform: { slack: { channel: "#deploys" } }
  web: {}
repositories:
  MyDemoRepo:
    team: platform
    pipelines: [{ name: MyFirstPipeline, branches: [main], production: true }]
  WebsiteRepo:
    team: web
    pipelines: [{ name: website, branches: [main] }]
`);

const EXECUTION = '01234567-0123-0123-0123-012345678901';
const CARD = `EXECUTION#MyFirstPipeline#${EXECUTION}`;
const BUILD_ID = 'my-sample-project:8745a7a9-c340-456a-9166-edf953571bEX';
const platform = { team: 'platform', repository: 'MyDemoRepo' };

const ofPipeline = (file: string, detail: Record<string, unknown> = {}, route = platform) =>
  pipelineNotification(sampleEvent(CodePipelineEvent, `codepipeline/${file}.json`, (event) => Object.assign(event.detail, detail)), route);
const deploymentFailed = deploymentNotification(
  sampleEvent(CodeDeployStateEvent, 'codedeploy/deployment-failure.json'),
  { durationSeconds: 125, error: { code: 'HEALTH_CONSTRAINTS', message: 'too many instances failed' } },
  'platform',
  { pipeline: 'MyFirstPipeline', executionId: EXECUTION },
);
const buildEvent = sampleEvent(CodeBuildStateEvent, 'codebuild/build-failed.json', (event) => Object.assign(event.detail['additional-information'], { initiator: 'codepipeline/MyFirstPipeline' }));
const buildFailed = buildNotification(buildEvent, buildReport(buildEvent), 'platform');

/** What SNS hands notify-slack for a notification. */
const delivered = (notification: ReleaseNotification) => SnsNotificationEvent.parse({ Records: [{ EventSource: 'aws:sns', Sns: { MessageId: `m-${notification.id}`, Message: JSON.stringify(notification) } }] });

function setUp() {
  const fakes = { cards: memoryCards<CardState>(), slack: memorySlack(), deadLetters: memoryDeadLetters() };
  return { ...fakes, deps: { policy, ...fakes, deadline: Date.now() + 10_000 } };
}

describe('notify-slack handle', () => {
  it("posts an execution's first notification as a card in its team's channel, and keeps where it went", async () => {
    const { deps, slack, cards } = setUp();
    expect(await handle(delivered(ofPipeline('pipeline-started')), deps)).toEqual({ outcome: 'posted', card: CARD, replies: 0, shown: 1, doubtfulPosts: 0 });
    expect(slack.calls).toEqual([{ method: 'post', channel: '#deploys', ts: expect.any(String), threadTs: undefined }]);
    const [message] = slack.messages;
    expect(slack.messages).toEqual([expect.objectContaining({ key: CARD, threadTs: undefined, text: expect.stringContaining('MyFirstPipeline 🔄 Started') })]);
    expect(await cards.get(CARD)).toEqual({
      channel: message!.channel,
      ts: message!.ts,
      state: expect.objectContaining({ pipeline: expect.objectContaining({ name: 'MyFirstPipeline', executionId: EXECUTION, result: 'STARTED' }) }),
      inbox: [],
      version: 1,
      shownVersion: 1,
    });
  });

  it("updates the execution's one message with each next notification", async () => {
    const { deps, slack } = setUp();
    await handle(delivered(ofPipeline('pipeline-started')), deps);
    expect(await handle(delivered(ofPipeline('stage-started')), deps)).toEqual({ outcome: 'updated', card: CARD, replies: 0, shown: 1, doubtfulPosts: 0 });
    const [message] = slack.messages;
    expect(slack.messages).toHaveLength(1);
    expect(slack.calls.map(({ method, ts }) => ({ method, ts }))).toEqual([
      { method: 'post', ts: message!.ts },
      { method: 'update', ts: message!.ts },
    ]);
    expect(JSON.stringify(message!.blocks)).toContain('🔄 Prod');
  });

  it("threads a failure's reply under the execution's card, with CodeDeploy's error", async () => {
    const { deps, slack } = setUp();
    await handle(delivered(ofPipeline('pipeline-started')), deps);
    expect(await handle(delivered(deploymentFailed), deps)).toEqual({ outcome: 'updated', card: CARD, replies: 1, shown: 1, doubtfulPosts: 0 });
    const [card, reply] = slack.messages;
    expect(slack.messages).toHaveLength(2);
    expect(reply).toEqual(
      expect.objectContaining({ channel: card!.channel, threadTs: card!.ts, key: `${CARD}#${deploymentFailed.id}`, text: expect.stringContaining('Deployment d-123456789 to myApplication / myDeploymentGroup failed:\nHEALTH_CONSTRAINTS: too many instances failed') }),
    );
    expect(JSON.stringify(card!.blocks)).toContain('Deployment d-123456789 to myDeploymentGroup failure');
  });

  it("puts an alarm blamed on the execution on its card, and threads why it went off under it", async () => {
    const { deps, slack } = setUp();
    await handle(delivered(ofPipeline('pipeline-succeeded')), deps);
    const wentOff = alarmNotification(sampleEvent(AlarmStateChangeEvent, 'cloudwatch/alarm-in-alarm.json'), 'platform', '2019-10-02T17:04:40.989Z', { pipeline: 'MyFirstPipeline', executionId: EXECUTION });
    expect(await handle(delivered(wentOff), deps)).toEqual({ outcome: 'updated', card: CARD, replies: 1, shown: 1, doubtfulPosts: 0 });
    const [card, reply] = slack.messages;
    expect(JSON.stringify(card!.blocks)).toContain('🚨 Alarm MyCodePipelineDemo-unhealthy in alarm since 17:04 UTC');
    expect(reply).toEqual(expect.objectContaining({ threadTs: card!.ts, text: expect.stringContaining('Alarm MyCodePipelineDemo-unhealthy went off after this deployment:\nThreshold Crossed') }));
  });

  it('gives an alarm no deployment is blamed for a card of its own, which its clearing updates', async () => {
    const { deps, slack } = setUp();
    const since = '2019-10-02T17:04:40.989Z';
    const wentOff = alarmNotification(sampleEvent(AlarmStateChangeEvent, 'cloudwatch/alarm-in-alarm.json'), 'platform', since);
    const cleared = alarmNotification(sampleEvent(AlarmStateChangeEvent, 'cloudwatch/alarm-ok.json', (event) => Object.assign(event.detail.previousState, { timestamp: '2019-10-02T17:04:40.989+0000' })), 'platform', since);
    expect(await handle(delivered(wentOff), deps)).toMatchObject({ outcome: 'posted', card: `ALARM#MyCodePipelineDemo-unhealthy#${since}` });
    expect(await handle(delivered(cleared), deps)).toMatchObject({ outcome: 'updated', card: `ALARM#MyCodePipelineDemo-unhealthy#${since}` });
    expect(slack.messages.filter((message) => !message.threadTs)).toHaveLength(1);
    const shown = JSON.stringify(slack.messages[0]!.blocks);
    expect(shown).toContain('*Alarm MyCodePipelineDemo-unhealthy* ✅ OK');
    expect(shown).toContain('✅ Alarm MyCodePipelineDemo-unhealthy back to OK after 10m 0s (went off at 17:04 UTC)');
  });

  it('shows a redelivered notification no more', async () => {
    const { deps, slack } = setUp();
    const started = ofPipeline('pipeline-started');
    await handle(delivered(started), deps);
    expect(await handle(delivered(started), deps)).toEqual({ outcome: 'shown', card: CARD });
    expect(slack.calls).toHaveLength(1);
  });

  it("holds a build its pipeline ran until the pipeline's action names it, then shows it on that execution's card with its failure in the thread", async () => {
    const { deps, slack } = setUp();
    expect(await handle(delivered(buildFailed), deps)).toEqual({ outcome: 'held' });
    expect(slack.calls).toEqual([]);
    await handle(delivered(ofPipeline('pipeline-started')), deps);
    const action = ofPipeline('action-failed', { stage: 'Build', action: 'Build', type: { owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: '1' }, 'execution-result': { 'external-execution-id': BUILD_ID } });
    expect(await handle(delivered(action), deps)).toEqual({ outcome: 'updated', card: CARD, replies: 1, shown: 2, doubtfulPosts: 0 });
    const [card, reply] = slack.messages;
    expect(JSON.stringify(card!.blocks)).toContain('Build my-sample-project failed');
    expect(reply).toMatchObject({ threadTs: card!.ts, key: `${CARD}#${buildFailed.id}`, text: expect.stringContaining('Build my-sample-project failed in phase BUILD') });
  });

  it('posts nothing for a team without a channel', async () => {
    const { deps, slack } = setUp();
    const notification = ofPipeline('pipeline-started', { pipeline: 'website' }, { team: 'web', repository: 'WebsiteRepo' });
    expect(await handle(delivered(notification), deps)).toEqual({ outcome: 'unrouted', card: `EXECUTION#website#${EXECUTION}` });
    expect(slack.calls).toEqual([]);
  });

  it('dead-letters what Slack refuses for good, with the reason, and succeeds; the redriven letter posts at once', async () => {
    const { deps, slack, deadLetters } = setUp();
    const post = slack.post;
    slack.post = async () => {
      throw new SlackRefused("Slack's chat.postMessage answered channel_not_found");
    };
    const started = ofPipeline('pipeline-started');
    const reason = "Slack refused the delivery: Slack's chat.postMessage answered channel_not_found";
    expect(await handle(delivered(started), deps)).toEqual({ deadLettered: true, reason });
    expect(deadLetters.letters).toEqual([{ functionName: 'notify-slack', reason, event: { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: `m-${started.id}`, Message: expect.any(String) } }] } }]);
    expect(slack.messages).toEqual([]);

    slack.post = post;
    const redriven = SnsNotificationEvent.parse(deadLetters.letters[0]!.event);
    expect(redriven.Records[0]!.Sns.Message).toEqual(started);
    expect(await handle(redriven, { ...deps, deadline: Date.now() + 2_000 })).toMatchObject({ outcome: 'posted', card: CARD });
    expect(slack.messages).toEqual([expect.objectContaining({ key: CARD })]);
  });
});
