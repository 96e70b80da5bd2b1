import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cardTable, type CardStore } from '../../shared/aws/card-table';
import { secureString } from '../../shared/aws/secrets';
import { dynamoDbClient } from '../../shared/runtime';
import { slackBot, slackWebhook, type Slack } from '../../shared/slack';
import type { CardState } from './card';

/** A bot token when SLACK_BOT_TOKEN_PARAMETER names one (messages updated in place), else an incoming webhook. */
export function slack(): Slack {
  const { SLACK_BOT_TOKEN_PARAMETER: botToken, SLACK_WEBHOOK_URL_PARAMETER: webhookUrl, SLACK_API_URL: apiUrl } = process.env;
  if (botToken) return slackBot(secureString(botToken), apiUrl || undefined);
  if (webhookUrl) return slackWebhook(secureString(webhookUrl));
  throw new Error('neither SLACK_BOT_TOKEN_PARAMETER nor SLACK_WEBHOOK_URL_PARAMETER is set: the stack sets one (docs/slack.md)');
}

export function cards(): CardStore<CardState> {
  const tableName = process.env.LEDGER_TABLE;
  if (!tableName) throw new Error('LEDGER_TABLE is not set: the stack defines it for notify-slack');
  // a card keeps optional fields as they come; DynamoDB stores no undefined
  const client = DynamoDBDocumentClient.from(dynamoDbClient(), { marshallOptions: { removeUndefinedValues: true } });
  return cardTable(client, tableName, Number(process.env.LEDGER_RETENTION_DAYS ?? 400));
}
