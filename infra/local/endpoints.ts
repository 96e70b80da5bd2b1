/**
 * Where the local stack is and what it calls things: its ports, the credentials its stand-ins take,
 * the ledger table and the Slack secrets' parameters. The operational scripts reach the stack with
 * these alone, so this module starts nothing and imports no stand-in.
 */
import { join } from 'node:path';

export const PROJECT_DIR = join(__dirname, '..', '..');
/** Where `npm start` keeps its state (git repositories, recorded pipeline starts, dead letters) unless RC_LOCAL_DIR names another. */
export const DEFAULT_LOCAL_DIR = join(PROJECT_DIR, '.local');

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_LEDGER_TABLE = 'release-conductor-local-ledger';

/** Where the local stage's notify-slack finds its bot token (serverless.yml param slackBotTokenParameter). */
export const LOCAL_BOT_TOKEN_PARAMETER = '/release-conductor/local/slack-bot-token';
/** Where the local stage's slack-interactions finds the signing secret (serverless.yml param slackSigningSecretParameter). */
export const LOCAL_SIGNING_SECRET_PARAMETER = '/release-conductor/local/slack-signing-secret';

export interface StackPorts {
  http: number;
  lambda: number;
  eventBridge: number;
  pubSub: number;
  dynamoDb: number;
  sns: number;
  slack: number;
  ssm: number;
  console: number;
}

/** The ports `npm start` uses unless an RC_*_PORT variable names another; the tests and the demo take free ones. */
export const DEFAULT_PORTS: StackPorts = {
  http: 3000,
  lambda: 3002,
  eventBridge: 4010,
  pubSub: 4011,
  dynamoDb: 4012,
  sns: 4013,
  slack: 4014,
  ssm: 4015,
  console: 4020,
};
