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
import type { SlackCall, SlackResponse } from '../slack';
import { LOCAL_CREDENTIALS, LOCAL_LEDGER_TABLE, PROJECT_DIR } from '../endpoints';
import { readRecordedStarts } from '../../../shared/local/recorded-pipelines';
import { localFiles } from '../../../shared/local/files';
import { parsePolicy } from '../../../shared/release-policy';
import { drawDashboard, localDashboardSettings } from './dashboard';
import { emfDatapoints } from './emf';
import { answersByMessage, parsePress, sendPress, showsButton, type Pressed } from './press';
import { releasesFromLedger, scanLedger } from './releases';
import { slackChannels } from './slack-channels';

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
  /** Where the console sends a button's press, signed as Slack signs it (the secret stays in this process). */
  interactions?: { url: string; signingSecret: string };
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
  const slackResponses = async () => (await (await fetch(`${options.slackUrl}/_responses`)).json()) as SlackResponse[];
  // who may press: the Slack users release-policy.yml names, its first approver first
  const users = [
    ...new Set(
      Object.values(policy.repositories)
        .flatMap((repository) => repository.pipelines)
        .flatMap((pipeline) => [pipeline.actions, ...Object.values(pipeline.stages ?? {}).map((stage) => stage.actions)])
        .flatMap((actions) => [actions?.approve, actions?.reject, actions?.retry, actions?.rollback].flatMap((allowed) => allowed?.users ?? []))
        .concat(Object.values(policy.people ?? {})),
    ),
  ];
  const pressed: Pressed[] = [];
  const api: Record<string, (query: URLSearchParams) => Promise<unknown>> = {
    '/api/slack': async () => {
      const [calls, responses] = await Promise.all([slackCalls(), slackResponses()]);
      // the local Slack records channel ids only: one channel in the policy and one in the calls are the same
      const one = channelsInPolicy.length === 1 && new Set(calls.flatMap((call) => (call.channel ? [call.channel] : []))).size === 1;
      const answers = answersByMessage(pressed, responses);
      const channels = slackChannels(calls, (id) => (one ? channelsInPolicy[0]!.replace(/^#/, '') : id)).map((channel) => ({
        ...channel,
        messages: channel.messages.map((message) => ({ ...message, answers: answers.get(`${channel.id}/${message.ts}`) ?? [] })),
      }));
      return { channels, users, canPress: options.interactions !== undefined };
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
    void Promise.all([slackCalls().then((calls) => calls.length), slackResponses().then((responses) => responses.length), stat(options.logFile).then((file) => file.size)])
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
    if (url.pathname === '/api/press' && request.method === 'POST') {
      const send = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      let text = '';
      // a press is a few hundred bytes: more is not read
      request.setEncoding('utf8').on('data', (chunk: string) => void (text.length < 16_384 && (text += chunk)));
      request.on('end', () => {
        const interactions = options.interactions;
        if (!interactions) return send(404, { error: 'no interaction endpoint in this stack' });
        // only the console's own page presses: another site's form or script in the same browser is refused
        const origin = request.headers.origin;
        if (!request.headers['content-type']?.startsWith('application/json') || (origin !== undefined && origin !== `http://${request.headers.host}`)) return send(403, { error: 'presses come from the console\'s own page' });
        let press;
        try {
          press = parsePress(JSON.parse(text));
        } catch {
          press = undefined;
        }
        if (!press) return send(400, { error: 'expected channel, ts, actionId, value and a Slack user id (U…)' });
        void slackCalls()
          .then(async (calls) => {
            if (!showsButton(calls, press)) return send(409, { error: 'the message no longer shows that button' });
            const sent = await sendPress(press, { slackUrl: options.slackUrl, interactionsUrl: interactions.url, signingSecret: interactions.signingSecret });
            pressed.push(sent.pressed);
            return send(200, sent.result);
          })
          .catch((error: Error) => send(502, { error: error.message }));
      });
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
