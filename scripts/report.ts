/**
 * `npm run report`: DORA's five measures of the production pipelines for a period, added up from
 * the facts the functions claimed in the release ledger (the same facts the live metrics count),
 * for all production pipelines, each team's and each pipeline's, with DORA's band beside each
 * figure; as tables, and a chart of deployments and median lead time per day over the bands of
 * every measure.
 *
 *   npm run report                                   # the last 7 days, from the ledger `npm start` runs
 *   npm run report -- --from 2026-11-16 --days 7 --chart week.svg
 *   npm run report -- --table release-conductor-prod-ledger   # a deployed ledger, with your AWS credentials
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDocuments } from '../shared/aws/dynamodb-documents';
import { ledgerTable } from '../shared/aws/ledger-table';
import { NoAnswer } from '../shared/aws/signed-call';
import { doraSummary, type DoraFact, type DoraSummary } from '../shared/dora';
import { bandOf, BANDS, type Band, type BandedMeasure } from '../shared/dora-bands';
import { policyPipelines, teamProductionPipelines } from '../shared/policy-rules';
import { parsePolicy, type ReleasePolicy } from '../shared/release-policy';
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

/** The measures of some production pipelines over the period. */
export interface ScopeSummary {
  title: string;
  pipelines: string[];
  summary: DoraSummary;
}

/** All production pipelines first, then each team's (its pipelines' facts together), then each pipeline's. */
export type Scopes = [all: ScopeSummary, ...others: ScopeSummary[]];

export function summarise(facts: DoraFact[], from: Date, to: Date, policy: ReleasePolicy): Scopes {
  const scope = (title: string, pipelines: string[]) => ({ title, pipelines, summary: doraSummary(facts.filter((fact) => pipelines.includes(fact.pipeline)), from, to) });
  const production = policyPipelines(policy, 'production');
  return [
    scope('All production pipelines', production),
    ...teamProductionPipelines(policy).map(({ team, pipelines }) => scope(`Team ${team} (${pipelines.join(', ')})`, pipelines)),
    ...production.map((pipeline) => scope(`Pipeline ${pipeline}`, [pipeline])),
  ];
}

/** The five measures, each with its band: none without a figure, nor for rework (DORA publishes none). */
function figures(summary: DoraSummary, days: number): { measure: string; short: string; value: string; band?: Band }[] {
  const banded = (measure: BandedMeasure, value: number | undefined) => (value === undefined ? undefined : bandOf(measure, value));
  const perDay = summary.deployments / days;
  return [
    { measure: 'Deployment frequency', short: 'deployment frequency', value: `${summary.deployments} (${perDay.toFixed(2)} a day)`, band: bandOf('deploymentFrequency', perDay) },
    { measure: 'Lead time for changes (median over commits)', short: 'lead time', value: duration(summary.medianLeadTimeSeconds), band: banded('leadTime', summary.medianLeadTimeSeconds) },
    { measure: 'Change fail rate', short: 'change fail rate', value: ofDeployments(summary.changeFailRate, summary.failedDeployments, summary.deployments), band: banded('changeFailRate', summary.changeFailRate) },
    { measure: 'Failed deployment recovery time (median)', short: 'recovery time', value: duration(summary.medianRecoverySeconds), band: banded('recoveryTime', summary.medianRecoverySeconds) },
    { measure: 'Deployment rework rate', short: 'rework rate', value: ofDeployments(summary.reworkRate, summary.reworkDeployments, summary.deployments) },
  ];
}

const daysOf = (from: Date, to: Date) => (to.getTime() - from.getTime()) / DAY;

/** The five measures and their bands of each scope, then the days of all production pipelines. */
export function formatReport(scopes: Scopes, from: Date, to: Date): string {
  const [all] = scopes;
  const days = daysOf(from, to);
  const last = new Date(to.getTime() - DAY).toISOString().slice(0, 10);
  return [
    `DORA metrics, ${from.toISOString().slice(0, 10)} to ${last} (UTC), production pipelines: ${all.pipelines.join(', ') || '(none in the policy)'}`,
    "Bands: DORA's 2024 performance levels (docs/dora.md); DORA publishes none for the rework rate.",
    ...scopes.flatMap(({ title, summary }) => [
      '',
      title,
      '',
      '| metric | value | band |',
      '|---|---|---|',
      ...figures(summary, days).map(({ measure, value, band }) => `| ${measure} | ${value} | ${band ?? '-'} |`),
    ]),
    '',
    `${all.title}, per day`,
    '',
    '| day | deployments | median lead time |',
    '|---|---|---|',
    ...all.summary.days.map((day) => `| ${day.day} | ${day.deployments} | ${duration(day.medianLeadTimeSeconds)} |`),
    '',
    `${all.title}, per deployment`,
    '',
    '| deployed (UTC) | pipeline | execution | commits | median lead time |',
    '|---|---|---|---|---|',
    ...all.summary.perDeployment.map(({ at, pipeline, executionId, commits, medianLeadTimeSeconds }) => `| ${at.slice(0, 16).replace('T', ' ')} | ${pipeline} | ${executionId.slice(0, 8)} | ${commits} | ${duration(medianLeadTimeSeconds)} |`),
  ].join('\n');
}

/** elite, high, medium, low, then no band. */
const BAND_COLORS = ['#66bd63', '#c2e699', '#fee08b', '#f46d43', '#e0e0e0'];

/**
 * As SVG, drawn by Vega-Lite: deployments (bars) and median lead time in hours (line) per day of
 * all production pipelines; under it, each scope's five figures coloured by their band.
 */
export async function chart(scopes: Scopes, from: Date, to: Date): Promise<string> {
  const [{ compile }, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const [all] = scopes;
  const days = daysOf(from, to);
  const values = all.summary.days.map((day) => ({ day: day.day, deployments: day.deployments, leadTimeHours: day.medianLeadTimeSeconds === undefined ? null : day.medianLeadTimeSeconds / 3600 }));
  const cells = scopes.flatMap(({ title, summary }) => figures(summary, days).map(({ short, value, band }) => ({ scope: title, measure: short, value, band: band ?? 'no band' })));
  const spec = compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    vconcat: [
      {
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
      },
      {
        title: "DORA's 2024 performance bands",
        width: 560,
        height: { step: 40 },
        data: { values: cells },
        encoding: {
          x: { field: 'measure', type: 'nominal', sort: null, title: null, axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false } },
          y: { field: 'scope', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320, domain: false, ticks: false } },
        },
        layer: [
          { mark: { type: 'rect', stroke: 'white', strokeWidth: 2 }, encoding: { color: { field: 'band', type: 'nominal', title: 'band', scale: { domain: [...BANDS, 'no band'], range: BAND_COLORS } } } },
          { mark: { type: 'text', dy: -7 }, encoding: { text: { field: 'value' } } },
          { mark: { type: 'text', dy: 8, fontWeight: 'bold' }, encoding: { text: { field: 'band' } } },
        ],
      },
    ],
  }).spec;
  return new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
}

/** What to start or name when the ledger cannot be read; undefined for any other error. */
function ledgerMissing(error: Error, tableName: string, endpoint: string | undefined): string | undefined {
  if (error instanceof NoAnswer) return `no DynamoDB answers at ${endpoint}: start the local stack (npm start) first, or name a deployed ledger with --table release-conductor-<stage>-ledger`;
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
  // a deployed ledger with the region and credentials the SDK finds (environment, profile, SSO)
  const sdk = local ? undefined : new DynamoDBClient({ endpoint }).config;
  const documents = dynamoDocuments(sdk ? { endpoint, region: await sdk.region(), credentials: sdk.credentials } : { endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const tableName = values.table ?? LOCAL_LEDGER_TABLE;
  const ledger = ledgerTable(documents, tableName, 0);
  const policy = parsePolicy(readFileSync(values.policy, 'utf8'), values.policy);
  const facts = (await Promise.all(policyPipelines(policy, 'production').map((pipeline) => ledger.facts(pipeline))).catch((error: Error) => {
    throw new Error(ledgerMissing(error, tableName, endpoint) ?? error.message);
  })).flat();
  const scopes = summarise(facts, from, to, policy);

  process.stdout.write(`${formatReport(scopes, from, to)}\n`);
  writeFileSync(values.chart, await chart(scopes, from, to));
  process.stdout.write(`\nChart: ${values.chart}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`report: ${error.message}\n`);
    process.exitCode = 1;
  });
}
