import { SlackRefused, type Slack, type SlackCallOptions, type SlackMessage } from '../ports';
import { callSlack } from './web-api';

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
