import type { KnownBlock } from '@slack/types';
import pRetry, { AbortError } from 'p-retry';

export interface SlackMessage {
  /** The notification text: what screen readers, push notifications and the webhook fallback show. */
  text: string;
  blocks: KnownBlock[];
}

/** Every Slack call of an invocation ends by `deadline` (epoch ms), Retry-After waits included. */
export interface SlackCallOptions {
  deadline: number;
}

export interface PostOptions extends SlackCallOptions {
  /** Carried in the message's metadata, so a post whose answer was lost can be found again. */
  key: string;
  threadTs?: string;
}

export interface Posted {
  channel: string;
  ts?: string;
  /** The post may have reached Slack twice: an attempt went unanswered and Slack could not say whether it was taken. */
  doubtful: boolean;
}

export interface Slack {
  /** A bot token can change a message it posted; an incoming webhook cannot, so each event is a new message. */
  readonly updatesInPlace: boolean;
  /** Posts a message (a threaded reply with `threadTs`); answers the channel's id and the message's ts, which `update` needs. */
  post(channel: string, message: SlackMessage, options: PostOptions): Promise<Posted>;
  update(channel: string, ts: string, message: SlackMessage, options: SlackCallOptions): Promise<void>;
  /**
   * The keys of the messages posted to the channel (or to the thread of `threadTs`) since `since`
   * (epoch ms), with where they are; undefined when Slack cannot tell (a webhook, a missing scope).
   */
  postedSince(channel: string, since: number, options: SlackCallOptions & { threadTs?: string }): Promise<Map<string, { channel: string; ts: string }> | undefined>;
}

/** Slack refused the call for a reason a retry cannot change (a missing channel, a bad token, a malformed message). */
export class SlackRefused extends Error {
  override name = 'SlackRefused';
}

// Bounded: a Slack that is down for longer is Lambda's retry's business, then the dead letters'.
export const SLACK_RETRIES = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000 };
/** How long one Slack call may take; RC_SLACK_TIMEOUT_MS shortens it where a test makes Slack hang. */
const callTimeout = () => Number(process.env.RC_SLACK_TIMEOUT_MS ?? 5_000);
const METADATA_EVENT = 'release_conductor_message';
// https://docs.slack.dev/apis/web-api/#responses: errors a retry can get past; any other is final
const TRANSIENT_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** A failure whose outcome is unknown: the call may have taken effect. */
class NoAnswer extends Error {
  override name = 'NoAnswer';
}

/**
 * One HTTP call to Slack within the deadline: 429 waits out Retry-After when it ends before the
 * deadline, 5xx and transient errors are retried, anything else Slack refuses is final.
 * `beforeRetry` runs before an attempt that follows one without an answer.
 */
async function callSlack<T>(
  attempt: (signal: AbortSignal) => Promise<Response>,
  read: (response: Response) => Promise<T>,
  { deadline }: SlackCallOptions,
  beforeRetry?: () => Promise<T | undefined>,
): Promise<T> {
  let unanswered = false;
  return pRetry(async () => {
    if (unanswered && beforeRetry) {
      const found = await beforeRetry();
      if (found !== undefined) return found;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new AbortError('Slack did not answer before the invocation\'s deadline');
    let response: Response;
    try {
      response = await attempt(AbortSignal.timeout(Math.min(callTimeout(), left)));
    } catch (error) {
      unanswered = true;
      throw new NoAnswer(`Slack did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    unanswered = false;
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after') ?? 1) * 1000;
      if (Date.now() + retryAfter >= deadline) throw new AbortError(`Slack is rate limiting for ${retryAfter / 1000}s, past this invocation's deadline`);
      await new Promise((resolve) => setTimeout(resolve, retryAfter));
      throw new Error(`Slack rate limited for ${retryAfter / 1000}s`);
    }
    if (response.status >= 500) throw new Error(`Slack answered ${response.status}`);
    try {
      return await read(response);
    } catch (error) {
      // final: p-retry gives up and rejects with the SlackRefused itself
      throw error instanceof SlackRefused ? new AbortError(error) : error;
    }
  }, { ...SLACK_RETRIES, maxRetryTime: Math.max(0, deadline - Date.now()) });
}

interface WebApiAnswer {
  ok: boolean;
  error?: string;
  channel?: string;
  ts?: string;
  channels?: { id: string; name: string }[];
  messages?: { ts: string; metadata?: { event_type: string; event_payload?: { key?: string } } }[];
  response_metadata?: { next_cursor?: string };
}

async function webApiAnswer(method: string, response: Response): Promise<WebApiAnswer> {
  if (!response.ok) throw new SlackRefused(`Slack's ${method} answered ${response.status}`);
  const answer = (await response.json()) as WebApiAnswer;
  if (answer.ok) return answer;
  if (TRANSIENT_ERRORS.has(answer.error ?? '')) throw new Error(`Slack's ${method} answered ${answer.error}`);
  throw new SlackRefused(`Slack's ${method} answered ${answer.error ?? 'an error'}`);
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
/** How far back a search for a lost post reads: 10 pages of 200 messages. */
const HISTORY_PAGES = 10;

/**
 * Slack's Web API with a bot token (scope chat:write; channels:history, groups:history,
 * channels:read and groups:read let it find a post whose answer was lost instead of posting again).
 */
export function slackBot(token: () => Promise<string>, slackApiUrl = 'https://slack.com/api/'): Slack {
  const channelIds = new Map<string, string>();
  const call = async (method: string, args: Record<string, unknown>, options: SlackCallOptions, beforeRetry?: () => Promise<WebApiAnswer | undefined>) => {
    const authorization = `Bearer ${await token()}`;
    return callSlack(
      (signal) =>
        fetch(`${slackApiUrl}${method}`, {
          method: 'POST',
          // Slack's read methods take form arguments only
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(Object.entries(args).flatMap(([name, value]): [string, string][] => (value === undefined ? [] : [[name, typeof value === 'string' ? value : JSON.stringify(value)]]))),
          signal,
        }),
      (response) => webApiAnswer(method, response),
      options,
      beforeRetry,
    );
  };

  /** The channel's id: history needs it, the policy may give a name. */
  async function channelId(channel: string, options: SlackCallOptions): Promise<string> {
    if (CHANNEL_ID.test(channel)) return channel;
    const known = channelIds.get(channel);
    if (known) return known;
    let cursor: string | undefined;
    do {
      const page = await call('conversations.list', { types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, cursor }, options);
      for (const { id, name } of page.channels ?? []) channelIds.set(`#${name}`, id).set(name, id);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor && !channelIds.has(channel));
    const found = channelIds.get(channel);
    if (!found) throw new SlackRefused(`no channel ${channel} is visible to the bot`);
    return found;
  }

  const slack: Slack = {
    updatesInPlace: true,
    async post(channel, { text, blocks }, { key, threadTs, deadline }) {
      let doubtful = false;
      // Before posting again after an attempt went unanswered: was it taken? A search that fails is
      // retried like the post (then Lambda retries the invocation); only a Slack that cannot be
      // asked at all (no history scope) leaves the post doubtful.
      const lookUp = async (): Promise<WebApiAnswer | undefined> => {
        const posted = await slack.postedSince(channel, Date.now() - 60_000, { threadTs, deadline });
        const found = posted?.get(key);
        if (found) return { ok: true, ...found };
        doubtful ||= posted === undefined;
        return undefined;
      };
      const metadata = { event_type: METADATA_EVENT, event_payload: { key } };
      const answer = await call('chat.postMessage', { channel, thread_ts: threadTs, text, blocks, metadata, unfurl_links: false }, { deadline }, lookUp);
      if (answer.channel) channelIds.set(channel, answer.channel);
      return { channel: answer.channel ?? channel, ts: answer.ts, doubtful };
    },
    async update(channel, ts, { text, blocks }, options) {
      await call('chat.update', { channel, ts, text, blocks }, options);
    },
    async postedSince(channel, since, { threadTs, deadline }) {
      try {
        const id = await channelId(channel, { deadline });
        const keys = new Map<string, { channel: string; ts: string }>();
        let cursor: string | undefined;
        // newest first, a page at a time, back to `since`: a busy channel has many messages in a minute
        for (let page = 0; page < HISTORY_PAGES; page += 1) {
          const method = threadTs ? 'conversations.replies' : 'conversations.history';
          const answer = await call(method, { channel: id, ts: threadTs, oldest: (since / 1000).toFixed(6), include_all_metadata: true, limit: 200, cursor }, { deadline });
          for (const message of answer.messages ?? []) {
            const key = message.metadata?.event_type === METADATA_EVENT ? message.metadata.event_payload?.key : undefined;
            if (key) keys.set(key, { channel: id, ts: message.ts });
          }
          cursor = answer.response_metadata?.next_cursor || undefined;
          if (!cursor) return keys;
        }
        // more than it reads: it cannot tell
        return undefined;
      } catch (error) {
        if (error instanceof SlackRefused) return undefined;
        throw error;
      }
    },
  };
  return slack;
}

/** An incoming webhook URL, checked before use: a malformed one is refused without repeating it anywhere. */
function webhookRequest(url: string): URL {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return parsed;
  } catch {
    // the URL is a secret: it must not reach the error message
  }
  throw new SlackRefused('the Slack webhook URL in Parameter Store is not an http(s) URL');
}

/** The simpler fallback: an incoming webhook posts to its one channel, a new message each time, and cannot be searched. */
export function slackWebhook(webhookUrl: () => Promise<string>): Slack {
  /** Answers whether the message may have gone twice: an attempt went unanswered, and a webhook cannot be asked. */
  const send = async (message: SlackMessage, options: SlackCallOptions) => {
    const url = webhookRequest(await webhookUrl());
    let doubtful = false;
    await callSlack(
      (signal) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), signal }),
      async (response) => {
        if (!response.ok) throw new SlackRefused(`the Slack webhook answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
      },
      options,
      async () => {
        doubtful = true;
        return undefined;
      },
    );
    return doubtful;
  };
  return {
    updatesInPlace: false,
    post: async (channel, message, options) => ({ channel, doubtful: await send(message, options) }),
    update: async (_channel, _ts, message, options) => void (await send(message, options)),
    postedSince: async () => undefined,
  };
}
