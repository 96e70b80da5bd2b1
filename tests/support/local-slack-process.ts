/**
 * The local Slack (infra/local/slack.ts) in a process of its own, for the replay: the functions
 * under test keep the test's process busy, and Slack's answers must not wait on them.
 */
import { spawn } from 'node:child_process';
import type { SlackCall } from '../../infra/local/slack';
import { startLocalSlack } from '../../infra/local/slack';

export interface SlackProcess {
  url: string;
  apiUrl: string;
  calls(): Promise<SlackCall[]>;
  close(): Promise<void>;
}

export async function spawnLocalSlack(botToken: string): Promise<SlackProcess> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), __filename, 'serve', botToken], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the local Slack exited with ${code}`)));
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return {
    url,
    apiUrl: `${url}/api/`,
    calls: async () => (await (await fetch(`${url}/_calls`)).json()) as SlackCall[],
    close: () => new Promise((resolve) => (child.exitCode === null ? child.once('exit', () => resolve()).kill() : resolve())),
  };
}

// `tsx tests/support/local-slack-process.ts serve <bot token>`: prints its URL, serves until killed
if (require.main === module && process.argv[2] === 'serve') {
  void startLocalSlack(process.argv[3]!).then(({ url }) => process.stdout.write(`${url}\n`));
}
