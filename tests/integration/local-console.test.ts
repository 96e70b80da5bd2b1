import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createLocalRepository } from '../../infra/local/codecommit';
import { putEvents } from '../../infra/local/event-bus-client';
import type { SlackCall } from '../../infra/local/slack';
import { entryFromEvent } from '../../scripts/replay';
import { localFiles } from '../../shared/local/files';
import { readRecordedCalls } from '../../shared/local/recorded-control';
import { readRecordedStarts } from '../../shared/local/recorded-pipelines';
import { openChromium } from '../support/chromium';
import { consoleUrl, eventBridgeUrl, linesAfter, localDir, secrets, slackUrl } from '../support/local-stack-env';
import { sample } from '../support/samples';

// Two releases of MyFirstPipeline through the local stack, as in the demo: the first fails in its
// deployment, the second waits for an approval, is approved and deploys. Then the console, in
// headless Chromium, must show what Slack, the dashboard and the ledger would.
const SCREENSHOTS = join(__dirname, '.out', 'console');

type Event = { id: string; time: string; detail: Record<string, unknown> };
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Mina Kim', '-c', 'user.email=mina@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const publish = (event: Event) => linesAfter(() => putEvents(eventBridgeUrl(), [entryFromEvent(event as never)]));
const slackCalls = async () => (await (await fetch(`${slackUrl()}/_calls`)).json()) as SlackCall[];

function release(executionId: string) {
  const pipeline = (file: string, minutes: number, detail: Record<string, unknown> = {}): Event => {
    const event = sample<Event>(file);
    return { ...event, time: at(minutes), detail: { ...event.detail, 'execution-id': executionId, ...detail } };
  };
  const stage = (name: string, state: string, minutes: number) => pipeline('codepipeline/stage-started.json', minutes, { stage: name, state });
  const action = (stageName: string, name: string, state: string, minutes: number, category: 'Build' | 'Deploy' | 'Approval', externalId?: string) =>
    pipeline(state === 'STARTED' ? 'codepipeline/action-started.json' : state === 'FAILED' ? 'codepipeline/action-failed.json' : 'codepipeline/action-succeeded.json', minutes, {
      stage: stageName,
      action: name,
      state,
      type: { owner: 'AWS', category, provider: { Build: 'CodeBuild', Deploy: 'CodeDeploy', Approval: 'Manual' }[category], version: '1' },
      ...(externalId ? { 'execution-result': { 'external-execution-id': externalId } } : {}),
    });
  const build = (buildId: string, minutes: number): Event => {
    const event = sample<Event>('codebuild/build-succeeded.json');
    const info = event.detail['additional-information'] as object;
    return { ...event, time: at(minutes), detail: { ...event.detail, 'build-id': `arn:aws:codebuild:us-west-2:123456789012:build/${buildId}`, 'additional-information': { ...info, initiator: 'codepipeline/MyFirstPipeline' } } };
  };
  const deployment = (file: string, deploymentId: string, minutes: number): Event => {
    const event = sample<Event>(file);
    return { ...event, time: at(minutes), detail: { ...event.detail, deploymentId } };
  };
  return { pipeline, stage, action, build, deployment };
}

async function push(work: string, bare: string, title: string): Promise<{ commitId: string; executionId: string }> {
  writeFileSync(join(work, 'index.html'), `<h1>${title}</h1>\n`);
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', title);
  const commitId = git(work, 'rev-parse', 'HEAD');
  await linesAfter(async () => void git(work, 'push', '--quiet', '--force', bare, 'main'));
  const start = (await readRecordedStarts(localFiles(localDir()).pipelineStarts)).find((recorded) => recorded.pipeline === 'MyFirstPipeline' && recorded.context.commitId === commitId);
  return { commitId, executionId: start!.executionId };
}

/** The Slack message (in the channel) that shows this commit. */
const messageOf = (page: Page, commitId: string) => page.locator('#messages > .message', { hasText: commitId.slice(0, 7) });
const headerOf = (page: Page, commitId: string) => messageOf(page, commitId).locator('.sk-block').first();

/** What the Vega marks of a dashboard widget say, one aria-label per point. */
const pointsOf = (page: Page, title: string) => page.locator(`.widget[data-title="${title}"] [aria-roledescription="point"]`).evaluateAll((marks) => marks.map((mark) => mark.getAttribute('aria-label') ?? ''));

describe('the local console', () => {
  let browser: Awaited<ReturnType<typeof openChromium>>;
  let page: Page;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await openChromium();
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') process.stderr.write(`page: ${message.text()}\n`);
    });
  });
  afterAll(() => browser?.close());

  it('shows the releases as Slack, the dashboard and the ledger do, updating as events arrive', async () => {
    const bare = createLocalRepository(localDir(), 'MyDemoRepo', eventBridgeUrl());
    const work = mkdtempSync(join(tmpdir(), 'rc-console-'));
    git(work, 'init', '--quiet', '--initial-branch=main');

    // the first release fails in its deployment
    const first = await push(work, bare, 'Show the release banner');
    const a = release(first.executionId);
    for (const event of [
      a.pipeline('codepipeline/pipeline-started.json', 0),
      a.stage('Build', 'STARTED', 1),
      a.build('my-sample-project:0c0501e1-aaaa-4bbb-8ccc-000000000001', 3),
      a.action('Build', 'Build', 'SUCCEEDED', 4, 'Build', 'my-sample-project:0c0501e1-aaaa-4bbb-8ccc-000000000001'),
      a.stage('Build', 'SUCCEEDED', 4),
      a.stage('Prod', 'STARTED', 5),
      a.action('Prod', 'Deploy', 'FAILED', 6, 'Deploy', 'd-CONSOLE01'),
      a.deployment('codedeploy/deployment-failure.json', 'd-CONSOLE01', 6),
      a.stage('Prod', 'FAILED', 6),
      a.pipeline('codepipeline/pipeline-failed.json', 7),
    ]) {
      await publish(event);
    }

    // the second waits for an approval...
    const second = await push(work, bare, 'Fix the banner colour');
    const b = release(second.executionId);
    for (const event of [
      b.pipeline('codepipeline/pipeline-started.json', 8),
      b.stage('Build', 'STARTED', 8),
      b.build('my-sample-project:0c0501e1-aaaa-4bbb-8ccc-000000000002', 9),
      b.action('Build', 'Build', 'SUCCEEDED', 10, 'Build', 'my-sample-project:0c0501e1-aaaa-4bbb-8ccc-000000000002'),
      b.stage('Build', 'SUCCEEDED', 10),
      b.stage('Approve', 'STARTED', 11),
      b.action('Approve', 'Manual', 'STARTED', 11, 'Approval'),
    ]) {
      await publish(event);
    }
    await page.goto(`${consoleUrl()}/#slack`);
    await headerOf(page, second.commitId).filter({ hasText: 'Waiting for approval' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'slack-waiting-for-approval.png'), animations: 'disabled' });

    // ...and, with the page open, is approved and deploys: the same message changes in place
    for (const event of [
      b.action('Approve', 'Manual', 'SUCCEEDED', 13, 'Approval'),
      b.stage('Approve', 'SUCCEEDED', 13),
      b.stage('Prod', 'STARTED', 14),
      b.action('Prod', 'Deploy', 'SUCCEEDED', 15, 'Deploy', 'd-CONSOLE02'),
      b.deployment('codedeploy/deployment-success.json', 'd-CONSOLE02', 15),
      b.stage('Prod', 'SUCCEEDED', 15),
      b.pipeline('codepipeline/pipeline-succeeded.json', 16),
    ]) {
      await publish(event);
    }
    await headerOf(page, second.commitId).filter({ hasText: 'Succeeded' }).waitFor({ timeout: 15_000 });

    // Slack: one message per release, as the local Slack's calls make them, the failure's reply in its thread
    const calls = await slackCalls();
    const posted = calls.filter((call) => call.method === 'chat.postMessage' && !call.thread_ts);
    await page.waitForFunction(`document.querySelectorAll('#messages > .message').length === ${posted.length}`);
    expect(await messageOf(page, first.commitId).count()).toBe(1);
    expect(await messageOf(page, second.commitId).count()).toBe(1);
    expect(await headerOf(page, first.commitId).innerText()).toBe('MyFirstPipeline ❌ Failed');
    expect(await headerOf(page, second.commitId).innerText()).toBe('MyFirstPipeline ✅ Succeeded');
    const card = await messageOf(page, second.commitId).innerText();
    for (const shown of ['Fix the banner colour', 'Mina Kim', '✅ Build  →  ✅ Approve  →  ✅ Prod', '✅ Build my-sample-project succeeded', '✅ Deployment d-CONSOLE02 to myDeploymentGroup success', '(edited)', 'Pipeline execution']) {
      expect(card).toContain(shown);
    }
    expect(card).not.toContain('reply');
    await page.screenshot({ path: join(SCREENSHOTS, 'slack.png'), animations: 'disabled' });

    await messageOf(page, first.commitId).locator('.thread-summary').filter({ hasText: '1 reply' }).click();
    const thread = await page.locator('#thread-messages').innerText();
    expect(thread).toContain('Deployment d-CONSOLE01 to myApplication / myDeploymentGroup failed');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'slack-thread.png'), animations: 'disabled' });

    // the dashboard: the deployed widgets, with points for these releases
    await page.goto(`${consoleUrl()}/#dashboard`);
    await page.locator('.widget[data-title^="Deployment frequency"] [aria-roledescription="point"]').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('.widget h2').allInnerTexts()).toEqual(expect.arrayContaining(['Change fail rate (%)', 'Failed deployment recovery time (median, seconds)', 'Deployment rework rate (%)']));
    expect((await pointsOf(page, 'Deployment frequency (production deployments a day)')).filter((label) => label.includes('MyFirstPipeline'))).not.toEqual([]);
    const executions = await pointsOf(page, 'Pipeline executions');
    for (const series of ['MyFirstPipeline succeeded', 'MyFirstPipeline failed']) expect(executions.filter((label) => label.includes(series))).not.toEqual([]);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true, animations: 'disabled' });

    // the releases: each execution's timeline from the ledger, with the DORA facts claimed for it
    await page.goto(`${consoleUrl()}/#releases`);
    const shipped = page.locator(`.release[data-execution-id="${second.executionId}"]`);
    await shipped.locator('svg').waitFor({ timeout: 15_000 });
    const shippedText = await shipped.innerText();
    for (const shown of ['SUCCEEDED', 'MyFirstPipeline', 'Fix the banner colour', '✓ Production deployment', 'Lead time for changes']) expect(shippedText).toContain(shown);
    const lanes = await shipped.locator('svg [role="graphics-symbol"]').evaluateAll((marks) => marks.map((mark) => mark.getAttribute('aria-label') ?? ''));
    for (const lane of ['Push', 'Pipeline', 'Build / Build', 'Approve / Manual (manual approval)', 'Build my-sample-project', 'Deployment d-CONSOLE02']) {
      expect(lanes.filter((label) => label.includes(`what: ${lane};`))).not.toEqual([]);
    }
    // the first release failed in its deployment: a failed execution, which deployed nothing; no production signal said a deployment failed
    const failed = await page.locator(`.release[data-execution-id="${first.executionId}"]`).innerText();
    for (const shown of ['FAILED', 'not a deployment, no DORA fact', 'Show the release banner']) expect(failed).toContain(shown);
    expect(failed).not.toContain('Failed deployment');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(SCREENSHOTS, 'releases.png'), fullPage: true, animations: 'disabled' });
  }, 180_000);

  it('draws the Block Kit blocks a card may use as Slack does: formatting, fields, images by their alt text, button styles', async () => {
    const button = (text: string, extra: object) => ({ type: 'button', text: { type: 'plain_text', text }, action_id: text.toLowerCase(), ...extra });
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Release 42 is ready' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*Bold* _italic_ ~struck~ `code` <https://example.com/r/42|a link> &lt;b&gt;not a tag&lt;/b&gt;\n>quoted' }, accessory: button('Open', { url: 'https://example.com/r/42' }) },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Pipeline*\nMyFirstPipeline' }, { type: 'mrkdwn', text: '*Stage*\nProd' }], accessory: { type: 'image', image_url: 'https://example.com/i.png', alt_text: 'pipeline diagram' } },
      { type: 'divider' },
      { type: 'image', image_url: 'https://example.com/chart.png', alt_text: 'lead time chart', title: { type: 'plain_text', text: 'Lead time' } },
      { type: 'context', elements: [{ type: 'image', image_url: 'https://example.com/a.png', alt_text: 'avatar of Mina Kim' }, { type: 'mrkdwn', text: 'pushed by *Mina Kim*' }] },
      { type: 'actions', elements: [button('Approve', { style: 'primary' }), button('Reject', { style: 'danger' }), button('Logs', { url: 'https://example.com/logs' })] },
    ];
    await fetch(`${slackUrl()}/webhook/T000/B000/local`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Release 42 is ready', blocks }) });

    await page.goto(`${consoleUrl()}/#slack`);
    await page.locator('.channel', { hasText: 'incoming webhook' }).click();
    const message = page.locator('#messages > .message', { hasText: 'Release 42 is ready' });
    await message.waitFor({ timeout: 15_000 });
    expect(await message.locator('.sk-header').innerText()).toBe('Release 42 is ready');
    const text = message.locator('.sk-text').first();
    expect(await text.locator('b, i, s, code').allInnerTexts()).toEqual(['Bold', 'italic', 'struck', 'code']);
    expect(await text.locator('a').getAttribute('href')).toBe('https://example.com/r/42');
    expect(await text.innerText()).toContain('a link <b>not a tag</b>');
    expect(await text.locator('blockquote').innerText()).toBe('quoted');
    expect(await message.locator('.sk-field').allInnerTexts()).toEqual(['Pipeline\nMyFirstPipeline', 'Stage\nProd']);
    expect(await message.locator('hr.sk-divider').count()).toBe(1);
    expect(await message.locator('[role="img"]').evaluateAll((images) => images.map((image) => image.getAttribute('aria-label')))).toEqual(['pipeline diagram', 'lead time chart', 'avatar of Mina Kim']);
    expect(await message.locator('.sk-image-large').innerText()).toContain('lead time chart');
    expect(await message.locator('.sk-context').innerText()).toContain('pushed by Mina Kim');
    const buttons = await message.locator('.sk-button').evaluateAll((elements) => elements.map((element) => `${element.textContent} ${element.className}`));
    expect(buttons).toEqual(['Open sk-button', 'Approve sk-button sk-button-primary', 'Reject sk-button sk-button-danger', 'Logs sk-button']);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'slack-block-kit.png'), animations: 'disabled' });
  });

  it("presses a card's buttons as Slack would: signed to the local endpoint, as the user picked, the answer shown only to them", async () => {
    const bare = createLocalRepository(localDir(), 'MyDemoRepo', eventBridgeUrl());
    const work = mkdtempSync(join(tmpdir(), 'rc-console-press-'));
    git(work, 'init', '--quiet', '--initial-branch=main');
    const waiting = await push(work, bare, 'Ask before the banner ships');
    const c = release(waiting.executionId);
    for (const event of [
      c.pipeline('codepipeline/pipeline-started.json', 0),
      c.stage('Build', 'STARTED', 0),
      c.action('Build', 'Build', 'SUCCEEDED', 1, 'Build', 'my-sample-project:0c0501e1-aaaa-4bbb-8ccc-000000000003'),
      c.stage('Build', 'SUCCEEDED', 1),
      c.stage('Approve', 'STARTED', 2),
      c.action('Approve', 'Manual', 'STARTED', 2, 'Approval'),
    ]) {
      await publish(event);
    }
    await page.goto(`${consoleUrl()}/#slack`);
    const card = messageOf(page, waiting.commitId);
    // the page may still show another channel: #deploys is the policy's
    await page.locator('.channel', { hasText: 'deploys' }).click();
    await headerOf(page, waiting.commitId).filter({ hasText: 'Waiting for approval' }).waitFor({ timeout: 15_000 });
    const button = (label: string) => card.locator('button.sk-button', { hasText: label });
    const answers = card.locator('.ephemeral');
    const recorded = async () => (await readRecordedCalls(localFiles(localDir()).pipelineControl)).filter((call) => call.executionId === waiting.executionId);
    // the picker offers the users release-policy.yml names, its first approver first
    expect(await page.locator('#acting-user').inputValue()).toBe('U0LOCALDEV');
    expect(await page.locator('#policy-users option').evaluateAll((options) => options.map((option) => option.getAttribute('value')))).toEqual(expect.arrayContaining(['U0LOCALDEV', 'U0MINA']));

    // someone release-policy.yml does not name: refused, only they see why, nothing done
    await page.locator('#acting-user').fill('U0EVE');
    await button('Approve').click();
    await answers.filter({ hasText: 'Not approved' }).waitFor({ timeout: 20_000 });
    expect(await answers.first().innerText()).toMatch(/^Only visible to you \(U0EVE\)\n🚫 Not approved: MyFirstPipeline \/ Approve \/ Manual .*you are not among the people release-policy.yml lets approve MyFirstPipeline \/ Approve\./s);
    expect(await recorded()).toEqual([]);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'slack-press-refused.png'), animations: 'disabled' });

    // the console's server signs only the presses of buttons a message shows, from its own page
    const ts = (await card.getAttribute('data-ts'))!;
    const channel = (await slackCalls()).find((call) => call.ts === ts)!.channel;
    const forged = { channel, ts, actionId: 'rc:approve', value: JSON.stringify({ pipeline: 'MyFirstPipeline', executionId: waiting.executionId, stage: 'Prod' }), user: 'U0LOCALDEV' };
    const pressFrom = (body: object, headers: Record<string, string> = {}) => fetch(`${consoleUrl()}/api/press`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await pressFrom(forged)).status).toBe(409);
    const shown = await button('Approve').getAttribute('data-value');
    expect((await pressFrom({ ...forged, value: shown }, { origin: 'https://example.com' })).status).toBe(403);
    expect((await pressFrom({ ...forged, value: shown, user: 'mallory' })).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await recorded()).toEqual([]);

    // "With a comment…" opens Slack's modal for the one who pressed
    await page.locator('#acting-user').fill('U0LOCALDEV');
    await button('With a comment').click();
    await answers.filter({ hasText: 'Slack opened a modal for you: Approve or reject' }).waitFor({ timeout: 15_000 });
    expect(await recorded()).toEqual([]);

    // an approver: approved (the dry run records PutApprovalResult, naming them), and the card says who approved
    await button('Approve').click();
    await answers.filter({ hasText: 'You approved' }).waitFor({ timeout: 20_000 });
    expect(await answers.filter({ hasText: 'You approved' }).innerText()).toContain(`✅ You approved MyFirstPipeline / Approve / Manual (execution ${waiting.executionId}): approved (dry run: recorded, not sent).`);
    await card.filter({ hasText: 'approved by @U0LOCALDEV from Slack' }).waitFor({ timeout: 20_000 });
    expect(await recorded()).toEqual([expect.objectContaining({ call: 'PutApprovalResult', pipeline: 'MyFirstPipeline', stage: 'Approve', action: 'Manual', approved: true, summary: expect.stringMatching(/^Approved from Slack by u0localdev \(Slack U0LOCALDEV\)/) })]);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'slack-press-approved.png'), animations: 'disabled' });

    // the signing secret stays in the console's server: not in the page, nor in what it fetched
    const seen = [await page.content(), await page.evaluate(async () => (await fetch('/api/slack')).text())].join('\n');
    for (const secret of secrets()) expect(seen).not.toContain(secret);
  }, 120_000);
});
