import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localFiles } from '../../shared/local/files';
import { readRecordedCalls } from '../../shared/local/recorded-control';
import { createLocalRepository } from '../../infra/local/codecommit';
import { interactionBody, signedHeaders, viewSubmissionBody, type Interaction } from '../../infra/local/slack-click';
import { slackSignature } from '../../shared/slack-signature';
import { eventBridgeUrl, localDir, secrets, slackUrl } from '../support/local-stack-env';
import { assertNoSecret } from '../support/secrets';

// The security suite: Slack's button presses over HTTP against POST /slack/interactions on the
// local stack (serverless-offline's HTTP API, the real handler, the local Parameter Store's signing
// secret), then act-from-slack invoked asynchronously, as in AWS. release-policy.yml lets U0LOCALDEV
// and U0MINA approve MyFirstPipeline, and the S0RELEASE group (U0RELEASER in the local Slack).
// Every refusal is checked for its answer and for having no effect: nothing recorded for the
// execution (the dry run's PutApprovalResult, RetryStageExecution, RollbackStage) and, where the
// endpoint refuses, no answer in Slack either.

const api = () => `${process.env.RC_TEST_HTTP_URL}/slack/interactions`;
const signingSecret = () => process.env.RC_TEST_SIGNING_SECRET as string;
const now = () => Math.floor(Date.now() / 1000);
/** Everything any answer, response or log line is checked against. */
const outputs: string[] = [];

interface Press extends Partial<Interaction> {
  executionId?: string;
}

/** A press on the Approve button of a fresh execution's waiting approval (unless told otherwise), with its response_url in the local Slack. */
function press({ executionId = randomUUID(), ...over }: Press = {}) {
  const id = randomUUID();
  const body = interactionBody({
    action: 'approve',
    value: { pipeline: 'MyFirstPipeline', executionId, stage: 'Approval', action: 'ManualApproval' },
    user: 'U0LOCALDEV',
    responseUrl: `${slackUrl()}/actions/${id}`,
    ...over,
  });
  return { id, executionId, body };
}

async function post(body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(api(), { method: 'POST', headers, body });
  const text = await response.text();
  outputs.push(text);
  return { status: response.status, body: text ? (JSON.parse(text) as { error?: string; message?: string }) : {} };
}

const responses = async () => (await (await fetch(`${slackUrl()}/_responses`)).json()) as { id: string; text: string; response_type: string }[];

/** The ephemeral answers to a press, once act-from-slack has given one (or `expected`). */
async function answersTo(id: string, expected = 1): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  let found: string[] = [];
  while (Date.now() < deadline) {
    found = (await responses()).filter((answer) => answer.id === id).map((answer) => answer.text);
    if (found.length >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  outputs.push(...found);
  return found;
}

/** The latest text the local Slack shows for the execution's card, once it holds `expected`. */
async function cardText(executionId: string, expected: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  let text = '';
  while (Date.now() < deadline) {
    const calls = (await (await fetch(`${slackUrl()}/_calls`)).json()) as { blocks?: unknown[] }[];
    text = calls.map((call) => JSON.stringify(call.blocks ?? [])).filter((blocks) => blocks.includes(executionId)).at(-1) ?? '';
    if (text.includes(expected)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  outputs.push(text);
  return text;
}

const recordedFor = async (executionId: string) => (await readRecordedCalls(localFiles(localDir()).pipelineControl)).filter((call) => call.executionId === executionId);

/** No effect: after time enough for act-from-slack to have run, nothing recorded and nobody answered. */
async function expectNoEffect(id: string, executionId: string) {
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await recordedFor(executionId)).toEqual([]);
  expect((await responses()).filter((answer) => answer.id === id)).toEqual([]);
}

describe('POST /slack/interactions refuses what is not a signed Slack press, with no effect', () => {
  it.each([
    ['a stale timestamp (5 minutes and a second old)', (body: string) => signedHeaders(signingSecret(), body, now() - 301)],
    ['a future timestamp (5 minutes and a second ahead)', (body: string) => signedHeaders(signingSecret(), body, now() + 301)],
    ['a wrong secret', (body: string) => signedHeaders(`${signingSecret()}x`, body)],
    ['no signature header', (body: string) => ({ ...signedHeaders(signingSecret(), body), 'x-slack-signature': undefined })],
    ['no timestamp header', (body: string) => ({ ...signedHeaders(signingSecret(), body), 'x-slack-request-timestamp': undefined })],
    ['a malformed signature (v1)', (body: string) => ({ ...signedHeaders(signingSecret(), body), 'x-slack-signature': slackSignature(signingSecret(), String(now()), body).replace('v0=', 'v1=') })],
    ['a malformed timestamp', (body: string) => ({ ...signedHeaders(signingSecret(), body), 'x-slack-request-timestamp': 'yesterday' })],
    ['the signature of another time', (body: string) => ({ ...signedHeaders(signingSecret(), body, now() - 10), 'x-slack-request-timestamp': String(now()) })],
  ])('%s: 401', async (_, headersFor) => {
    const { id, executionId, body } = press();
    const headers = Object.fromEntries(Object.entries(headersFor(body)).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const answer = await post(body, headers);
    expect(answer).toMatchObject({ status: 401, body: { error: 'InvalidSignature' } });
    await expectNoEffect(id, executionId);
  });

  it('a tampered body (another user put in after signing): 401', async () => {
    const { id, executionId, body } = press({ user: 'U0EVE' });
    const headers = signedHeaders(signingSecret(), body);
    expect(await post(body.replace('U0EVE', 'U0LOCALDEV'), headers)).toMatchObject({ status: 401, body: { error: 'InvalidSignature' } });
    await expectNoEffect(id, executionId);
  });

  it('an oversized payload, even signed: 413', async () => {
    const { id, executionId, body } = press();
    const large = `${body}&padding=${'x'.repeat(70 * 1024)}`;
    expect(await post(large, signedHeaders(signingSecret(), large))).toMatchObject({ status: 413, body: { error: 'PayloadTooLarge' } });
    await expectNoEffect(id, executionId);
  });

  it.each([
    ['a body that is no form', '{"type":"block_actions"}'],
    ['a payload that is no JSON', 'payload=%7Bnot%20json'],
    ['a payload of another type', `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: 'U0LOCALDEV' } }))}`],
    ['a payload without actions', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U0LOCALDEV' }, actions: [] }))}`],
  ])('%s, signed: 400', async (_, body) => {
    expect(await post(body, signedHeaders(signingSecret(), body))).toMatchObject({ status: 400, body: { error: 'MalformedInteraction' } });
  });

  it('a button value that names no target (or carries more than one), signed: 400, no effect', async () => {
    const executionId = randomUUID();
    const { id, body } = press({ value: JSON.stringify({ pipeline: 'MyFirstPipeline', executionId, stage: 'Approval', action: 'ManualApproval', token: 'smuggled' }) });
    expect(await post(body, signedHeaders(signingSecret(), body))).toMatchObject({ status: 400, body: { error: 'MalformedInteraction' } });
    await expectNoEffect(id, executionId);
  });

  it('a response_url that is not Slack\'s, signed: 400, no effect (nothing posted there)', async () => {
    const { id, executionId, body } = press({ responseUrl: `${process.env.RC_TEST_HTTP_URL}/actions/${randomUUID()}` });
    expect(await post(body, signedHeaders(signingSecret(), body))).toMatchObject({ status: 400, body: { error: 'MalformedInteraction', message: "expected a response_url of Slack's" } });
    await expectNoEffect(id, executionId);
  });

  it('an unknown action, signed: 400, no effect', async () => {
    const { id, executionId, body } = press({ action: 'rc:deploy' });
    expect(await post(body, signedHeaders(signingSecret(), body))).toMatchObject({ status: 400, body: { error: 'UnknownAction' } });
    await expectNoEffect(id, executionId);
  });
});

describe('a signed press acts once, for the people release-policy.yml names', () => {
  it('approves for an approver, answers them, and records PutApprovalResult naming them', async () => {
    const { id, executionId, body } = press();
    expect(await post(body, signedHeaders(signingSecret(), body))).toMatchObject({ status: 200 });
    expect(await answersTo(id)).toEqual([`✅ You approved MyFirstPipeline / Approval / ManualApproval (execution ${executionId}): approved (dry run: recorded, not sent).`]);
    expect(await recordedFor(executionId)).toEqual([
      expect.objectContaining({ call: 'PutApprovalResult', pipeline: 'MyFirstPipeline', stage: 'Approval', action: 'ManualApproval', approved: true, summary: expect.stringMatching(/^Approved from Slack by u0localdev \(Slack U0LOCALDEV\) at /) }),
    ]);
    // and the release's card says who approved, through the topic and notify-slack
    expect(await cardText(executionId, 'approved by <@U0LOCALDEV>')).toMatch(/👍 ManualApproval in Approval approved by <@U0LOCALDEV> from Slack at \d\d:\d\d UTC/);
  });

  it('approves for a member of a group the policy names', async () => {
    const { id, executionId, body } = press({ user: 'U0RELEASER' });
    await post(body, signedHeaders(signingSecret(), body));
    expect(await answersTo(id)).toEqual([expect.stringMatching(/^✅ You approved/)]);
    expect(await recordedFor(executionId)).toHaveLength(1);
  });

  it('a replayed request (the same body and signature again, and as Slack retries it): acts once', async () => {
    const { id, executionId, body } = press();
    const headers = signedHeaders(signingSecret(), body);
    const answers = [await post(body, headers), await post(body, headers), await post(body, { ...headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(await answersTo(id)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await answersTo(id)).toHaveLength(1);
    expect(await recordedFor(executionId)).toHaveLength(1);
  });

  it('a double click (two presses at once): acts once, and tells the second press why not', async () => {
    const executionId = randomUUID();
    const first = press({ executionId });
    const second = press({ executionId });
    await Promise.all([first, second].map(({ body }) => post(body, signedHeaders(signingSecret(), body))));
    const answers = [...(await answersTo(first.id)), ...(await answersTo(second.id))];
    expect(answers.sort()).toEqual([expect.stringMatching(/^✅ You approved/), expect.stringMatching(/^🚫 Not approved: .*someone is already acting on it/)].sort());
    expect(await recordedFor(executionId)).toHaveLength(1);
  });

  it('a user the policy does not name: refused in Slack, no effect', async () => {
    const { id, executionId, body } = press({ user: 'U0EVE' });
    expect(await post(body, signedHeaders(signingSecret(), body))).toMatchObject({ status: 200 });
    expect(await answersTo(id)).toEqual([`🚫 Not approved: MyFirstPipeline / Approval / ManualApproval (execution ${executionId}): you are not among the people release-policy.yml lets approve MyFirstPipeline / Approval.`]);
    expect(await recordedFor(executionId)).toEqual([]);
  });

  it('an action the policy lets nobody take on that pipeline: refused in Slack, no effect', async () => {
    const executionId = randomUUID();
    const { id, body } = press({ executionId, action: 'retry', value: { pipeline: 'feature-preview', executionId, stage: 'Build' } });
    await post(body, signedHeaders(signingSecret(), body));
    expect(await answersTo(id)).toEqual([expect.stringContaining('release-policy.yml lets nobody retry feature-preview / Build from Slack')]);
    expect(await recordedFor(executionId)).toEqual([]);
  });

  it("self-approval (the commit's author, by the policy's people map): refused in Slack, no effect", async () => {
    const executionId = randomUUID();
    const commitId = authoredCommit('mina@example.com');
    // the execution as the dry run records a start: its commit is the one Mina wrote
    appendFileSync(localFiles(localDir()).pipelineStarts, `${JSON.stringify({ pipeline: 'MyFirstPipeline', executionId, clientRequestToken: executionId, variables: [], context: { repository: 'MyDemoRepo', branch: 'main', commitId, reason: 'test' }, recordedAt: new Date().toISOString() })}\n`);
    const { id, body } = press({ executionId, user: 'U0MINA' });
    await post(body, signedHeaders(signingSecret(), body));
    expect(await answersTo(id)).toEqual([expect.stringContaining('you wrote this change: someone else must approve it')]);
    expect(await recordedFor(executionId)).toEqual([]);

    // and another approver may
    const other = press({ executionId });
    await post(other.body, signedHeaders(signingSecret(), other.body));
    expect(await answersTo(other.id)).toEqual([expect.stringMatching(/^✅ You approved/)]);
  });

  it('an approval no longer waiting (decided in the console): refused in Slack, nothing more recorded', async () => {
    const executionId = randomUUID();
    appendFileSync(localFiles(localDir()).pipelineControl, `${JSON.stringify({ call: 'PutApprovalResult', pipeline: 'MyFirstPipeline', executionId, stage: 'Approval', action: 'ManualApproval', approved: true, summary: 'in the console' })}\n`);
    const { id, body } = press({ executionId, action: 'reject' });
    await post(body, signedHeaders(signingSecret(), body));
    expect(await answersTo(id)).toEqual([`🚫 Not rejected: MyFirstPipeline / Approval / ManualApproval (execution ${executionId}): the approval is no longer waiting (decided, expired or superseded).`]);
    expect(await recordedFor(executionId)).toHaveLength(1);
  });

  it('retries and rolls back for the person the policy names', async () => {
    const executionId = randomUUID();
    for (const action of ['retry', 'rollback'] as const) {
      const { id, body } = press({ executionId, action, value: { pipeline: 'MyFirstPipeline', executionId, stage: 'Deploy' } });
      await post(body, signedHeaders(signingSecret(), body));
      expect(await answersTo(id)).toEqual([expect.stringMatching(/^✅ You (retried|rolled back) MyFirstPipeline \/ Deploy/)]);
    }
    expect((await recordedFor(executionId)).map((call) => call.call)).toEqual(['RetryStageExecution', 'RollbackStage']);
  });
});

describe('approve or reject with a comment, in a modal', () => {
  it('opens the modal on a press, and its submission rejects with the comment, answered only to the person, once, and shown on the card', async () => {
    const executionId = randomUUID();
    const { body } = press({ executionId, action: 'rc:decide' });
    expect(await post(body, signedHeaders(signingSecret(), body))).toMatchObject({ status: 200 });
    const views = (await (await fetch(`${slackUrl()}/_views`)).json()) as { view: { callback_id: string; private_metadata: string } }[];
    const opened = views.find(({ view }) => view.private_metadata.includes(executionId));
    expect(opened?.view).toMatchObject({ callback_id: 'rc:decide', private_metadata: JSON.stringify({ target: { pipeline: 'MyFirstPipeline', executionId, stage: 'Approval', action: 'ManualApproval' }, channel: 'C00000001' }) });
    outputs.push(JSON.stringify(opened));
    expect(await recordedFor(executionId)).toEqual([]);

    const submitted = viewSubmissionBody({ viewId: `V${randomBytes(6).toString('hex').toUpperCase()}`, privateMetadata: opened!.view.private_metadata, decision: 'reject', comment: 'breaks login', user: 'U0LOCALDEV' });
    const headers = signedHeaders(signingSecret(), submitted);
    expect((await Promise.all([post(submitted, headers), post(submitted, headers)])).map((answer) => answer.status)).toEqual([200, 200]);
    const answered = async () => (await responses()).filter((answer) => answer.id === 'ephemeral/C00000001/U0LOCALDEV' && answer.text.includes(executionId)).map((answer) => answer.text);
    const deadline = Date.now() + 20_000;
    while ((await answered()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await answered()).toEqual([expect.stringMatching(/^✅ You rejected MyFirstPipeline \/ Approval \/ ManualApproval/)]);
    expect(await recordedFor(executionId)).toEqual([expect.objectContaining({ call: 'PutApprovalResult', approved: false, summary: expect.stringMatching(/^Rejected from Slack by u0localdev \(Slack U0LOCALDEV\) at .*: breaks login$/) })]);
    expect(await cardText(executionId, 'breaks login')).toMatch(/👎 ManualApproval in Approval rejected by <@U0LOCALDEV> from Slack at \d\d:\d\d UTC: “breaks login”/);
  });

  it('refuses a submission signed with another secret, acting on nothing', async () => {
    const executionId = randomUUID();
    const submitted = viewSubmissionBody({ viewId: 'V0FORGED1', privateMetadata: JSON.stringify({ target: { pipeline: 'MyFirstPipeline', executionId, stage: 'Approval', action: 'ManualApproval' } }), decision: 'approve', user: 'U0LOCALDEV' });
    expect(await post(submitted, signedHeaders(`${signingSecret()}x`, submitted))).toMatchObject({ status: 401, body: { error: 'InvalidSignature' } });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await recordedFor(executionId)).toEqual([]);
  });
});

describe('npm run slack -- click', () => {
  const cli = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [join(__dirname, '../../node_modules/tsx/dist/cli.mjs'), join(__dirname, '../../scripts/slack.ts'), 'click', ...args, '--api', process.env.RC_TEST_HTTP_URL!, '--slack', slackUrl(), '--ssm', process.env.RC_TEST_SSM_URL!], { encoding: 'utf8' }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );

  it('presses a button as Slack would, signed with the secret in the local Parameter Store, and prints the answer', async () => {
    const executionId = randomUUID();
    const output = await cli('approve', '--execution', executionId, '--stage', 'Approval', '--action', 'ManualApproval');
    outputs.push(output);
    expect(output).toContain('POST /slack/interactions: 200');
    expect(output).toContain(`Slack (only you see this): ✅ You approved MyFirstPipeline / Approval / ManualApproval (execution ${executionId})`);
    expect(await recordedFor(executionId)).toHaveLength(1);
  }, 60_000);

  it('prints the refusal for someone the policy does not name', async () => {
    const executionId = randomUUID();
    const output = await cli('retry', '--execution', executionId, '--stage', 'Deploy', '--user', 'U0EVE');
    outputs.push(output);
    expect(output).toContain('Slack (only you see this): 🚫 Not retried');
    expect(await recordedFor(executionId)).toEqual([]);
  }, 60_000);
});

describe('no secret in any output', () => {
  it('shows neither the signing secret nor the bot token in an answer, a Slack response or the log', () => {
    const log = readFileSync(join(localDir(), 'stack.log'), 'utf8');
    for (const text of [...outputs, log]) {
      assertNoSecret(text, 'an answer of the interaction endpoint');
      for (const secret of [signingSecret(), ...secrets()]) expect(text).not.toContain(secret);
    }
    expect(outputs.length).toBeGreaterThan(20);
    expect(log).not.toContain('smuggled');
  });
});

/** A commit by `email` in the local MyDemoRepo, made without pushing (no hook runs, no pipeline starts). */
function authoredCommit(email: string): string {
  const gitDir = join(localFiles(localDir()).gitRepositories, 'MyDemoRepo.git');
  if (!existsSync(gitDir)) createLocalRepository(localDir(), 'MyDemoRepo', eventBridgeUrl());
  const git = (args: string[], input?: string) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], { input, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Mina Kim', GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: 'Mina Kim', GIT_COMMITTER_EMAIL: email } }).trim();
  const tree = git(['mktree'], '');
  return git(['commit-tree', tree, '-m', `Change by ${email} ${randomUUID()}`]);
}
