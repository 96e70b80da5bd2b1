// One benchmark process: loads a bundle, handles the first event (the cold start), then, for a
// warm run, the rest one after another. Writes its timings to the result file; the functions'
// own output (logs, EMF) goes to stdout. CPU time counts every thread of the process (GC, compiler).
//   node invoke.cjs <bundle.js> <events.json> <result.json>
const { performance } = require('node:perf_hooks');
const { readFileSync, writeFileSync } = require('node:fs');

const [bundle, eventsFile, resultFile] = process.argv.slice(2);
const context = {
  functionName: 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
  callbackWaitsForEmptyEventLoop: true,
};

(async () => {
  const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
  const { handler } = require(bundle);
  await handler(events[0], context);
  // from the process's start, as a Lambda cold start counts it
  const coldMs = performance.now();
  const latencies = [];
  const coldCpu = process.cpuUsage();
  const warmStart = performance.now();
  for (const event of events.slice(1)) {
    const start = performance.now();
    await handler(event, context);
    latencies.push(performance.now() - start);
  }
  const warmMs = performance.now() - warmStart;
  const cpuMs = ({ user, system }) => (user + system) / 1000;
  const warmCpu = process.cpuUsage(coldCpu);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  // a full GC, enabled only now so that it changes nothing measured above: what stays would show a leak
  require('node:v8').setFlagsFromString('--expose-gc');
  require('node:vm').runInNewContext('gc')();
  const liveHeapMb = process.memoryUsage().heapUsed / 1024 ** 2;
  writeFileSync(resultFile, JSON.stringify({ coldMs, coldCpuMs: cpuMs(coldCpu), latencies, warmMs, warmCpuMs: cpuMs(warmCpu), maxRssMb, liveHeapMb }));
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
