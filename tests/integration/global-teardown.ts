import { readFileSync } from 'node:fs';
import { assertNoSecret } from '../support/secrets';

export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.localStack;
  await stack?.stop();
  // everything the local stack's functions logged during the integration tests
  if (stack) {
    const log = readFileSync(stack.logFile, 'utf8');
    assertNoSecret(log, `the local stack (${stack.logFile})`);
    // the signing secret has no shape of its own to look for: the one the stack made
    if (log.includes(stack.signingSecret)) throw new Error(`the local stack (${stack.logFile}) wrote the Slack signing secret: secrets must never reach a log line`);
  }
}
