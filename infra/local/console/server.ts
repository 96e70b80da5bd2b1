/**
 * The local console: one page on loopback showing the local Slack's channels, the dashboard of
 * infra/monitoring.ts drawn from the functions' EMF output, and the releases in the ledger, live.
 * Static files from public/ and node_modules (Vega), JSON from the stand-ins, and server-sent
 * events that say when something changed.
 */
import { createServer, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SlackCall } from '../../../scripts/local-slack';
import { LOCAL_CREDENTIALS, LOCAL_LEDGER_TABLE } from '../../../scripts/local-dynamodb';
import { readRecordedStarts } from '../../../shared/local/recorded-pipelines';
import { localFiles } from '../../../shared/local/files';
import { parsePolicy } from '../../../shared/release-policy';
import { drawDashboard, localDashboardSettings } from './dashboard';
import { emfDatapoints } from './emf';
import { releasesFromLedger, scanLedger } from './releases';
import { slackChannels } from './slack-channels';

const PROJECT_DIR = join(__dirname, '..', '..', '..');
// the namespace serverless.yml gives the functions (param metricsNamespace) unless deployed with another
const NAMESPACE = 'ReleaseConductor';
const LOCAL_PERIOD_SECONDS = 60;

export interface ConsoleOptions {
  port?: number;
  slackUrl: string;
  dynamoDbUrl: string;
  localDir: string;
  /** The stack's log: its size tells when a function ran. */
  logFile: string;
  /** The JSON lines in it. */
  logLines(): Record<string, unknown>[];
  policyFile?: string;
}

export interface LocalConsole {
  url: string;
  close(): Promise<void>;
}

const vendor = (module: string, file: string) => join(dirname(require.resolve(module)), file);
const STATIC: Record<string, [string, string]> = {
  '/': [join(__dirname, 'public', 'index.html'), 'text/html'],
  '/console.css': [join(__dirname, 'public', 'console.css'), 'text/css'],
  '/console.js': [join(__dirname, 'public', 'console.js'), 'text/javascript'],
  '/block-kit.js': [join(__dirname, 'public', 'block-kit.js'), 'text/javascript'],
  // the browser builds that vega, vega-lite and vega-embed publish for a script tag
  '/vendor/vega.js': [vendor('vega', 'vega.min.js'), 'text/javascript'],
  '/vendor/vega-lite.js': [vendor('vega-lite', 'vega-lite.min.js'), 'text/javascript'],
  '/vendor/vega-embed.js': [vendor('vega-embed', 'vega-embed.min.js'), 'text/javascript'],
};

export async function startConsole(options: ConsoleOptions): Promise<LocalConsole> {
  const since = Date.now();
  const policyFile = options.policyFile ?? process.env.RC_RELEASE_POLICY ?? join(PROJECT_DIR, 'release-policy.yml');
  const policy = parsePolicy(readFileSync(policyFile, 'utf8'), policyFile);
  const settings = localDashboardSettings(policy, readdirSync(join(PROJECT_DIR, 'functions')), NAMESPACE);
  const channelsInPolicy = [...new Set(Object.values(policy.teams).flatMap((team) => (team.slack ? [team.slack.channel] : [])))];
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: options.dynamoDbUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));

  const slackCalls = async () => (await (await fetch(`${options.slackUrl}/_calls`)).json()) as SlackCall[];
  const api: Record<string, (query: URLSearchParams) => Promise<unknown>> = {
    '/api/slack': async () => {
      const calls = await slackCalls();
      // the local Slack records channel ids only: one channel in the policy and one in the calls are the same
      const one = channelsInPolicy.length === 1 && new Set(calls.flatMap((call) => (call.channel ? [call.channel] : []))).size === 1;
      return { channels: slackChannels(calls, (id) => (one ? channelsInPolicy[0]!.replace(/^#/, '') : id)) };
    },
    '/api/dashboard': async (query) => {
      const period = query.get('period') === 'deployed' ? undefined : LOCAL_PERIOD_SECONDS;
      const range = { from: since, to: Date.now() };
      return { ...range, widgets: drawDashboard(settings, emfDatapoints(options.logLines()), range, period) };
    },
    '/api/releases': async () => {
      const lines = options.logLines();
      const approvals = lines.filter((line) => line.message === 'manual approval waiting') as unknown as { pipeline: string; executionId: string; stage: string; action: string }[];
      const starts = await readRecordedStarts(localFiles(options.localDir).pipelineStarts);
      const startedCommits = new Map(starts.map((start) => [start.executionId, { commitId: start.context.commitId, repository: start.context.repository, branch: start.context.branch }]));
      return { releases: releasesFromLedger(await scanLedger(documents, LOCAL_LEDGER_TABLE), { productionPipelines: settings.productionPipelines, approvals, startedCommits }) };
    },
  };

  // what changed is told by two numbers: the Slack calls and the size of the functions' log
  const listeners = new Set<ServerResponse>();
  let version = '';
  const watch = setInterval(() => {
    if (listeners.size === 0) return;
    void Promise.all([slackCalls().then((calls) => calls.length), stat(options.logFile).then((file) => file.size)])
      .then((parts) => {
        const now = parts.join(':');
        if (now === version) return;
        version = now;
        for (const listener of listeners) listener.write(`data: ${now}\n\n`);
      })
      .catch(() => undefined); // the stack is stopping
  }, 500);

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }).write(`data: ${version}\n\n`);
      listeners.add(response);
      request.once('close', () => listeners.delete(response));
      return;
    }
    const handle = api[url.pathname];
    if (handle) {
      handle(url.searchParams).then(
        (body) => response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body)),
        (error: Error) => response.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message })),
      );
      return;
    }
    if (url.pathname === '/favicon.ico') return void response.writeHead(204).end();
    const file = request.method === 'GET' ? STATIC[url.pathname] : undefined;
    if (!file) return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    readFile(file[0]).then(
      (body) => response.writeHead(200, { 'content-type': `${file[1]}; charset=utf-8` }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      clearInterval(watch);
      for (const listener of listeners) listener.end();
      server.closeAllConnections();
      documents.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
