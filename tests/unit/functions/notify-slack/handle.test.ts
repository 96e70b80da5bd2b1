import { buildNotification } from '../../../../functions/on-build/build-notification';
import { buildReport } from '../../../../functions/on-build/build-report';
import { deploymentNotification } from '../../../../functions/on-deploy/deployment-notification';
import { pipelineNotification } from '../../../../functions/on-pipeline/pipeline-notification';
import { alarmNotification } from '../../../../functions/on-alarm/alarm-notification';
import { applyNotification, renderCard, type CardState } from '../../../../functions/notify-slack/card';
import { handle } from '../../../../functions/notify-slack/handle';
import { AlarmStateChangeEvent, CodeBuildStateEvent, CodeDeployStateEvent, CodePipelineEvent, SnsNotificationEvent } from '../../../../shared/events';
import { SlackRefused, type Commit } from '../../../../shared/ports';
import type { ReleaseNotification } from '../../../../shared/release-notification';
import { parsePolicy } from '../../../../shared/release-policy';
import { memoryCards, memoryDeadLetters, memorySlack } from '../../../support/fakes';
import { sampleEvent } from '../../../support/samples';

const policy = parsePolicy(`
people: { "Mina@example.com": U0MINA }
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

  describe("a connection's commit (GitHub, GitLab, Bitbucket)", () => {
    const COMMIT = '7f3c2a9d0e4b6c8a1f5e3d2b9c7a6e4f1d0b8c2a';
    const page = `https://github.com/octo-org/website/commit/${COMMIT}`;
    const website = { team: 'platform', repository: 'octo-org/website' };
    const revision = { commitId: COMMIT, variables: {}, connection: { provider: 'GitHub', repository: 'octo-org/website', branch: 'main', message: 'Show the release banner <b>\n\nAt last.', url: page }, trigger: { type: 'WebhookV2' } };
    const ofWebsite = (file: string, withRevision = false) =>
      pipelineNotification(sampleEvent(CodePipelineEvent, `codepipeline/${file}.json`, (event) => (event.detail.pipeline = 'website')), website, withRevision ? revision : undefined);

    it("shows the short commit linked to the provider's page, its first line and its branch, and no author CodePipeline does not give", () => {
      const message = renderCard(applyNotification(applyNotification(undefined, ofWebsite('pipeline-started')), ofWebsite('pipeline-succeeded', true)), policy);
      const mrkdwn = JSON.stringify(message.blocks);
      expect(mrkdwn).toContain(JSON.stringify(`*Commit*\n<${page}|7f3c2a9>\nShow the release banner &lt;b&gt;`).slice(1, -1));
      expect(mrkdwn).toContain('*Branch*\\nmain');
      expect(mrkdwn).not.toMatch(/ by |At last|codecommit/);
      expect(message.blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ text: { text: 'Pipeline execution' } }, { text: { text: 'Commit' }, url: page }] });
    });

    it('says what started the execution: a push, through the webhook, or who started it by hand', () => {
      const pushed = renderCard(applyNotification(undefined, ofWebsite('pipeline-succeeded', true)), policy);
      expect(JSON.stringify(pushed.blocks)).toContain('*Started by*\\na push (WebhookV2)');
      const byHand = renderCard(applyNotification(undefined, ofPipeline('pipeline-started')), policy);
      expect(JSON.stringify(byHand.blocks)).toContain('*Started by*\\nmy-user (StartPipelineExecution)');
    });
  });

  describe('the commits a deployment brings', () => {
    const COMMIT = '5a6f0e1b2c3d4e5f60718293a4b5c6d7e8f90123';
    const PREVIOUS = 'c0ffee0000000000000000000000000000000000';
    const compareUrl = `https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/MyDemoRepo/compare/${PREVIOUS}/.../${COMMIT}?region=us-east-1`;
    const commits: Commit[] = [
      { commitId: COMMIT, author: 'Mina Kim', authorEmail: 'mina@example.com', message: 'Merge feature/banner\n\nThe banner, at last.' },
      { commitId: 'b'.repeat(40), author: 'Ana', authorEmail: 'ana@example.com', message: 'Banner <b> & co' },
      { commitId: 'a'.repeat(40), author: 'Ana', authorEmail: 'ana@example.com', message: 'Banner text' },
    ];
    /** What on-pipeline publishes when the execution ends, bringing `brought` since the deployment of PREVIOUS. */
    const ended = (file: string, brought: Commit[] = commits, complete = true, since = PREVIOUS) =>
      pipelineNotification(sampleEvent(CodePipelineEvent, `codepipeline/${file}.json`), platform, { commitId: COMMIT, variables: {} }, { repository: 'MyDemoRepo', since, commitId: COMMIT, commits: brought, complete });
    const sectionOf = (blocks: unknown[], heading: string) => blocks.find((block) => JSON.stringify(block).includes(heading)) as { text: { text: string }; accessory?: { type: string; text: { text: string }; url: string } } | undefined;

    it('shows how many, the newest as `short-id author: title` lines, and a Compare button to the console, never an email', async () => {
      const { deps, slack } = setUp();
      await handle(delivered(ofPipeline('pipeline-started')), deps);
      await handle(delivered(ended('pipeline-succeeded')), deps);
      const [card] = slack.messages;
      const section = sectionOf(card!.blocks, 'since the last deployment');
      expect(section!.text.text).toBe(['*3 commits* since the last deployment', '`5a6f0e1` Mina Kim: Merge feature/banner', '`bbbbbbb` Ana: Banner &lt;b&gt; &amp; co', '`aaaaaaa` Ana: Banner text'].join('\n'));
      expect(section!.accessory).toEqual({ type: 'button', action_id: 'link-compare', text: { type: 'plain_text', text: 'Compare' }, url: compareUrl });
      expect(JSON.stringify(slack.messages)).not.toContain('@example.com');
    });

    it('says "30+" when CodePipeline\'s range goes on past what was read, and "1 commit" for one, within Block Kit\'s limits', async () => {
      const long = Array.from({ length: 30 }, (_, i) => ({ commitId: `${i}`.padStart(40, '0'), author: '<&>'.repeat(400), message: '&'.repeat(1000) }));
      const incomplete = renderCard(applyNotification(undefined, ended('pipeline-succeeded', long, false)), policy);
      const section = sectionOf(incomplete.blocks, 'since the last deployment')!;
      expect(section.text.text).toMatch(/^\*30\+ commits\* since the last deployment\n/);
      expect(section.text.text.split('\n')).toHaveLength(6);
      expect(section.text.text.length).toBeLessThanOrEqual(3000);
      const one = renderCard(applyNotification(undefined, ended('pipeline-succeeded', commits.slice(0, 1))), policy);
      expect(sectionOf(one.blocks, 'since the last deployment')!.text.text).toMatch(/^\*1 commit\* since the last deployment\n/);
    });

    it('mentions in each failure reply the authors release-policy.yml maps to a Slack user, and no one else', async () => {
      const { deps, slack } = setUp();
      await handle(delivered(ofPipeline('pipeline-started')), deps);
      expect(await handle(delivered(ended('pipeline-failed')), deps)).toMatchObject({ outcome: 'updated', replies: 1 });
      expect(await handle(delivered(deploymentFailed), deps)).toMatchObject({ outcome: 'updated', replies: 1 });
      const [card, failed, deployment] = slack.messages;
      expect(failed).toMatchObject({ threadTs: card!.ts, text: '❌ MyFirstPipeline failed\n<@U0MINA>: your commits are in this deployment' });
      expect(deployment!.text).toMatch(/^❌ Deployment d-123456789 .*\n<@U0MINA>: your commits are in this deployment$/s);
      expect(JSON.stringify(slack.messages.slice(1))).not.toMatch(/@example\.com|<@(?!U0MINA>)/);
    });

    it('threads no reply for a failed execution whose authors the policy does not map', async () => {
      const { deps, slack } = setUp();
      await handle(delivered(ofPipeline('pipeline-started')), deps);
      expect(await handle(delivered(ended('pipeline-failed', commits.slice(1))), deps)).toMatchObject({ outcome: 'updated', replies: 0 });
      expect(slack.messages).toHaveLength(1);
    });

    it("ends the same whatever order the notifications come in, with the commits of the execution's latest end", () => {
      const retried = ended('pipeline-succeeded-retry', commits.slice(0, 1), true, 'b'.repeat(40));
      const notifications = [ofPipeline('pipeline-started'), ofPipeline('stage-started'), ended('pipeline-failed'), retried, deploymentFailed];
      const permutations = (items: ReleaseNotification[]): ReleaseNotification[][] =>
        items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
      const cards = permutations(notifications).map((order) => renderCard(order.reduce<CardState | undefined>(applyNotification, undefined)!, policy));
      expect(cards).toHaveLength(120);
      for (const each of cards) expect(each).toEqual(cards[0]);
      expect(sectionOf(cards[0]!.blocks, 'since the last deployment')!.text.text).toBe('*1 commit* since the last deployment\n`5a6f0e1` Mina Kim: Merge feature/banner');
    });
  });
});
