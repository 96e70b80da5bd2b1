import { BatchGetCommitsCommand } from '@aws-sdk/client-codecommit';
import { ListActionExecutionsCommand, ListPipelineExecutionsCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { createLedgerTable, startLocalDynamoDB, type LocalDynamoDB } from '../../infra/local/dynamodb';
import { LOCAL_CREDENTIALS } from '../../infra/local/endpoints';
import { captureOutput, lambdaContext } from './lambda-context';
import { startFaultyDynamoDB, type FaultyDynamoDB } from './faulty-dynamodb';
import { snsEvent, startSnsServer, topicArnOf } from '../../infra/local/sns.cjs';
import { startLocalSlack, type LocalSlack } from '../../infra/local/slack';
import { startLocalSsm, type LocalSsm } from '../../infra/local/parameter-store';
import type { ReleaseNotification } from '../../shared/release-notification';
import { FUNCTION_OF_SOURCE, sample } from './samples';
import { awsJsonStub } from './aws-json-stub';

// The functions as deployed: AWS adapters from shared/adapters, the repository's release-policy.yml,
// the ledger in DynamoDB (dynalite on loopback, behind a proxy that fails the calls a test names),
// and CodeCommit, CodePipeline, CodeDeploy and SQS answered over HTTP as each test arranges
// (aws-json-stub.ts): none of them has a local emulator here.
// The SNS topic, Parameter Store and Slack are the local stand-ins on loopback that `npm start` uses.
export const BOT_TOKEN = `xoxb-handler-test-${process.pid}-secret`;
const TOPIC = 'handler-test-releases';
export const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/release-conductor-dead-letters';

type Handler = (event: unknown, context: Context) => Promise<unknown>;
export type FunctionName = 'hello' | 'onPush' | 'onBuild' | 'onDeploy' | 'onPipeline' | 'onAlarm' | 'notifySlack';

/** The harness's name of the function that handles a sample of this source (`codebuild/...`). */
export const functionOfSample = (file: string) => FUNCTION_OF_SOURCE[file.split('/')[0] as keyof typeof FUNCTION_OF_SOURCE].replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase()) as Exclude<FunctionName, 'hello' | 'notifySlack'>;

/** What SNS hands notify-slack for a notification. */
export const snsEventOf = (notification: ReleaseNotification) =>
  snsEvent(topicArnOf(TOPIC), `${topicArnOf(TOPIC)}:notify-slack`, `m-${notification.id}`, JSON.stringify(notification), null, {});

/** Call in a describe or at the top of a test file: sets the clients up before each test and the functions before all. */
export function handlerHarness() {
  const codeServices = awsJsonStub();
  const aws = codeServices.services;
  /** What every test starts with (a test's beforeAll, which runs before the harness's beforeEach, may call it too). */
  const answerByDefault = () => {
    aws.sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    aws.codepipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'exec-new' });
    aws.codepipeline.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [] });
    aws.codepipeline.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [] });
    // a commit CodeCommit holds, for the lead time of a production deployment
    aws.codecommit.on(BatchGetCommitsCommand).callsFake(({ commitIds = [] }) => ({ commits: commitIds.map((commitId) => ({ commitId, message: 'Fix', parents: [], author: { name: 'Mina Kim', date: '1764493200 +0000' }, committer: { name: 'Mina Kim', date: '1764493200 +0000' } })) }));
  };
  let dynamo: LocalDynamoDB;
  let dynamoFaults: FaultyDynamoDB;
  let handlers: Record<FunctionName, Handler>;
  let sns: { url: string; close(): Promise<void> };
  let ssm: LocalSsm;
  let slack: LocalSlack;
  /** Every notification published to the topic, with its message attributes. */
  const published: { notification: ReleaseNotification; attributes: Record<string, string> }[] = [];

  const startSns = (port?: number) =>
    startSnsServer({
      port,
      topics: [TOPIC],
      subscriptions: [{ functionKey: 'capture', topicName: TOPIC }],
      deliver: (_subscription, event) => {
        const { Message, MessageAttributes } = event.Records[0]!.Sns;
        published.push({ notification: JSON.parse(Message) as ReleaseNotification, attributes: Object.fromEntries(Object.entries(MessageAttributes).map(([name, { Value }]) => [name, Value])) });
      },
    });

  beforeAll(async () => {
    dynamo = await startLocalDynamoDB();
    await createLedgerTable(dynamo.endpoint, 'handler-test-ledger');
    dynamoFaults = await startFaultyDynamoDB(dynamo.endpoint);
    sns = await startSns();
    slack = await startLocalSlack(BOT_TOKEN);
    ssm = await startLocalSsm({ '/release-conductor/test/slack-bot-token': BOT_TOKEN });
    const codeServicesUrl = await codeServices.start();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_CODECOMMIT: codeServicesUrl,
      AWS_ENDPOINT_URL_CODEPIPELINE: codeServicesUrl,
      AWS_ENDPOINT_URL_CODEDEPLOY: codeServicesUrl,
      AWS_ENDPOINT_URL_SQS: codeServicesUrl,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoFaults.url,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      LEDGER_TABLE: 'handler-test-ledger',
      // the account AWS's sample events come from
      CENTRAL_ACCOUNT_ID: '123456789012',
      MEMBER_ROLE_NAME: 'release-conductor-test-member',
      DEAD_LETTER_QUEUE_URL: QUEUE_URL,
      AWS_ENDPOINT_URL_SNS: sns.url,
      NOTIFICATIONS_TOPIC_ARN: topicArnOf(TOPIC),
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(ssm.port),
      SLACK_BOT_TOKEN_PARAMETER: '/release-conductor/test/slack-bot-token',
      SLACK_API_URL: slack.apiUrl,
      RC_SLACK_TIMEOUT_MS: '500',
    });
    handlers = {
      hello: (await import('../../functions/hello/handler')).handler as Handler,
      onPush: (await import('../../functions/on-push/handler')).handler as Handler,
      onBuild: (await import('../../functions/on-build/handler')).handler as Handler,
      onDeploy: (await import('../../functions/on-deploy/handler')).handler as Handler,
      onPipeline: (await import('../../functions/on-pipeline/handler')).handler as Handler,
      onAlarm: (await import('../../functions/on-alarm/handler')).handler as Handler,
      notifySlack: (await import('../../functions/notify-slack/handler')).handler as Handler,
    };
  });
  afterAll(() => Promise.all([dynamo.close(), dynamoFaults.close(), sns.close(), ssm.close(), slack.close(), codeServices.close()]));
  beforeEach(async () => {
    published.length = 0;
    for (const client of Object.values(aws)) client.reset();
    answerByDefault();
  });

  const invoke = (name: FunctionName, event: unknown, remainingMs?: number) => handlers[name](event, lambdaContext(`release-conductor-test-${name}`, remainingMs));
  /** Invokes a function as Lambda would; returns its answer and every JSON line it wrote (logs and EMF). */
  const run = (name: FunctionName, event: unknown, remainingMs?: number) => captureOutput(() => invoke(name, event, remainingMs));
  /** Invokes a function on each event at once, as Lambda runs concurrent deliveries; each answer, or the error it failed with. */
  const runTogether = (name: FunctionName, events: unknown[], remainingMs?: number) =>
    captureOutput(() => Promise.all(events.map((event) => invoke(name, event, remainingMs).then((answer) => ({ answer }), (error: Error) => ({ error })))));
  /** The ledger items under a partition key. */
  const ledgerItems = async (pk: string) => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));
    return (await documents.send(new QueryCommand({ TableName: 'handler-test-ledger', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }))).Items ?? [];
  };
  /** The notifications published so far in this test; SNS delivers just after Publish answers, so this waits for `count`. */
  const notifications = async (count = 1) => {
    for (let waited = 0; published.length < count && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    return published;
  };
  /** Runs `during` while SNS refuses connections, then brings it back on its port. */
  const snsOutage = async (during: () => Promise<void>) => {
    await sns.close();
    try {
      await during();
    } finally {
      sns = await startSns(Number(new URL(sns.url).port));
    }
  };
  /** What the event function publishes for a sample event, changed as a test needs. */
  const notificationOf = async (file: string, change: (event: { id: string; detail: Record<string, unknown> }) => void = () => undefined): Promise<ReleaseNotification> => {
    const event = sample<{ id: string; detail: Record<string, unknown> }>(file);
    change(event);
    const before = (await notifications(0)).length;
    await run(functionOfSample(file), event);
    return (await notifications(before + 1))[before]!.notification;
  };
  return { aws, answerByDefault, run, runTogether, notificationOf, dynamoFaults: () => dynamoFaults, dynamoEndpoint: () => dynamo.endpoint, ledgerItems, notifications, snsOutage, slackCalls: () => slack.calls(), slack: () => slack };
}
