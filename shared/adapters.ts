import { resolve } from 'node:path';
import { cardTable } from './aws/card-table';
import { clickClaims, clickTable } from './aws/click-table';
import { clientsByPlace, memberRoles, type Organization } from './aws/places';
import { CODECOMMIT, codeCommitSource } from './aws/codecommit';
import { CODEDEPLOY, codeDeployDeployments } from './aws/codedeploy';
import { codePipelineControl } from './aws/codepipeline-control';
import { CODEPIPELINE, codePipelines } from './aws/codepipeline';
import { dynamoDocuments, type DynamoDocuments } from './aws/dynamodb-documents';
import { awsJsonService, type AwsJsonCall } from './aws/signed-call';
import { lambdaClickDispatch } from './aws/lambda-dispatch';
import { ledgerTable } from './aws/ledger-table';
import { secureString } from './aws/secrets';
import { snsNotifications } from './aws/sns';
import { sqsDeadLetters } from './aws/sqs';
import { fileDeadLetters } from './local/file-dead-letters';
import { localFiles } from './local/files';
import { gitSource } from './local/git-source';
import { recordedControl } from './local/recorded-control';
import { recordedDeployments } from './local/recorded-deployments';
import { recordedPipelines } from './local/recorded-pipelines';
import { slackBot } from './slack/bot';
import { slackModals, slackPeople } from './slack/people';
import { slackWebhook } from './slack/webhook';
import { pipelinePlace, repositoryPlace, type Place } from './policy-rules';
import type { ReleasePolicy } from './release-policy';
import type { CardStore, ClickDispatch, ClickLedger, DeadLetters, Deployments, Ledger, Notifications, PipelineControl, Pipelines, Slack, SlackModals, SlackPeople, SourceReader } from './ports';

// The one place that chooses AWS's adapters or the local stage's. Settings come from serverless.yml;
// RC_LOCAL_DIR is set on the local stage only: there CodeCommit is a folder of bare git
// repositories, pipeline starts and Slack actions are recorded instead of sent, CodeDeploy is what
// the laptop's pipeline runner did, and the dead letters are a JSON-lines file. DynamoDB, SNS,
// Parameter Store, Lambda and Slack are themselves everywhere: locally the stand-ins in infra/local,
// which AWS_ENDPOINT_URL_* and SLACK_API_URL point at.
// A deployed build defines RC_LOCAL_DIR as undefined (serverless.yml), so esbuild drops every
// `if (process.env.RC_LOCAL_DIR)` branch and the local adapters with it: child_process and
// fs/promises cost 4 ms of a cold start (npm run bench).
const localStage = () => localFiles(resolve(process.env.RC_LOCAL_DIR!));

/** A setting serverless.yml gives the function; missing, the function cannot work, and says so at once. */
function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: serverless.yml sets it for every function that needs it`);
  return value;
}

const retentionDays = () => Number(process.env.LEDGER_RETENTION_DAYS ?? 400);
const slackApiUrl = () => process.env.SLACK_API_URL || undefined;

// one client of each kind per container: the ledger, the cards and the clicks share DynamoDB's
let dynamoDb: DynamoDocuments | undefined;
const documents = () => (dynamoDb ??= dynamoDocuments());

/** The stack's own account and region: where the policy places nothing else, things live here. */
export const home = (): Place => ({ account: setting('CENTRAL_ACCOUNT_ID'), region: region() });

const placed = ({ account, region }: Partial<Place>): Place => ({ account: account ?? home().account, region: region ?? home().region });

// one member role's credentials per account for all of the container's clients
let members: Organization | undefined;
const organization = (): Organization => (members ??= { home: home(), memberCredentials: memberRoles(setting('MEMBER_ROLE_NAME'), process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'release-conductor') });
let codePipeline: ((place: Partial<Place>) => AwsJsonCall) | undefined;
const codePipelineAt = () => (codePipeline ??= clientsByPlace((config) => awsJsonService({ ...config, ...CODEPIPELINE }), organization()));

// Each repository and pipeline is read and acted on where the policy places it (docs/organization.md).

export function sourceReader(policy: ReleasePolicy): SourceReader {
  if (process.env.RC_LOCAL_DIR) return gitSource(localStage().gitRepositories);
  const codeCommitAt = clientsByPlace((config) => awsJsonService({ ...config, ...CODECOMMIT }), organization());
  return codeCommitSource((repository) => codeCommitAt(repositoryPlace(policy, repository)));
}

export function pipelines(policy: ReleasePolicy): Pipelines {
  if (process.env.RC_LOCAL_DIR) {
    const { pipelineStarts, pipelineActions, pipelineExecutions } = localStage();
    return recordedPipelines(pipelineStarts, pipelineActions, pipelineExecutions, (pipeline) => placed(pipelinePlace(policy, pipeline)));
  }
  const codePipelineIn = codePipelineAt();
  return codePipelines((pipeline) => codePipelineIn(pipelinePlace(policy, pipeline)));
}

export function pipelineControl(policy: ReleasePolicy): PipelineControl {
  if (process.env.RC_LOCAL_DIR) return recordedControl(localStage().pipelineControl);
  const codePipelineIn = codePipelineAt();
  return codePipelineControl((pipeline) => codePipelineIn(pipelinePlace(policy, pipeline)));
}

/** CodeDeploy's deployments are read where their event comes from. */
export function deployments(): Deployments {
  return process.env.RC_LOCAL_DIR ? recordedDeployments(localStage().deployments) : codeDeployDeployments(clientsByPlace((config) => awsJsonService({ ...config, ...CODEDEPLOY }), organization()));
}

export function deadLetters(): DeadLetters {
  if (process.env.RC_LOCAL_DIR) return fileDeadLetters(localStage().deadLetters);
  const queueUrl = setting('DEAD_LETTER_QUEUE_URL');
  return sqsDeadLetters(queueUrl);
}

export function notifications(): Notifications {
  return snsNotifications(setting('NOTIFICATIONS_TOPIC_ARN'));
}

export function ledger(): Ledger {
  return ledgerTable(documents(), setting('LEDGER_TABLE'), retentionDays());
}

export function cards<State>(): CardStore<State> {
  return cardTable(documents(), setting('LEDGER_TABLE'), retentionDays());
}

export function clicks(): ClickLedger {
  return clickTable(documents(), setting('LEDGER_TABLE'), retentionDays());
}

/** Only what slack-interactions may do with the clicks: claim a press once. */
export function clickClaimsOnly(): Pick<ClickLedger, 'claimClick'> {
  return clickClaims(documents(), setting('LEDGER_TABLE'), retentionDays());
}

/** A bot token when SLACK_BOT_TOKEN_PARAMETER names one (messages updated in place), else an incoming webhook. */
export function slack(): Slack {
  const { SLACK_BOT_TOKEN_PARAMETER: botToken, SLACK_WEBHOOK_URL_PARAMETER: webhookUrl } = process.env;
  if (botToken) return slackBot(secureString(botToken), slackApiUrl());
  if (webhookUrl) return slackWebhook(secureString(webhookUrl));
  throw new Error('neither SLACK_BOT_TOKEN_PARAMETER nor SLACK_WEBHOOK_URL_PARAMETER is set: the stack sets one (docs/slack.md)');
}

export function people(): SlackPeople {
  return slackPeople(secureString(setting('SLACK_BOT_TOKEN_PARAMETER')), slackApiUrl());
}

export function modals(): SlackModals {
  return slackModals(secureString(setting('SLACK_BOT_TOKEN_PARAMETER')), slackApiUrl());
}

/** Slack's signing secret, a SecureString in Parameter Store (never an environment variable). */
export function signingSecret(): () => Promise<string> {
  return secureString(setting('SLACK_SIGNING_SECRET_PARAMETER'));
}

export function clickDispatch(): ClickDispatch {
  return lambdaClickDispatch(setting('ACT_FUNCTION_NAME'));
}

export const region = () => process.env.AWS_REGION ?? 'us-east-1';
