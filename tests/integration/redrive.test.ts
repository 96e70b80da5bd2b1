import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { LOCAL_CREDENTIALS } from '../../scripts/local-dynamodb';
import type { SlackCall } from '../../scripts/local-slack';
import { localFiles } from '../../shared/local/files';
import { messageAttributes, type ReleaseNotification } from '../../shared/release-notification';
import { lambdaUrl, localDir, slackUrl, snsUrl } from '../support/local-stack-env';

const ROOT = join(__dirname, '..', '..');
const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000) => {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
};

describe('npm run redrive', () => {
  it('hands a notification Slack refused back to notify-slack once Slack is back, and empties the dead letters', async () => {
    const notification: ReleaseNotification = {
      id: `redrive-${Date.now()}`, kind: 'build', severity: 'success', team: 'platform', at: new Date().toISOString(), region: 'us-east-1', result: 'SUCCEEDED',
      build: { id: 'redrive-project:1', project: 'redrive-project' }, links: [],
    };
    await fetch(`${slackUrl()}/_faults`, { method: 'POST', body: JSON.stringify({ status: 500, times: 4 }) });
    const sns = new SNSClient({ endpoint: snsUrl(), region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:release-conductor-local-releases', Message: JSON.stringify(notification), MessageAttributes: messageAttributes(notification) }));

    const file = localFiles(localDir()).deadLetters;
    await until('the dead letter', () => existsSync(file) && readFileSync(file, 'utf8').includes(notification.id));
    expect(readFileSync(file, 'utf8')).toContain('Slack delivery failed');

    const output = execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/redrive.ts', file, '--lambda-endpoint', lambdaUrl()], { cwd: ROOT, encoding: 'utf8' });
    expect(output).toMatch(/^redrove [1-9]\d*; kept 0/);
    expect(readFileSync(file, 'utf8')).toBe('');
    await until('the card in Slack', async () => ((await (await fetch(`${slackUrl()}/_calls`)).json()) as SlackCall[]).some((call) => call.text === 'Build redrive-project ✅ Succeeded'));
  });
});
