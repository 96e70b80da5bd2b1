/**
 * `npm run report`: DORA's five measures of the production pipelines for a period, added up from
 * the facts the functions claimed in the release ledger (the same facts the live metrics count),
 * as a table, and a chart of deployments and median lead time per day.
 *
 *   npm run report                                   # the last 7 days, from the ledger `npm start` runs
 *   npm run report -- --from 2026-11-16 --days 7 --chart week.svg
 *   npm run report -- --table release-conductor-prod-ledger   # a deployed ledger, with your AWS credentials
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ledgerTable } from '../shared/aws/ledger-table';
import { doraSummary, type DoraSummary } from '../shared/dora';
import { parsePolicy } from '../shared/release-policy';
import { DEFAULT_PORTS, LOCAL_CREDENTIALS, LOCAL_LEDGER_TABLE, PROJECT_DIR } from '../infra/local/endpoints';

const DAY = 86_400_000;

export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${(hours / 24).toFixed(1)} days`;
}

/** `12.5 % (1 of 8)`: a share of the deployments, or `-` without any. */
function ofDeployments(rate: number | undefined, count: number, deployments: number): string {
  return rate === undefined ? '-' : `${(rate * 100).toFixed(1)} % (${count} of ${deployments})`;
}

export function formatReport(summary: DoraSummary, from: Date, to: Date, pipelines: string[]): string {
  const days = (to.getTime() - from.getTime()) / DAY;
  const rows = [
    ['Deployment frequency', `${summary.deployments} (${(summary.deployments / days).toFixed(2)} a day)`],
    ['Lead time for changes (median over commits)', duration(summary.medianLeadTimeSeconds)],
    ['Change fail rate', ofDeployments(summary.changeFailRate, summary.failedDeployments, summary.deployments)],
    ['Failed deployment recovery time (median)', duration(summary.medianRecoverySeconds)],
    ['Deployment rework rate', ofDeployments(summary.reworkRate, summary.reworkDeployments, summary.deployments)],
  ];
  const last = new Date(to.getTime() - DAY).toISOString().slice(0, 10);
  return [
    `DORA metrics, ${from.toISOString().slice(0, 10)} to ${last} (UTC), production pipelines: ${pipelines.join(', ') || '(none in the policy)'}`,
    '',
    '| metric | value |',
    '|---|---|',
    ...rows.map(([metric, value]) => `| ${metric} | ${value} |`),
    '',
    '| day | deployments | median lead time |',
    '|---|---|---|',
    ...summary.days.map((day) => `| ${day.day} | ${day.deployments} | ${duration(day.medianLeadTimeSeconds)} |`),
  ].join('\n');
}

/** Deployments (bars) and median lead time in hours (line) per day, as SVG, drawn by Vega-Lite. */
export async function chart(summary: DoraSummary): Promise<string> {
  const [{ compile }, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const values = summary.days.map((day) => ({ day: day.day, deployments: day.deployments, leadTimeHours: day.medianLeadTimeSeconds === undefined ? null : day.medianLeadTimeSeconds / 3600 }));
  const spec = compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Deployment frequency and lead time for changes',
    width: 560,
    height: 240,
    data: { values },
    encoding: { x: { field: 'day', type: 'ordinal', title: 'day (UTC)' } },
    layer: [
      { mark: { type: 'bar', color: '#4c78a8' }, encoding: { y: { field: 'deployments', type: 'quantitative', title: 'production deployments' } } },
      { mark: { type: 'line', point: true, color: '#f58518' }, encoding: { y: { field: 'leadTimeHours', type: 'quantitative', title: 'median lead time (hours)' } } },
    ],
    resolve: { scale: { y: 'independent' } },
  }).spec;
  return new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
}

/** What to start or name when the ledger cannot be read; undefined for any other error. */
function ledgerMissing(error: Error, tableName: string, endpoint: string | undefined): string | undefined {
  const refused = (error as { code?: string }).code === 'ECONNREFUSED' || /ECONNREFUSED/.test(`${error.message} ${String((error as { cause?: unknown }).cause ?? '')}`);
  if (refused) return `no DynamoDB answers at ${endpoint}: start the local stack (npm start) first, or name a deployed ledger with --table release-conductor-<stage>-ledger`;
  if (error.name === 'ResourceNotFoundException') return `there is no table ${tableName}${endpoint ? ` at ${endpoint}` : ' in this region'}: name the ledger with --table release-conductor-<stage>-ledger`;
  return undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      days: { type: 'string', default: '7' },
      table: { type: 'string' },
      endpoint: { type: 'string' },
      policy: { type: 'string', default: process.env.RC_RELEASE_POLICY ?? join(PROJECT_DIR, 'release-policy.yml') },
      chart: { type: 'string', default: 'dora-report.svg' },
    },
  });
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1) throw new Error(`--days: expected a whole number of days, got ${values.days}`);
  const from = values.from ? new Date(`${values.from}T00:00:00Z`) : new Date(Math.floor(Date.now() / DAY) * DAY - (days - 1) * DAY);
  if (Number.isNaN(from.getTime())) throw new Error(`--from: expected a date as YYYY-MM-DD, got ${values.from}`);
  const to = new Date(from.getTime() + days * DAY);

  // without --table, the ledger `npm start` runs
  const local = values.table === undefined;
  const endpoint = values.endpoint ?? (local ? `http://127.0.0.1:${process.env.RC_DYNAMODB_PORT ?? DEFAULT_PORTS.dynamoDb}` : undefined);
  const client = new DynamoDBClient(local ? { endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 } : { endpoint });
  const tableName = values.table ?? LOCAL_LEDGER_TABLE;
  const ledger = ledgerTable(DynamoDBDocumentClient.from(client), tableName, 0);
  const policy = parsePolicy(readFileSync(values.policy, 'utf8'), values.policy);
  const pipelines = [...new Set(Object.values(policy.repositories).flatMap((repository) => repository.pipelines.filter((rule) => rule.production).map((rule) => rule.name)))];
  const facts = (await Promise.all(pipelines.map((pipeline) => ledger.facts(pipeline))).catch((error: Error) => {
    throw new Error(ledgerMissing(error, tableName, endpoint) ?? error.message);
  })).flat();
  const summary = doraSummary(facts, from, to);

  process.stdout.write(`${formatReport(summary, from, to, pipelines)}\n`);
  writeFileSync(values.chart, await chart(summary));
  process.stdout.write(`\nChart: ${values.chart}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`report: ${error.message}\n`);
    process.exitCode = 1;
  });
}
