import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRepository } from '../../infra/local/codecommit';
import { putEvents } from '../../infra/local/event-bus-client';
import type { SlackCall } from '../../infra/local/slack';
import { entryFromEvent } from '../../scripts/replay';
import { localFiles } from '../../shared/local/files';
import { readRecordedStarts } from '../../shared/local/recorded-pipelines';
import { eventBridgeUrl, lambdaUrl, linesAfter, localDir, secrets, slackUrl } from '../support/local-stack-env';
import { sample } from '../support/samples';

// One release, end to end on loopback: git push → local EventBridge → the functions → local SNS →
// notify-slack (token from the local Parameter Store) → the local Slack.
const BUILD_ID = 'my-sample-project:5f1e0c2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
const DEPLOYMENT_ID = 'd-STORY0001';
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Mina Kim', '-c', 'user.email=mina@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
const slackCalls = async () => (await (await fetch(`${slackUrl()}/_calls`)).json()) as SlackCall[];

type Event = { id: string; time: string; detail: Record<string, unknown> };
const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function publish(event: Event): Promise<string> {
  let ids: string[] = [];
  await linesAfter(async () => (ids = await putEvents(eventBridgeUrl(), [entryFromEvent(event as never)])));
  return ids[0]!;
}

describe('a release story in Slack', () => {
  it('posts one message for the push, updates it as the build passes and the deployment fails, replies once in its thread, and ignores a redelivery', async () => {
    const bare = createLocalRepository(localDir(), 'MyDemoRepo', eventBridgeUrl());
    const work = mkdtempSync(join(tmpdir(), 'rc-story-'));
    git(work, 'init', '--quiet', '--initial-branch=main');
    writeFileSync(join(work, 'index.html'), '<h1>Before the story</h1>\n');
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', 'What production runs');
    // production runs the commit before: the laptop's CodePipeline lists its deployment, the newest before the story's end (at 7), so the story's execution brings one commit
    appendFileSync(localFiles(localDir()).pipelineExecutions, `${JSON.stringify({ pipeline: 'MyFirstPipeline', executionId: `before-${Date.now()}`, status: 'Succeeded', endedAt: at(5), commitId: git(work, 'rev-parse', 'HEAD') })}\n`);
    writeFileSync(join(work, 'index.html'), '<h1>Story</h1>\n');
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', 'Ship the story banner\n\nWith details nobody reads.');
    const commitId = git(work, 'rev-parse', 'HEAD');
    await linesAfter(async () => void git(work, 'push', '--quiet', '--force', bare, 'main'));
    const [start] = (await readRecordedStarts(localFiles(localDir()).pipelineStarts)).filter((recorded) => recorded.context.commitId === commitId);
    const executionId = start!.executionId;

    const pipelineEvent = (file: string, minutes: number, detail: Record<string, unknown> = {}) => {
      const event = sample<Event>(file);
      return { ...event, time: at(minutes), detail: { ...event.detail, 'execution-id': executionId, ...detail } };
    };
    const build = sample<Event>('codebuild/build-succeeded.json');
    build.time = at(3);
    build.detail = { ...build.detail, 'build-id': `arn:aws:codebuild:us-west-2:123456789012:build/${BUILD_ID}`, 'additional-information': { ...(build.detail['additional-information'] as object), initiator: 'codepipeline/MyFirstPipeline' } };
    const deployment = sample<Event>('codedeploy/deployment-failure.json');
    deployment.time = at(6);
    deployment.detail = { ...deployment.detail, deploymentId: DEPLOYMENT_ID };

    await publish(pipelineEvent('codepipeline/pipeline-started.json', 0));
    await publish(build);
    await publish(pipelineEvent('codepipeline/action-succeeded.json', 4, { stage: 'Build', action: 'Build', type: { owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: '1' }, 'execution-result': { 'external-execution-id': BUILD_ID } }));
    await publish(pipelineEvent('codepipeline/action-failed.json', 6, { stage: 'Prod', action: 'Deploy', type: { owner: 'AWS', provider: 'CodeDeploy', category: 'Deploy', version: '1' }, 'execution-result': { 'external-execution-id': DEPLOYMENT_ID } }));
    const deploymentEventId = await publish(deployment);
    await publish(pipelineEvent('codepipeline/pipeline-failed.json', 7));

    const calls = await slackCalls();
    const posted = calls.find((call) => call.method === 'chat.postMessage' && call.text?.includes('MyDemoRepo main') && JSON.stringify(call.blocks).includes(commitId.slice(0, 7)))!;
    const story = calls.filter((call) => call.ts === posted.ts || call.thread_ts === posted.ts);
    expect(story.map((call) => (call.thread_ts ? 'reply' : call.method))).toEqual([
      'chat.postMessage', // the push
      'chat.update', // pipeline started
      'chat.update', // the Build action names the held build: the action and the build in one update
      'chat.update', // the Deploy action failed
      'chat.update', // the deployment failed...
      'reply', // ...with CodeDeploy's words in the thread
      'chat.update', // the pipeline failed...
      'reply', // ...and the author of its commit, whom the policy maps to Slack, is told in the thread
    ]);
    const [reply, mention] = story.filter((call) => call.thread_ts);
    expect(reply!.text).toContain(`Deployment ${DEPLOYMENT_ID} to myApplication / myDeploymentGroup failed`);
    expect(mention!.text).toContain('<@U0MINA>');
    const final = JSON.stringify(story.filter((call) => !call.thread_ts).at(-1)!.blocks);
    for (const shown of ['MyFirstPipeline', '❌ Failed', 'Ship the story banner', 'Mina Kim', '1 commit', 'Compare', `✅ Build my-sample-project succeeded`, `❌ Deployment ${DEPLOYMENT_ID} to myDeploymentGroup failure`]) {
      expect(final).toContain(shown);
    }
    expect(final).not.toContain('nobody reads');

    // EventBridge delivers at least once: the same deployment event again, straight to on-deploy
    const redelivered = { ...deployment, id: deploymentEventId, 'detail-type': 'CodeDeploy Deployment State-change Notification', source: 'aws.codedeploy' };
    await linesAfter(() => fetch(`${lambdaUrl()}/2015-03-31/functions/release-conductor-local-on-deploy/invocations`, { method: 'POST', body: JSON.stringify(redelivered) }));
    expect((await slackCalls()).length).toBe(calls.length);

    const log = readFileSync(join(localDir(), 'stack.log'), 'utf8');
    expect(log).toContain('slack delivery');
    for (const secret of secrets()) expect(log).not.toContain(secret);
  });
});
