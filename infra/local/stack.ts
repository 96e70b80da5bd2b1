import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { eventBridgeEmitter, startPipelineRunner, type PipelineRunner } from './pipeline-runner';
import { createLedgerTable, spawnLocalDynamoDB } from './dynamodb';
import {
  DEFAULT_LOCAL_DIR,
  DEFAULT_PORTS,
  LOCAL_BOT_TOKEN_PARAMETER,
  LOCAL_CREDENTIALS,
  LOCAL_SIGNING_SECRET_PARAMETER,
  PROJECT_DIR,
  type StackPorts,
} from './endpoints';
import { startLocalSlack, type LocalSlack } from './slack';
import { startLocalSsm } from './parameter-store';
import { startConsole } from './console/server';

const SERVERLESS = join(PROJECT_DIR, 'node_modules', 'serverless', 'bin', 'serverless.js');

export interface LocalStack {
  httpUrl: string;
  /** Lambda's Invoke API, as serverless-offline serves it. */
  lambdaUrl: string;
  eventBridgeUrl: string;
  dynamoDbUrl: string;
  snsUrl: string;
  slack: LocalSlack;
  /** The local console: the Slack channel, the dashboard and the releases in a browser. */
  consoleUrl: string;
  /** What must never appear in a log line (the Slack bot token and signing secret). */
  secrets: string[];
  /** The Slack app's signing secret the local stack checks interactions with (in the local Parameter Store too). */
  signingSecret: string;
  /** The local Parameter Store, where `npm run slack -- click` reads the signing secret. */
  ssmUrl: string;
  localDir: string;
  logFile: string;
  process: ChildProcess;
  /** The JSON log lines the functions have written so far. */
  logLines(): Record<string, unknown>[];
  /** The laptop's CodePipeline, running every recorded start (infra/local/pipeline-runner.ts); none when RC_LOCAL_PIPELINES=record. */
  pipelineRunner?: PipelineRunner;
  /** What the pipeline runner said so far, a line each with its time (also in `<localDir>/pipeline-runner.log`). */
  pipelineLines(): { at: string; text: string }[];
  stop(): Promise<void>;
}

// Ports for serverless-offline to bind, picked below Linux's ephemeral range (32768–60999): a port
// the OS hands out there may go to an outgoing connection's end before serverless-offline binds it
// (seen once: EADDRINUSE, the stack did not start).
const FREE_PORTS = { from: 20_000, to: 32_767 };
const handedOut = new Set<number>();

/** A port that is free now, and not one handed out before by this process; the stack binds it a moment later. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FREE_PORTS.from + Math.floor(Math.random() * (FREE_PORTS.to - FREE_PORTS.from + 1));
    if (!handedOut.has(port) && (await isFree(port))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${FREE_PORTS.from} and ${FREE_PORTS.to} after 100 tries`);
}

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    // every address, as serverless-offline's EventBridge binds it
    server.listen(port, () => server.close(() => resolve(true)));
  });

/** The local Slack workspace's user groups (release-policy.yml names S0RELEASE among the approvers). */
export const LOCAL_USERGROUPS = { S0RELEASE: ['U0RELEASER'] };

/**
 * Starts DynamoDB (dynalite, with the ledger table), Slack and Parameter Store stand-ins, and
 * `serverless offline --stage local` (API, Lambda invoke, EventBridge, SNS) on loopback, free ports
 * unless given, with its local state (git repositories, recorded pipeline starts, dead letters) in
 * `localDir`, and waits until it answers.
 */
export async function startLocalStack(localDir: string, ports?: StackPorts, echo = false): Promise<LocalStack> {
  const { http, lambda, eventBridge, pubSub, dynamoDb, sns, slack: slackPort, ssm: ssmPort, console: consolePort } = ports ?? {
    http: await freePort(), lambda: await freePort(), eventBridge: await freePort(), pubSub: await freePort(), dynamoDb: 0, sns: await freePort(), slack: 0, ssm: 0, console: 0,
  };
  mkdirSync(localDir, { recursive: true });
  const dynamo = await spawnLocalDynamoDB(dynamoDb);
  await createLedgerTable(dynamo.endpoint);
  // a new token each start, kept only in the stand-ins: the tests check no log line ever shows it
  const botToken = `xoxb-local-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startLocalSlack(botToken, slackPort, LOCAL_USERGROUPS);
  const ssm = await startLocalSsm({ [LOCAL_BOT_TOKEN_PARAMETER]: botToken, [LOCAL_SIGNING_SECRET_PARAMETER]: signingSecret }, ssmPort);
  const logFile = join(localDir, 'stack.log');
  const logLines = () => parseLogLines(readFileSync(logFile, 'utf8'));
  const localConsole = await startConsole({
    port: consolePort, slackUrl: slack.url, dynamoDbUrl: dynamo.endpoint, localDir, logFile, logLines,
    interactions: { url: `http://127.0.0.1:${http}/slack/interactions`, signingSecret },
  });
  const child = spawn(process.execPath, [SERVERLESS, 'offline', 'start', '--stage', 'local'], {
    cwd: PROJECT_DIR,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      RC_LOCAL_DIR: localDir,
      RC_BUILD_DIR: join('.esbuild', `stack-${http}`),
      RC_HTTP_PORT: String(http),
      RC_LAMBDA_PORT: String(lambda),
      RC_EVENTBRIDGE_PORT: String(eventBridge),
      RC_EVENTBRIDGE_PUBSUB_PORT: String(pubSub),
      RC_SNS_PORT: String(sns),
      RC_SLACK_PORT: new URL(slack.url).port,
      RC_SSM_PORT: String(ssm.port),
      // the functions' AWS SDK finds DynamoDB, SNS and Lambda's Invoke (serverless-offline's) here, and their
      // secrets the Parameter Store stand-in, as the Parameters and Secrets extension; nothing else local takes credentials
      AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${lambda}`,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${sns}`,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: '',
    },
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (echo) {
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  }
  const pipelineLines: { at: string; text: string }[] = [];
  let pipelineRunner: PipelineRunner | undefined;
  const stop = async () => {
    await pipelineRunner?.stop();
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    await Promise.all([localConsole.close(), dynamo.close(), slack.close(), ssm.close()]);
  };
  const stack: LocalStack = {
    httpUrl: `http://127.0.0.1:${http}`,
    lambdaUrl: `http://127.0.0.1:${lambda}`,
    eventBridgeUrl: `http://127.0.0.1:${eventBridge}`,
    dynamoDbUrl: dynamo.endpoint,
    snsUrl: `http://127.0.0.1:${sns}`,
    slack,
    consoleUrl: localConsole.url,
    secrets: [botToken, signingSecret],
    signingSecret,
    ssmUrl: ssm.url,
    localDir,
    logFile,
    process: child,
    logLines,
    pipelineLines: () => [...pipelineLines],
    stop,
  };
  await waitUntilAnswering(`${stack.httpUrl}/`, stack);
  // Pipeline starts are recorded, never sent (dry run); unless told only to record them, the stack runs them as the toolchain declares them
  if (process.env.RC_LOCAL_PIPELINES !== 'record') {
    const runnerLog = join(localDir, 'pipeline-runner.log');
    stack.pipelineRunner = pipelineRunner = startPipelineRunner({
      localDir,
      emit: eventBridgeEmitter(stack.eventBridgeUrl),
      log: (text) => {
        const at = new Date().toISOString();
        pipelineLines.push({ at, text });
        appendFileSync(runnerLog, `${at} ${text}\n`);
        if (echo) process.stdout.write(`local pipelines: ${text}\n`);
      },
    });
  }
  return stack;
}

export function parseLogLines(text: string): Record<string, unknown>[] {
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

async function waitUntilAnswering(url: string, stack: LocalStack, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stack.process.exitCode !== null) {
      await stack.stop();
      throw new Error(`local stack exited with ${stack.process.exitCode}:\n${readFileSync(stack.logFile, 'utf8').slice(-3000)}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stack.stop();
  throw new Error(`local stack did not answer ${url} within ${timeoutMs} ms; see ${stack.logFile}`);
}

// `npm start`: the stack on its usual ports, state in .local/, logs on the terminal, Ctrl-C to stop.
if (require.main === module) {
  const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const ports = {
    http: port('RC_HTTP_PORT', DEFAULT_PORTS.http),
    lambda: port('RC_LAMBDA_PORT', DEFAULT_PORTS.lambda),
    eventBridge: port('RC_EVENTBRIDGE_PORT', DEFAULT_PORTS.eventBridge),
    pubSub: port('RC_EVENTBRIDGE_PUBSUB_PORT', DEFAULT_PORTS.pubSub),
    dynamoDb: port('RC_DYNAMODB_PORT', DEFAULT_PORTS.dynamoDb),
    sns: port('RC_SNS_PORT', DEFAULT_PORTS.sns),
    slack: port('RC_SLACK_PORT', DEFAULT_PORTS.slack),
    ssm: port('RC_SSM_PORT', DEFAULT_PORTS.ssm),
    console: port('RC_CONSOLE_PORT', DEFAULT_PORTS.console),
  };
  startLocalStack(process.env.RC_LOCAL_DIR ?? DEFAULT_LOCAL_DIR, ports, true).then(
    (stack) => {
      process.stdout.write(
        `\nRelease Conductor is running: API ${stack.httpUrl}, EventBridge ${stack.eventBridgeUrl}, SNS ${stack.snsUrl}, DynamoDB ${stack.dynamoDbUrl}, Slack ${stack.slack.url} (GET /_calls).\nConsole: ${stack.consoleUrl} (the Slack channel, the dashboard and the releases, live).\nPress a card's button as Slack would, in the console or: npm run slack -- click approve --execution <id> --stage <stage> --action <approval action> (docs/slack-actions.md). Ctrl-C stops it.\n`,
      );
      const stop = () => void stack.stop().then(() => process.exit(0));
      process.once('SIGINT', stop).once('SIGTERM', stop);
    },
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
