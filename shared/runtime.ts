import { resolve } from 'node:path';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { awsClientConfig } from './aws/client-config';
import { codeCommitSource } from './aws/codecommit';
import { codeDeployDeployments } from './aws/codedeploy';
import { codePipelines } from './aws/codepipeline';
import { ledgerTable } from './aws/ledger-table';
import { snsNotifications } from './aws/sns';
import { sqsDeadLetters } from './aws/sqs';
import { gitSource } from './local/git-source';
import { recordedPipelines } from './local/recorded-pipelines';
import { recordedDeployments } from './local/recorded-deployments';
import { fileDeadLetters } from './local/file-dead-letters';
import { localFiles } from './local/files';
import type { DeadLetters, Deployments, Ledger, Notifications, Pipelines, SourceReader } from './ports';

// Settings come from serverless.yml (params per stage). RC_LOCAL_DIR is set only on the local
// stage: there CodeCommit is a folder of bare git repositories and SQS a JSON-lines file.
// DynamoDB and SNS are themselves everywhere: locally dynalite and infra/local/sns.cjs, which
// AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_SNS point at.
const localDir = process.env.RC_LOCAL_DIR ? resolve(process.env.RC_LOCAL_DIR) : undefined;
export const dryRun = process.env.RC_DRY_RUN === 'true';

export function sourceReader(): SourceReader {
  return localDir ? gitSource(localFiles(localDir).gitRepositories) : codeCommitSource(new CodeCommitClient(awsClientConfig()));
}

/** Dry run (the default locally) records pipeline starts instead of sending them. */
export function pipelines(): Pipelines {
  if (!dryRun) return codePipelines(new CodePipelineClient(awsClientConfig()));
  const files = localFiles(localDir ?? '/tmp');
  return recordedPipelines(files.pipelineStarts, files.pipelineActions);
}

/** Locally, CodeDeploy is the pipeline runner's stand-in: its deployments file says how each went. */
export function deployments(): Deployments {
  return localDir ? recordedDeployments(localFiles(localDir).deployments) : codeDeployDeployments(new CodeDeployClient(awsClientConfig()));
}

export function deadLetters(): DeadLetters {
  if (localDir) return fileDeadLetters(localFiles(localDir).deadLetters);
  const queueUrl = process.env.DEAD_LETTER_QUEUE_URL;
  if (!queueUrl) throw new Error('DEAD_LETTER_QUEUE_URL is not set: the stack defines it for every event function');
  return sqsDeadLetters(async () => new (await import('@aws-sdk/client-sqs')).SQSClient(awsClientConfig()), queueUrl);
}

function ledgerTableName(): string {
  const tableName = process.env.LEDGER_TABLE;
  if (!tableName) throw new Error('LEDGER_TABLE is not set: the stack defines it for every event function');
  return tableName;
}

// one DynamoDB client per container, for the ledger and the idempotency records alike
let dynamoDb: DynamoDBClient | undefined;
export const dynamoDbClient = () => (dynamoDb ??= new DynamoDBClient(awsClientConfig()));

export function ledger(): Ledger {
  return ledgerTable(DynamoDBDocumentClient.from(dynamoDbClient()), ledgerTableName(), Number(process.env.LEDGER_RETENTION_DAYS ?? 400));
}

/**
 * Powertools idempotency records, in the ledger table under `idempotency#<function>` and expiring
 * with its TTL attribute: a redelivered event has no second effect.
 */
export function idempotencyRecords(functionName: string): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName: ledgerTableName(),
    awsSdkV3Client: dynamoDbClient(),
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: `idempotency#${functionName}`,
    expiryAttr: 'expiresAt',
  });
}

export function notifications(): Notifications {
  const topicArn = process.env.NOTIFICATIONS_TOPIC_ARN;
  if (!topicArn) throw new Error('NOTIFICATIONS_TOPIC_ARN is not set: the stack defines it for every event function');
  return snsNotifications(new SNSClient(awsClientConfig()), topicArn);
}
