import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig } from '../../shared/aws/client-config';
import { clickClaims } from '../../shared/aws/click-table';
import { secureString } from '../../shared/aws/secrets';
import { dynamoDbClient } from '../../shared/runtime';
import type { ClickLedger } from '../../shared/ports';
import type { Click } from '../../shared/slack-actions';

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: serverless.yml sets it for slack-interactions`);
  return value;
};

/** Slack's signing secret, a SecureString in Parameter Store (never an environment variable). */
export const signingSecret = () => secureString(required('SLACK_SIGNING_SECRET_PARAMETER'));

export const clicks = (): Pick<ClickLedger, 'claimClick'> => clickClaims(DynamoDBDocumentClient.from(dynamoDbClient()), required('LEDGER_TABLE'), Number(process.env.LEDGER_RETENTION_DAYS ?? 400));

/** An asynchronous invocation of act-from-slack: Lambda queues it and answers at once (202). */
export function dispatch(): (click: Click) => Promise<void> {
  const functionName = required('ACT_FUNCTION_NAME');
  const lambda = new LambdaClient(awsClientConfig());
  return async (click) => {
    await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(click)) }));
  };
}
