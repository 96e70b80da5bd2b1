// One benchmark process: loads a bundle, handles the first event (the cold start), then, for a
// warm run, the rest one after another. Writes its timings to the result file; the functions'
// own output (logs, EMF) goes to stdout.
//   node invoke.cjs <bundle.js> <events.json> <result.json>
const { performance } = require('node:perf_hooks');
const { readFileSync, writeFileSync } = require('node:fs');

const [bundle, eventsFile, resultFile] = process.argv.slice(2);
const context = {
  functionName: 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
  memoryLimitInMB: '256',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
  callbackWaitsForEmptyEventLoop: true,
};

(async () => {
  const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
  const loadStart = performance.now();
  const { handler } = require(bundle);
  await handler(events[0], context);
  const coldMs = performance.now() - loadStart;
  const latencies = [];
  const warmStart = performance.now();
  for (const event of events.slice(1)) {
    const start = performance.now();
    await handler(event, context);
    latencies.push(performance.now() - start);
  }
  const warmMs = performance.now() - warmStart;
  writeFileSync(resultFile, JSON.stringify({ coldMs, processMs: performance.now(), latencies, warmMs }));
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
