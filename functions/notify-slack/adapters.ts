import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig } from '../../shared/aws/client-config';
import { cardTable, type CardStore } from '../../shared/aws/card-table';
import { dynamoDbClient } from '../../shared/runtime';
import { slackBot, slackWebhook, type Slack } from '../../shared/slack';
import type { CardState } from './card';

// Kept here, not in shared/runtime: only notify-slack reads Parameter Store.

/** A SecureString from Parameter Store, cached five minutes, never logged; the SSM client's time limits are every other client's. */
function secret(name: string) {
  const parameters = new SSMProvider({ clientConfig: awsClientConfig() });
  return async () => {
    const value = await parameters.get(name, { decrypt: true, maxAge: 300 });
    if (!value) throw new Error(`the parameter ${name} is empty`);
    return value;
  };
}

/** A bot token when SLACK_BOT_TOKEN_PARAMETER names one (messages updated in place), else an incoming webhook. */
export function slack(): Slack {
  const { SLACK_BOT_TOKEN_PARAMETER: botToken, SLACK_WEBHOOK_URL_PARAMETER: webhookUrl, SLACK_API_URL: apiUrl } = process.env;
  if (botToken) return slackBot(secret(botToken), apiUrl || undefined);
  if (webhookUrl) return slackWebhook(secret(webhookUrl));
  throw new Error('neither SLACK_BOT_TOKEN_PARAMETER nor SLACK_WEBHOOK_URL_PARAMETER is set: the stack sets one (README "Notifications")');
}

export function cards(): CardStore<CardState> {
  const tableName = process.env.LEDGER_TABLE;
  if (!tableName) throw new Error('LEDGER_TABLE is not set: the stack defines it for notify-slack');
  // a card keeps optional fields as they come; DynamoDB stores no undefined
  const client = DynamoDBDocumentClient.from(dynamoDbClient(), { marshallOptions: { removeUndefinedValues: true } });
  return cardTable(client, tableName, Number(process.env.LEDGER_RETENTION_DAYS ?? 400));
}
