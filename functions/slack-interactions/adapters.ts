import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig } from '../../shared/aws/client-config';
import { clickClaims } from '../../shared/aws/click-table';
import { secureString } from '../../shared/aws/secrets';
import { dynamoDbClient } from '../../shared/runtime';
import type { ClickLedger } from '../../shared/ports';
import type { Click } from '../../shared/slack-actions';
import { ClientError } from '../../shared/http';

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

/** Slack's views.open with the bot token (no scope beyond the app's own interactivity), within the trigger's 3 seconds. */
export function openModal(): (triggerId: string, view: object) => Promise<void> {
  const token = secureString(required('SLACK_BOT_TOKEN_PARAMETER'));
  const apiUrl = process.env.SLACK_API_URL || 'https://slack.com/api/';
  return async (triggerId, view) => {
    const response = await fetch(`${apiUrl}views.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ trigger_id: triggerId, view }),
      signal: AbortSignal.timeout(2_000),
    });
    const answer = (await response.json()) as { ok: boolean; error?: string };
    // an expired trigger (the 3 seconds passed) is the person's to press again
    if (!answer.ok) throw new ClientError(409, 'ModalNotOpened', `Slack did not open the modal: ${answer.error ?? response.status}`);
  };
}
