import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { eventBridgeEmitter, runnerFiles, startPipelineRunner, type ExecutionResult, type PipelineRunner } from '../../infra/local/pipeline-runner';
import { createLocalRepository } from '../../infra/local/codecommit';
import { LOCAL_CREDENTIALS, LOCAL_LEDGER_TABLE } from '../../infra/local/endpoints';
import type { SlackCall } from '../../infra/local/slack';
import { slackMessageAsText } from '../../infra/local/slack-message-text';
import { ledgerTable } from '../../shared/aws/ledger-table';
import { parseLogLines } from '../../infra/local/stack';
import { dynamoDbUrl, eventBridgeUrl, localDir, slackUrl } from '../support/local-stack-env';
import { dynamoDocuments } from '../../shared/aws/dynamodb-documents';

// The toolchain on a laptop: a git push to the local CodeCommit, on-push records the start of
// MyFirstPipeline, the pipeline runner runs it as the toolchain declares it (the buildspec's commands
// on the pushed commit) and sends what CodePipeline, CodeBuild and CodeDeploy would to the local
// EventBridge, and the functions keep the ledger, count DORA and follow it on one Slack card.
// (The shared stack only records starts, RC_LOCAL_PIPELINES=record: this test runs a runner of its own for its own commits.)

const DEMO_APP = join(__dirname, '..', '..', 'scripts', 'demo-app');
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Mina Kim', '-c', 'user.email=mina@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
const slackCalls = async () => (await (await fetch(`${slackUrl()}/_calls`)).json()) as SlackCall[];
const functionLines = () => parseLogLines(readFileSync(join(localDir(), 'stack.log'), 'utf8'));

async function eventually<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The card's messages for an execution: its post and every update of it, and the replies in its thread. */
async function cardOf(commitId: string): Promise<{ updates: SlackCall[]; replies: SlackCall[] }> {
  const calls = await slackCalls();
  const posted = calls.find((call) => call.method === 'chat.postMessage' && !call.thread_ts && JSON.stringify(call.blocks).includes(commitId.slice(0, 7)));
  if (!posted) return { updates: [], replies: [] };
  return { updates: calls.filter((call) => call.ts === posted.ts && !call.thread_ts), replies: calls.filter((call) => call.thread_ts === posted.ts) };
}

describe('the toolchain on a laptop', () => {
  const mine = new Set<string>();
  let runner: PipelineRunner;
  let work: string;
  let bare: string;
  const documents = () => DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamoDbUrl(), region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));
  const ledger = () => ledgerTable(dynamoDocuments({ endpoint: dynamoDbUrl(), region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), LOCAL_LEDGER_TABLE, 1);
  const query = async (pk: string, sk?: string) =>
    (await documents().send(new QueryCommand({ TableName: LOCAL_LEDGER_TABLE, KeyConditionExpression: sk ? 'pk = :pk AND sk = :sk' : 'pk = :pk', ExpressionAttributeValues: { ':pk': pk, ...(sk ? { ':sk': sk } : {}) } }))).Items ?? [];

  beforeAll(() => {
    bare = createLocalRepository(localDir(), 'MyDemoRepo', eventBridgeUrl());
    runner = startPipelineRunner({ localDir: localDir(), emit: eventBridgeEmitter(eventBridgeUrl()), stepMs: 150, accept: (start) => mine.has(start.context.commitId) });
    work = mkdtempSync(join(tmpdir(), 'rc-toolchain-'));
    cpSync(DEMO_APP, work, { recursive: true });
    git(work, 'init', '--quiet', '--initial-branch=main');
  });
  afterAll(() => runner.stop());

  /** Commits the work tree, pushes it to main (other tests push histories of their own), and waits for the execution the push started. */
  async function pushAndRun(message: string): Promise<{ commitId: string; execution: ExecutionResult }> {
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', message);
    const commitId = git(work, 'rev-parse', 'HEAD');
    mine.add(commitId);
    git(work, 'push', '--quiet', '--force', bare, 'main');
    const execution = await eventually(`MyFirstPipeline to run ${commitId.slice(0, 7)}`, async () => runner.results().find((result) => result.pipeline === 'MyFirstPipeline' && result.commitId === commitId));
    return { commitId, execution };
  }

  it('runs MyFirstPipeline on a push to main: the buildspec on the commit, a deployment, the ledger, DORA and a card that ends Succeeded', async () => {
    const { commitId, execution } = await pushAndRun('Add sample application files');
    expect(execution).toMatchObject({ status: 'SUCCEEDED', pipeline: 'MyFirstPipeline' });
    const buildId = execution.actions.find((action) => action.action === 'Build')!.externalExecutionId!;
    const deploymentId = execution.actions.find((action) => action.action === 'Deploy')!.externalExecutionId!;

    // the functions handled the runner's events: on-pipeline counted the release for DORA...
    const counted = await eventually('on-pipeline to count the deployment', async () => functionLines().find((line) => line.message === 'DORA facts counted' && line.executionId === execution.executionId));
    expect((counted.dora as { kind: string }[]).map((fact) => fact.kind)).toEqual(['deployment', 'lead-time']);

    // ...and the ledger holds the execution's timeline, its result, and the build and deployment tied to it by their ids
    const timeline = await eventually('the ledger to hold the whole timeline', async () => {
      const steps = (await query(`EXECUTION#MyFirstPipeline#${execution.executionId}`)).filter((item) => String(item.sk).startsWith('STEP#'));
      // the pipeline started and ended, three stages and three actions each started and ended
      return steps.length >= 14 ? new Map(steps.map((step) => [[step.stage, step.action, step.state].filter(Boolean).join(' '), String(step.at)])) : undefined;
    });
    const stages = ['Source', 'Build', 'Deploy'];
    expect([...timeline.keys()].sort()).toEqual(['STARTED', 'SUCCEEDED', ...stages.flatMap((stage) => [`${stage} STARTED`, `${stage} SUCCEEDED`, `${stage} ${stage} STARTED`, `${stage} ${stage} SUCCEEDED`])].sort());
    // in time (EventBridge's whole seconds): the pipeline around everything, each stage starting after the one before
    const times = [...timeline.values()].sort();
    expect([timeline.get('STARTED'), timeline.get('SUCCEEDED')]).toEqual([times[0], times.at(-1)]);
    expect(stages.map((stage) => timeline.get(`${stage} STARTED`)!)).toEqual(stages.map((stage) => timeline.get(`${stage} STARTED`)!).sort());
    expect(new Set(stages.map((stage) => timeline.get(`${stage} STARTED`))).size).toBe(3);
    // a production deployment, as the runner's ListPipelineExecutions lists it, with its commit's lead time
    const facts = await eventually('the ledger to count the deployment', async () => {
      const claimed = (await ledger().facts('MyFirstPipeline')).filter((fact) => fact.executionId === execution.executionId);
      return claimed.length >= 2 ? claimed : undefined;
    });
    expect(facts).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'deployment' }), expect.objectContaining({ kind: 'lead-time', commitId, seconds: expect.any(Number) })]));
    expect(await ledger().executionOf('build', buildId)).toEqual({ pipeline: 'MyFirstPipeline', executionId: execution.executionId });
    expect(await ledger().executionOf('deployment', deploymentId)).toEqual({ pipeline: 'MyFirstPipeline', executionId: execution.executionId });
    const build = await eventually('on-build to record the build', async () => (await query(`BUILD#${buildId}`, 'BUILD')).find((item) => item.status === 'SUCCEEDED'));
    expect(build).toMatchObject({ project: 'codebuild-demo-project', status: 'SUCCEEDED', pipeline: 'MyFirstPipeline', durationSeconds: expect.any(Number) });
    // its duration from the local GetDeployment: what the runner's CodeDeploy recorded (on-deploy may still be at it)
    const deployment = await eventually('on-deploy to record the deployment', async () => (await query(`DEPLOYMENT#${deploymentId}`, 'DEPLOYMENT')).find((item) => item.state === 'SUCCESS'));
    expect(deployment).toMatchObject({ application: 'MyDemoApplication', deploymentGroup: 'MyDemoDeploymentGroup', state: 'SUCCESS', durationSeconds: expect.any(Number) });

    // one card, posted for the push and updated as the execution went, ending with every stage, the build and the deployment
    // (the execution's events reach the card in any order: the stages' own ends may come after the pipeline's)
    const ended = ['MyFirstPipeline ✅ Succeeded', '✅ Source  →  ✅ Build  →  ✅ Deploy', '✅ Build codebuild-demo-project succeeded', `✅ Deployment ${deploymentId} to MyDemoDeploymentGroup success`, 'Add sample application files'];
    const { updates, replies } = await eventually('the card to show the end', async () => {
      const card = await cardOf(commitId);
      const last = card.updates.at(-1);
      return last && ended.every((shown) => slackMessageAsText(last.blocks).includes(shown)) ? card : undefined;
    });
    expect(updates[0]!.method).toBe('chat.postMessage');
    expect(updates.length).toBeGreaterThan(2);
    expect(replies).toEqual([]);
    // what the instance would serve: the commit the build wrote into revision.txt
    expect(readFileSync(join(runnerFiles(localDir()).instances, 'MyCodePipelineDemo', 'var', 'www', 'html', 'revision.txt'), 'utf8')).toBe(`${commitId} main\n`);
  }, 90_000);

  it('fails the build and the pipeline on a commit whose buildspec command fails, and says which command in the thread', async () => {
    writeFileSync(join(work, 'index.html'), readFileSync(join(work, 'index.html'), 'utf8').replace('</html>', ''));
    const { commitId, execution } = await pushAndRun('Lose the closing tag');
    expect(execution).toMatchObject({ status: 'FAILED', reason: 'Build/Build: Build terminated with state: FAILED' });
    expect(execution.actions.map((action) => `${action.action} ${action.status}`)).toEqual(['Source Succeeded', 'Build Failed']);

    const { updates, replies } = await eventually('the card to show the failure', async () => {
      const card = await cardOf(commitId);
      const last = card.updates.at(-1);
      // the build's failure and the pipeline's (which mentions the author) are two replies, in either order
      return last && slackMessageAsText(last.blocks).includes('Failed') && card.replies.some((reply) => reply.text?.includes('failed in phase BUILD')) ? card : undefined;
    });
    const final = slackMessageAsText(updates.at(-1)!.blocks);
    expect(final).toContain('MyFirstPipeline ❌ Failed');
    expect(final).toContain('✅ Source  →  ❌ Build');
    expect(final).not.toContain('Deploy');
    const reply = replies.map((call) => `${call.text}\n${slackMessageAsText(call.blocks)}`).join('\n');
    expect(reply).toContain('Build codebuild-demo-project failed in phase BUILD');
    expect(reply).toMatch(/COMMAND_EXECUTION_ERROR: Error while executing command: grep -q '(<\/html>|&lt;\/html&gt;)' index.html. Reason: exit status 1/);

    const ended = await eventually('the ledger to record the failure', async () => (await query(`EXECUTION#MyFirstPipeline#${execution.executionId}`)).find((step) => String(step.sk).startsWith('STEP#') && step.state === 'FAILED' && step.stage === undefined));
    expect(ended).toMatchObject({ pipeline: 'MyFirstPipeline', executionId: execution.executionId });
    // a failed execution is no deployment: it counts no DORA fact
    expect((await ledger().facts('MyFirstPipeline')).filter((fact) => fact.executionId === execution.executionId)).toEqual([]);
  }, 90_000);
});
