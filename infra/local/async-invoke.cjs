// Lambda's asynchronous invocation, as SNS and EventBridge use it, for the local stack: each event
// its own invocation, run at once (serverless-offline's pool hands it an idle instance of the
// function or starts a new one, as Lambda scales out), and a failed one retried twice, about a
// minute and then two minutes later (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
// RC_LOCAL_RETRY_DELAYS_MS ("1000,2000") shortens the waits where tests expect a retry. What still
// fails goes where the on-failure destination would send it: the local dead letters, as its record.
const { appendFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');

const retryDelays = () => (process.env.RC_LOCAL_RETRY_DELAYS_MS ?? '60000,120000').split(',').map(Number);

/** https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html: what the on-failure destination receives. */
function onFailureRecord(functionName, event, error, attempts) {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: { requestId: randomUUID(), functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: attempts },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: error.name, errorMessage: error.message },
  };
}

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
      if (attempt <= delays.length) {
        // as Lambda logs a failed invocation (a timeout too); whoever waits for the stack to settle can tell a retry is to come
        console.error(`local Lambda: ${lambdaFunction.functionName} attempt ${attempt} failed (${error.message}); retrying in ${delays[attempt - 1]} ms`);
        await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1]));
        continue;
      }
      if (process.env.RC_LOCAL_DIR) {
        mkdirSync(process.env.RC_LOCAL_DIR, { recursive: true });
        appendFileSync(join(process.env.RC_LOCAL_DIR, 'dead-letters.jsonl'), `${JSON.stringify(onFailureRecord(lambdaFunction.functionName, event, error, attempt))}\n`);
      }
      return giveUp(error, attempt);
    }
  }
}

module.exports = { invokeAsync, retryDelays };
