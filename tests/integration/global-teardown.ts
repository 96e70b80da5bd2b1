import { readFileSync } from 'node:fs';
import { assertNoSecret } from '../support/secrets';

export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.localStack;
  await stack?.stop();
  // everything the local stack's functions logged during the integration tests
  if (stack) assertNoSecret(readFileSync(stack.logFile, 'utf8'), `the local stack (${stack.logFile})`);
}
