// Lambda's asynchronous invocation, as SNS and EventBridge use it, for the local stack: each event
// its own invocation, run at once (serverless-offline's pool hands it an idle instance of the
// function or starts a new one, as Lambda scales out), and a failed one retried twice, about a
// minute and then two minutes later (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
// RC_LOCAL_RETRY_DELAYS_MS ("1000,2000") shortens the waits where tests expect a retry.

const retryDelays = () => (process.env.RC_LOCAL_RETRY_DELAYS_MS ?? '60000,120000').split(',').map(Number);

/** Runs the function on `event` until it succeeds or its retries are spent; `giveUp(error, attempts)` hears of the last failure. */
async function invokeAsync(lambda, functionKey, event, giveUp) {
  const delays = retryDelays();
  for (let attempt = 1; ; attempt += 1) {
    const lambdaFunction = lambda.get(functionKey);
    lambdaFunction.setEvent(event);
    try {
      await lambdaFunction.runHandler();
      return;
    } catch (error) {
      if (attempt > delays.length) return giveUp(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1]));
    }
  }
}

module.exports = { invokeAsync, retryDelays };
