import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { setup as temporaryFoldersOfTheRun } from '../support/temporary-folders.cjs';

declare global {
  var localStack: LocalStack | undefined;
}

export default async function globalSetup(): Promise<void> {
  temporaryFoldersOfTheRun();
  // Lambda retries a failed asynchronous invocation after a minute; the tests that expect a retry wait seconds
  process.env.RC_LOCAL_RETRY_DELAYS_MS ??= '1000,2000';
  // the tests send the pipeline events they need themselves; local-pipeline.test.ts runs its own pipeline runner, for its own commits
  process.env.RC_LOCAL_PIPELINES ??= 'record';
  const stack = await startLocalStack(mkdtempSync(join(tmpdir(), 'rc-stack-')));
  globalThis.localStack = stack;
  process.env.RC_TEST_HTTP_URL = stack.httpUrl;
  process.env.RC_TEST_EVENTBRIDGE_URL = stack.eventBridgeUrl;
  process.env.RC_TEST_DYNAMODB_URL = stack.dynamoDbUrl;
  process.env.RC_TEST_LOCAL_DIR = stack.localDir;
  process.env.RC_TEST_LAMBDA_URL = stack.lambdaUrl;
  process.env.RC_TEST_SLACK_URL = stack.slack.url;
  process.env.RC_TEST_SNS_URL = stack.snsUrl;
  process.env.RC_TEST_CONSOLE_URL = stack.consoleUrl;
  process.env.RC_TEST_SECRETS = JSON.stringify(stack.secrets);
  process.env.RC_TEST_SIGNING_SECRET = stack.signingSecret;
  process.env.RC_TEST_SSM_URL = stack.ssmUrl;
}
