import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLogLines } from '../../infra/local/stack';

// The local stack tests/integration/global-setup.ts started, shared by the integration tests.
export const eventBridgeUrl = () => process.env.RC_TEST_EVENTBRIDGE_URL as string;
export const dynamoDbUrl = () => process.env.RC_TEST_DYNAMODB_URL as string;
export const localDir = () => process.env.RC_TEST_LOCAL_DIR as string;
export const lambdaUrl = () => process.env.RC_TEST_LAMBDA_URL as string;
export const slackUrl = () => process.env.RC_TEST_SLACK_URL as string;
export const snsUrl = () => process.env.RC_TEST_SNS_URL as string;
export const consoleUrl = () => process.env.RC_TEST_CONSOLE_URL as string;
/** What no log line may contain: the local Slack bot token. */
export const secrets = () => JSON.parse(process.env.RC_TEST_SECRETS ?? '[]') as string[];

/** A stack's function log lines, the hello API's left out. */
export const functionLinesOf = (stackLog: string) => () => parseLogLines(readFileSync(stackLog, 'utf8')).filter((line) => typeof line.function === 'string' && line.function !== 'hello');
const globalStackLines = () => functionLinesOf(join(localDir(), 'stack.log'))();

/** The function log lines written after `act`, once a function has answered and the stack is quiet again (or after 3 × `quietMs` of nothing). */
export async function linesAfter(act: () => Promise<unknown>, quietMs = 600, functionLines = globalStackLines): Promise<Record<string, unknown>[]> {
  const before = functionLines().length;
  await act();
  const deadline = Date.now() + 20_000;
  let count = before;
  let changedAt = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = functionLines().length;
    if (now !== count) [count, changedAt] = [now, Date.now()];
    if (Date.now() - changedAt > (count > before ? quietMs : 3 * quietMs)) break;
  }
  return functionLines().slice(before);
}
