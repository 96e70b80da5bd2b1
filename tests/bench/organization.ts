/**
 * `npm run scale`: a generated week of an organization (tests/support/organization-week.ts) through
 * the local stack, checked against the generator's truth (it fails on any difference), and
 * measured: events per second, DynamoDB writes per release, the hottest partition key's share of
 * the writes, the custom metrics and their monthly cost. Writes tests/bench/organization.md.
 *
 *   npm run scale                                       # 50 accounts, 200 pipelines, 20 teams, 7 days
 *   RC_SCALE_PUSHES_PER_DAY=1 RC_SCALE_DAYS=2 npm run scale   # a busier, shorter period (docs/benchmarks.md)
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { runWeek, type WeekRun } from '../support/organization-run';
import type { OrganizationSize } from '../support/organization-week';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SIZE: OrganizationSize = {
  accounts: setting('RC_SCALE_ACCOUNTS', 50),
  pipelines: setting('RC_SCALE_PIPELINES', 200),
  teams: setting('RC_SCALE_TEAMS', 20),
  days: setting('RC_SCALE_DAYS', 7),
  pushesPerDay: setting('RC_SCALE_PUSHES_PER_DAY', 0.4),
  // a Monday
  from: '2026-11-16',
};

// DynamoDB's throughput per partition, on demand too: 1000 write request units a second (and 3000 read)
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TroubleshootingThrottlingOnDemand.html
const PARTITION_WCU_PER_SECOND = 1000;
// CloudWatch custom metrics, per metric and month, by tier: https://aws.amazon.com/cloudwatch/pricing/
const METRIC_TIERS = [
  { upTo: 10_000, dollars: 0.3 },
  { upTo: 250_000, dollars: 0.1 },
  { upTo: 1_000_000, dollars: 0.05 },
  { upTo: Number.POSITIVE_INFINITY, dollars: 0.02 },
];

function metricsMonthlyCost(metrics: number): number {
  let cost = 0;
  let below = 0;
  for (const { upTo, dollars } of METRIC_TIERS) {
    cost += Math.max(0, Math.min(metrics, upTo) - below) * dollars;
    below = upTo;
  }
  return cost;
}

const kindOf = (partitionKey: string) => partitionKey.split(' ')[1]!.replace(/#.*/, '#…');

function results(run: WeekRun, seconds: number): string {
  const { week, events, writes } = run;
  const pipelines = week.repositories.length * 2;
  const [hottest, hottestWrites] = Object.entries(writes.byPartitionKey).sort(([, a], [, b]) => b - a)[0]!;
  const share = hottestWrites / writes.total;
  const byKind = Object.entries(Object.entries(writes.byPartitionKey).reduce<Record<string, { writes: number; keys: number }>>((kinds, [key, count]) => {
    const kind = (kinds[kindOf(key)] ??= { writes: 0, keys: 0 });
    kind.writes += count;
    kind.keys += 1;
    return kinds;
  }, {})).sort(([, a], [, b]) => b.writes - a.writes);
  const metrics = [...run.customMetrics.values()].reduce((sum, n) => sum + n, 0);
  // the events a week brings per second at which the hottest key reaches DynamoDB's per-partition limit
  const eventsPerSecondAtLimit = PARTITION_WCU_PER_SECOND / (hottestWrites / events.total);
  return [
    '# Organization scale',
    '',
    `\`npm run scale\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB; ${seconds.toFixed(0)} s in all.`,
    '',
    `A generated week (${week.from.toISOString().slice(0, 10)} to ${new Date(week.to.getTime() - 1).toISOString().slice(0, 10)}) of ${week.size.accounts} accounts, ${week.repositories.length} repositories, ${pipelines} pipelines (a staging and a production one per repository, both on \`main\`) and ${week.teams.length} teams, ${week.size.pushesPerDay} pushes a repository a working day (Monday to Friday) on average:`,
    `${week.pushes.length} pushes, ${week.executions.length} executions (${week.executions.filter((run) => run.build === 'FAILED').length} failed builds, ${week.executions.filter((run) => run.deploy === 'FAILURE').length} failed deployments), ${week.alarms.length} production alarms.`,
    `Events through the local stack's EventBridge: ${events.total} (${events.pushes} pushes, ${events.executions} of CodePipeline, CodeBuild and CodeDeploy, ${events.alarms} of CloudWatch alarms), at most ${process.env.RC_SCALE_WAVE ?? 20} at once (pushes a third as many); ${run.slackCalls} Slack calls.`,
    '',
    `Checked against the generator: every push, every execution's steps, every build and deployment tied to its execution, every DORA fact in the ledger, \`npm run report\`'s five measures for all production pipelines, each team and each pipeline, and the DORA metrics the functions emitted: ${run.mismatches.length === 0 ? '**all right**' : `**${run.mismatches.length} wrong**`}.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| local stack start (bundling the functions with the week's policy) | ${run.seconds.start.toFixed(0)} s |`,
    `| events per second, PutEvents to settled (pushes, then the rest) | ${run.eventsPerSecond.toFixed(1)} (${(events.pushes / run.seconds.pushes).toFixed(1)}, ${((events.total - events.pushes) / run.seconds.rest).toFixed(1)}) |`,
    `| DynamoDB write requests | ${writes.total} |`,
    `| DynamoDB writes per release (an execution, with its share of the push) | ${(writes.total / run.releases).toFixed(1)} |`,
    `| DynamoDB writes per event | ${(writes.total / events.total).toFixed(2)} |`,
    `| hottest partition key | \`${hottest.split(' ')[1]}\`: ${hottestWrites} writes, ${(share * 100).toFixed(1)} % of all |`,
    `| its busiest second here | ${writes.peakSecond.writes} writes (\`${writes.peakSecond.partitionKey.split(' ')[1]}\`) of DynamoDB's ${PARTITION_WCU_PER_SECOND} WCU a second per partition |`,
    `| organization event rate at which that key alone needs ${PARTITION_WCU_PER_SECOND} WCU/s (items ≤ 1 KB) | ${eventsPerSecondAtLimit.toFixed(0)} events/s |`,
    `| custom metrics (distinct namespace, name and dimension values) | ${metrics} (${(metrics / pipelines).toFixed(2)} per pipeline) |`,
    `| their cost a month | $${metricsMonthlyCost(metrics).toFixed(2)} |`,
    '',
    'Writes by partition key kind:',
    '',
    '| key | writes | keys | writes per key |',
    '|---|---|---|---|',
    ...byKind.map(([kind, { writes: count, keys }]) => `| \`${kind}\` | ${count} | ${keys} | ${(count / keys).toFixed(1)} |`),
    '',
    'Writes by operation (a failed condition consumes write capacity too):',
    '',
    '| operation | writes |',
    '|---|---|',
    ...Object.entries(writes.byOperation).sort(([, a], [, b]) => b - a).map(([operation, count]) => `| ${operation} | ${count} |`),
    '',
    `Failed attempts that Lambda retried: ${[...run.retries].map(([what, count]) => `${what} × ${count}`).join('; ') || 'none'}.`,
    '',
    'Custom metrics by name:',
    '',
    '| metric | distinct dimension values |',
    '|---|---|',
    ...[...run.customMetrics].sort(([, a], [, b]) => b - a).map(([name, count]) => `| ${name} | ${count} |`),
    ...(run.mismatches.length > 0 ? ['', 'Wrong:', '', ...run.mismatches.map((line) => `- ${line}`)] : []),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const run = await runWeek(SIZE, (line) => process.stdout.write(`scale: ${line}\n`));
  const text = results(run, (Date.now() - started) / 1000);
  writeFileSync(join(__dirname, 'organization.md'), text);
  process.stdout.write(`\n${text}`);
  if (run.mismatches.length > 0) {
    process.stderr.write(`scale: the ledger, the measures or the metrics are not what the generator made:\n${run.mismatches.map((line) => `  ${line}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`scale: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
}
