import { stopLocalStack } from './local-stack';

export default async function globalTeardown(): Promise<void> {
  if (globalThis.localStack) stopLocalStack(globalThis.localStack.process);
}
