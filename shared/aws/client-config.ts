/**
 * Every AWS SDK client's retries and timeouts, written down rather than left to the SDK's
 * defaults: three attempts with the standard retry mode (exponential backoff with jitter, a retry
 * quota that stops retrying when most calls fail), a second to connect, three to answer. Past
 * that, Lambda retries the invocation twice, and then the on-failure destination keeps the event.
 * Without throwOnRequestTimeout the SDK only warns when an answer is late, and waits on.
 * RC_AWS_REQUEST_TIMEOUT_MS shortens the answer timeout where a test injects timeouts. The calls the
 * functions sign themselves (signed-call.ts) keep the attempts, the backoff and the answer timeout
 * (which bounds the connection too), not the retry quota: three attempts bound them already.
 */
export function awsClientConfig() {
  return {
    maxAttempts: 3,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: 1_000, requestTimeout: Number(process.env.RC_AWS_REQUEST_TIMEOUT_MS ?? 3_000), throwOnRequestTimeout: true },
  } as const;
}
