import { GetCommitCommand } from '@aws-sdk/client-codecommit';
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { GetPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import type { KnownBlock } from '@slack/types';
import { applyNotification, failureReply, renderCard, type CardState } from '../../../functions/notify-slack/card';
import type { ReleaseNotification } from '../../../shared/release-notification';
import type { SlackMessage } from '../../../shared/ports';
import { slackMessageAsText } from '../../../infra/local/slack-message-text';
import { functionOfSample, handlerHarness } from '../../support/handler-harness';
import { eventSampleFiles, sample } from '../../support/samples';
import policy from '../../../release-policy.yml';

// Cards are rendered from what the functions really publish for AWS's sample events.
const { aws, run, notifications } = handlerHarness();
const COMMIT = '7f0103f2a8b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0';

async function published(file: string, change: (event: { detail: Record<string, unknown> }) => void = () => undefined): Promise<ReleaseNotification[]> {
  const event = sample<{ detail: Record<string, unknown> }>(file);
  change(event);
  const before = (await notifications(0)).length;
  await run(functionOfSample(file), event);
  return (await notifications(before + 1)).slice(before).map(({ notification }) => notification);
}

const card = (...ns: ReleaseNotification[]) => renderCard(ns.reduce<CardState | undefined>(applyNotification, undefined)!, policy);

// https://docs.slack.dev/reference/block-kit/blocks and .../block-elements/button-element
function expectWithinBlockKitLimits({ text, blocks }: SlackMessage) {
  expect(text.length).toBeGreaterThan(0);
  expect(text.length).toBeLessThanOrEqual(40_000);
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(50);
  const actionIds = new Set<string>();
  for (const block of blocks as KnownBlock[]) {
    if (block.type === 'section') {
      expect(block.text !== undefined || block.fields !== undefined).toBe(true);
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
      expect(block.fields?.length ?? 0).toBeLessThanOrEqual(10);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
    } else if (block.type === 'context') {
      expect(block.elements.length).toBeGreaterThan(0);
      expect(block.elements.length).toBeLessThanOrEqual(10);
      for (const element of block.elements) if ('text' in element) expect(String(element.text).length).toBeLessThanOrEqual(3000);
    } else if (block.type === 'actions') {
      expect(block.elements.length).toBeGreaterThan(0);
      expect(block.elements.length).toBeLessThanOrEqual(25);
      for (const element of block.elements) {
        if (element.type !== 'button') throw new Error(`unexpected element ${element.type}`);
        expect(element.text.text.length).toBeLessThanOrEqual(75);
        expect(element.url!.length).toBeLessThanOrEqual(3000);
        expect((element.value ?? '').length).toBeLessThanOrEqual(2000);
        expect(element.action_id!.length).toBeLessThanOrEqual(255);
        expect(actionIds.has(element.action_id!)).toBe(false);
        actionIds.add(element.action_id!);
      }
    } else {
      throw new Error(`unexpected block ${block.type}`);
    }
  }
}

describe('the Slack card of each sample event', () => {
  beforeEach(() => {
    aws.codecommit.on(GetCommitCommand).resolves({ commit: { commitId: COMMIT, message: 'Fix the banner\n\nLonger story.', author: { name: 'Mina Kim', date: '1700000000 +0000' } } });
    aws.codepipeline.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ revisionId: COMMIT }] } });
    aws.codedeploy.on(GetDeploymentCommand).resolves({
      deploymentInfo: { createTime: new Date('2026-11-25T10:00:00Z'), completeTime: new Date('2026-11-25T10:02:05Z'), errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' } },
    });
  });

  it.each(eventSampleFiles().filter((file) => !file.startsWith('codecommit/')))('%s renders within Block Kit limits', async (file) => {
    const [notification] = await published(file);
    expectWithinBlockKitLimits(card(notification!));
    const reply = failureReply(notification!, []);
    if (reply) expectWithinBlockKitLimits(reply);
  });

  it('a push to main: repository, branch, the short commit linked to CodeCommit, author, first line, and the pipeline linked to its execution', async () => {
    const [push] = await published('codecommit/reference-updated-branch.json', (event) => Object.assign(event.detail, { referenceName: 'main', commitId: COMMIT }));
    const message = card(push!);
    expectWithinBlockKitLimits(message);
    const text = slackMessageAsText(message.blocks);
    expect(text).toContain('MyFirstPipeline 🔄 Started');
    expect(text).toContain('Repository: MyDemoRepo');
    expect(text).toContain('Branch: main');
    expect(text).toContain(`Commit: ${COMMIT.slice(0, 7)} by Mina Kim: Fix the banner`);
    expect(text).not.toContain('Longer story');
    const mrkdwn = JSON.stringify(message.blocks);
    expect(mrkdwn).toContain(`<https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/MyDemoRepo/commit/${COMMIT}?region=us-east-1|${COMMIT.slice(0, 7)}>`);
    expect(mrkdwn).toContain('<https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/MyFirstPipeline/executions/exec-new/timeline?region=us-east-1|MyFirstPipeline>');
    expect(message.text).toBe('MyFirstPipeline 🔄 Started (MyDemoRepo main)');
  });

  it('a push to a branch no pipeline follows sends nothing', async () => {
    expect(await published('codecommit/reference-updated-branch.json')).toEqual([]);
  });

  it('a failed build: its failing phase and message, and the CloudWatch Logs deep link, in the reply', async () => {
    const [build] = await published('codebuild/build-failed.json');
    expect(slackMessageAsText(card(build!).blocks)).toContain('Build my-sample-project ❌ Failed');
    const reply = failureReply(build!, [])!;
    const text = slackMessageAsText(reply.blocks);
    expect(text).toContain('❌ Build my-sample-project failed in phase BUILD:');
    expect(text).toContain('COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1');
    expect(text).toContain('[CloudWatch Logs]');
    expect(JSON.stringify(reply.blocks)).toContain('https://console.aws.amazon.com/cloudwatch/home?region=us-west-2#logEvent:group=/aws/codebuild/my-sample-project');
  });

  it("a failed deployment: CodeDeploy's error information in the reply, and its duration", async () => {
    const [deployment] = await published('codedeploy/deployment-failure.json');
    expect(slackMessageAsText(card(deployment!).blocks)).toContain('Deployment d-123456789 to myDeploymentGroup failure in 2m 5s');
    expect(slackMessageAsText(failureReply(deployment!, [])!.blocks)).toContain(
      '❌ Deployment d-123456789 to myApplication / myDeploymentGroup failed:\n>HEALTH_CONSTRAINTS: The overall deployment failed because too many individual instances failed deployment',
    );
  });

  it('an execution: stage progress on one line, the result, and how long it took, whatever order the events came in', async () => {
    const [started] = await published('codepipeline/pipeline-started.json');
    const [stage] = await published('codepipeline/stage-started.json');
    const [action] = await published('codepipeline/action-failed.json');
    const [failed] = await published('codepipeline/pipeline-failed.json');
    const later = (n: ReleaseNotification, minutes: number) => ({ ...n, at: new Date(Date.parse(started!.at) + minutes * 60_000).toISOString() });
    const inOrder = card(started!, later(stage!, 1), later(action!, 3), later(failed!, 4));
    const shuffled = card(later(failed!, 4), later(action!, 3), started!, later(stage!, 1));
    expect(shuffled).toEqual(inOrder);
    const text = slackMessageAsText(inOrder.blocks);
    expect(text).toContain('MyFirstPipeline ❌ Failed');
    expect(text).toContain('🔄 Prod');
    expect(text).toContain('Duration: 4m 0s');
    expect(text).toContain(`Commit: ${COMMIT.slice(0, 7)}`);
    expect(failureReply(later(failed!, 4), [])).toBeUndefined();
  });

  it('an approval waiting: the card says who waits where, until the action ends', async () => {
    const [approval] = await published('codepipeline/action-started.json', (event) => Object.assign(event.detail, { type: { owner: 'AWS', provider: 'Manual', category: 'Approval', version: '1' } }));
    expect(approval!.kind).toBe('approval');
    const waiting = slackMessageAsText(card(approval!).blocks);
    expect(waiting).toContain('MyFirstPipeline ⏸️ Waiting for approval');
    expect(waiting).toContain('⏸️ myAction in Prod is waiting for a manual approval');
    const approved = { ...approval!, id: 'approved', kind: 'action' as const, result: 'SUCCEEDED', at: '2026-11-25T23:00:00Z' };
    expect(slackMessageAsText(card(approval!, approved).blocks)).not.toContain('waiting');
  });

  it('stays within the limits with huge commit messages, names and many builds', async () => {
    const [push] = await published('codecommit/reference-updated-branch.json', (event) => Object.assign(event.detail, { referenceName: 'main', commitId: COMMIT }));
    const huge = { ...push!, branch: 'b'.repeat(5000), commit: { id: COMMIT, author: 'a'.repeat(5000), message: `${'<&>'.repeat(50_000)}` } };
    const builds = Array.from({ length: 60 }, (_, i) => ({
      ...huge, id: `b${i}`, kind: 'build' as const, severity: 'failure' as const, result: 'FAILED',
      build: { id: `p:${i}`, project: 'p'.repeat(3000), failure: { phase: 'BUILD', message: 'm'.repeat(10_000) }, logsUrl: `https://example.com/${'x'.repeat(4000)}` },
    }));
    expectWithinBlockKitLimits(card(huge, ...builds));
    expectWithinBlockKitLimits(failureReply(builds[0]!, [])!);
  });

  it('ends the same whatever order events of one second come in: a final state beats an ongoing one', async () => {
    const [started] = await published('codepipeline/pipeline-started.json');
    const [stage] = await published('codepipeline/stage-started.json');
    const [action] = await published('codepipeline/action-started.json');
    const [succeeded] = await published('codepipeline/pipeline-succeeded.json');
    const at = started!.at;
    const events = [
      { ...started!, at },
      { ...stage!, at },
      { ...action!, at, kind: 'action' as const },
      { ...stage!, id: 'stage-succeeded', result: 'SUCCEEDED', severity: 'success' as const, at },
      { ...action!, id: 'action-succeeded', result: 'SUCCEEDED', severity: 'success' as const, at },
      { ...succeeded!, at },
    ];
    const permutations = (items: ReleaseNotification[]): ReleaseNotification[][] =>
      items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
    const cards = permutations(events).map((order) => card(...order));
    expect(cards).toHaveLength(720);
    for (const each of cards) expect(each).toEqual(cards[0]);
    const text = slackMessageAsText(cards[0]!.blocks);
    expect(text).toContain('MyFirstPipeline ✅ Succeeded');
    expect(text).toContain('✅ Prod');
  });

  it('escapes what users write in the notification text as in the blocks: a branch may be named feature/<!channel>', async () => {
    const [push] = await published('codecommit/reference-updated-branch.json', (event) => Object.assign(event.detail, { referenceName: 'main', commitId: COMMIT }));
    const message = card({ ...push!, branch: 'feature/<!channel>', repository: 'repo<@U123>&' });
    expect(message.text).not.toMatch(/<!channel>|<@U123>/);
    expect(message.text).toContain('feature/&lt;!channel&gt;');
    expect(JSON.stringify(message.blocks)).not.toMatch(/<!channel>|<@U123>/);
  });
});
