import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { LOCAL_CREDENTIALS } from '../../infra/local/endpoints';
import type { SlackCall } from '../../infra/local/slack';
import { localFiles } from '../../shared/local/files';
import { messageAttributes, type ReleaseNotification } from '../../shared/release-notification';
import { lambdaUrl, localDir, slackUrl, snsUrl } from '../support/local-stack-env';

const ROOT = join(__dirname, '..', '..');
const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000) => {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
};

const sns = new SNSClient({ endpoint: snsUrl(), region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
const fault = (body: object) => fetch(`${slackUrl()}/_faults`, { method: 'POST', body: JSON.stringify(body) });

async function publishBuild(project: string): Promise<ReleaseNotification> {
  const notification: ReleaseNotification = {
    id: `${project}-${Date.now()}`, kind: 'build', severity: 'success', team: 'platform', at: new Date().toISOString(), region: 'us-east-1', result: 'SUCCEEDED',
    build: { id: `${project}:1`, project }, links: [],
  };
  await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:release-conductor-local-releases', Message: JSON.stringify(notification), MessageAttributes: messageAttributes(notification) }));
  return notification;
}

async function redriveUntilShown(file: string, project: string) {
  const output = execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/redrive.ts', file, '--lambda-endpoint', lambdaUrl()], { cwd: ROOT, encoding: 'utf8' });
  expect(output).toMatch(/^redrove [1-9]\d*; kept 0/);
  expect(readFileSync(file, 'utf8')).toBe('');
  await until('the card in Slack', async () => ((await (await fetch(`${slackUrl()}/_calls`)).json()) as SlackCall[]).some((call) => call.text === `Build ${project} ✅ Succeeded`));
}

describe('npm run redrive', () => {
  const file = () => localFiles(localDir()).deadLetters;

  it('hands a notification Slack refused for good back to notify-slack once Slack takes it, and empties the dead letters', async () => {
    await fault({ error: 'channel_not_found', times: 1 });
    const notification = await publishBuild('redrive-project');
    await until('the dead letter', () => existsSync(file()) && readFileSync(file(), 'utf8').includes(notification.id));
    expect(readFileSync(file(), 'utf8')).toContain("Slack refused the delivery: Slack's chat.postMessage answered channel_not_found");
    await redriveUntilShown(file(), 'redrive-project');
  });

  it("keeps what failed Lambda's three attempts where the on-failure destination would, and redrives it", async () => {
    // each attempt: Slack's call and its three retries (the later attempts first look for an earlier post)
    await fault({ status: 500, times: 12 });
    const notification = await publishBuild('outage-project');
    await until('the on-failure record', () => existsSync(file()) && readFileSync(file(), 'utf8').includes(notification.id), 20_000);
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toMatchObject({ requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 }, responsePayload: { errorMessage: 'Slack answered 500' } });
    await redriveUntilShown(file(), 'outage-project');
  });
});
