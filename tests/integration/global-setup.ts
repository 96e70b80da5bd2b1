import { startLocalStack, type LocalStack } from './local-stack';

declare global {
  var localStack: LocalStack | undefined;
}

export default async function globalSetup(): Promise<void> {
  const stack = await startLocalStack();
  globalThis.localStack = stack;
  process.env.RC_TEST_HTTP_URL = stack.httpUrl;
  process.env.RC_TEST_EVENTBRIDGE_URL = stack.eventBridgeUrl;
}
