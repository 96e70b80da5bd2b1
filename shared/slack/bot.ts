import { SlackRefused, type Slack, type SlackCallOptions } from '../ports';
import { webApi, type WebApiAnswer } from './web-api';

const METADATA_EVENT = 'release_conductor_message';
const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
/** How far back a search for a lost post reads: 10 pages of 200 messages. */
const HISTORY_PAGES = 10;

/**
 * Slack's Web API with a bot token (scope chat:write; channels:history, groups:history,
 * channels:read and groups:read let it find a post whose answer was lost instead of posting again).
 */
export function slackBot(token: () => Promise<string>, slackApiUrl = 'https://slack.com/api/'): Slack {
  const channelIds = new Map<string, string>();
  const call = webApi(token, slackApiUrl);

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

