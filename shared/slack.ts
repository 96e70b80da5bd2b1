import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import pRetry, { AbortError } from 'p-retry';
import { logger } from './logger';

export interface SlackMessage {
  /** The notification text: what screen readers, push notifications and the webhook fallback show. */
  text: string;
  blocks: KnownBlock[];
}

export interface Slack {
  /** A bot token can change a message it posted; an incoming webhook cannot, so each event is a new message. */
  readonly updatesInPlace: boolean;
  /** Posts a message; answers the channel's id and the message's ts, which `update` and `reply` need. */
  post(channel: string, message: SlackMessage): Promise<{ channel: string; ts?: string }>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  reply(channel: string, threadTs: string, message: SlackMessage): Promise<void>;
}

// Bounded: a Slack that is down for longer is the dead-letter queue's business, not a stuck Lambda's.
export const SLACK_RETRIES = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000 };
/** How long one Slack call may take; RC_SLACK_TIMEOUT_MS shortens it where a test makes Slack hang. */
const slackTimeout = () => Number(process.env.RC_SLACK_TIMEOUT_MS ?? 5_000);
/** The longest Retry-After the webhook fallback waits out; a longer one fails the attempt. */
const MAX_RETRY_AFTER_SECONDS = 10;

// Slack's client writes plain console lines; ours are structured JSON (its warnings: retries, rate limits)
const slackLogger: SlackLogger = {
  debug: () => undefined,
  info: (...message: unknown[]) => logger.info(message.join(' '), { source: '@slack/web-api' }),
  warn: (...message: unknown[]) => logger.warn(message.join(' '), { source: '@slack/web-api' }),
  error: (...message: unknown[]) => logger.error(message.join(' '), { source: '@slack/web-api' }),
  setLevel: () => undefined,
  getLevel: () => LogLevel.INFO,
  setName: () => undefined,
};

/**
 * chat.postMessage, then chat.update on the same message and threaded replies, with a bot token
 * (scope chat:write; invite the bot to private channels). Slack's own client honours 429
 * Retry-After and retries 5xx and network errors, within SLACK_RETRIES.
 */
export function slackBot(token: () => Promise<string>, slackApiUrl?: string): Slack {
  let client: { token: string; web: WebClient } | undefined;
  const web = async () => {
    const current = await token();
    // the token is cached by Powertools Parameters and may be rotated: a new one, a new client
    if (client?.token !== current) client = { token: current, web: new WebClient(current, { slackApiUrl, retryConfig: SLACK_RETRIES, timeout: slackTimeout(), logger: slackLogger }) };
    return client.web;
  };
  return {
    updatesInPlace: true,
    async post(channel, { text, blocks }) {
      const answer = await (await web()).chat.postMessage({ channel, text, blocks, unfurl_links: false });
      return { channel: answer.channel ?? channel, ts: answer.ts };
    },
    async update(channel, ts, { text, blocks }) {
      await (await web()).chat.update({ channel, ts, text, blocks });
    },
    async reply(channel, threadTs, { text, blocks }) {
      await (await web()).chat.postMessage({ channel, thread_ts: threadTs, text, blocks, unfurl_links: false });
    },
  };
}

/** The simpler fallback: an incoming webhook posts to its one channel, a new message each time. */
export function slackWebhook(webhookUrl: () => Promise<string>): Slack {
  const send = async (message: SlackMessage) =>
    pRetry(async () => {
      const response = await fetch(await webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), signal: AbortSignal.timeout(slackTimeout()) });
      if (response.ok) return;
      const retryAfter = Number(response.headers.get('retry-after'));
      if (response.status === 429 && retryAfter > 0 && retryAfter <= MAX_RETRY_AFTER_SECONDS) {
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
        throw new Error(`Slack webhook rate limited for ${retryAfter}s`);
      }
      const failure = new Error(`Slack webhook answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
      throw response.status >= 500 || response.status === 429 ? failure : new AbortError(failure);
    }, SLACK_RETRIES);
  return {
    updatesInPlace: false,
    async post(channel, message) {
      await send(message);
      return { channel };
    },
    update: async (_channel, _ts, message) => send(message),
    reply: async (_channel, _ts, message) => send(message),
  };
}
