/**
 * Every AWS call's attempts and time limit (signed-call.ts), written down rather than left to
 * chance: three attempts with exponential backoff and jitter, as the SDK's standard retry mode
 * makes them, and a connection silent for three seconds counts as no answer. Past that, Lambda
 * retries the invocation twice, and then the on-failure destination keeps the event.
 * RC_AWS_REQUEST_TIMEOUT_MS shortens the time limit where a test injects timeouts.
 */
export function awsCallLimits() {
  return { maxAttempts: 3, requestTimeoutMs: Number(process.env.RC_AWS_REQUEST_TIMEOUT_MS ?? 3_000) };
}
