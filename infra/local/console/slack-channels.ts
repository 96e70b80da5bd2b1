/**
 * The local Slack's channels as a person sees them, from the calls it received (`GET /_calls`):
 * chat.postMessage adds a message (to a thread when it names `thread_ts`), chat.update replaces the
 * message with that channel and ts, and an incoming webhook posts a message of its own.
 */
import type { KnownBlock } from '@slack/types';
import type { SlackCall } from '../slack';

export interface ShownMessage {
  ts: string;
  text?: string;
  blocks: KnownBlock[];
  /** How many chat.update calls replaced it. */
  updates: number;
  replies: ShownMessage[];
}

export interface ShownChannel {
  id: string;
  name: string;
  messages: ShownMessage[];
}

/** An incoming webhook posts to the channel it was made for, which its calls do not name. */
export const WEBHOOK_CHANNEL = 'incoming-webhook';

export function slackChannels(calls: SlackCall[], channelName: (id: string) => string): ShownChannel[] {
  const channels = new Map<string, ShownChannel>();
  const channel = (id: string) => channels.get(id) ?? channels.set(id, { id, name: id === WEBHOOK_CHANNEL ? 'incoming webhook' : channelName(id), messages: [] }).get(id)!;
  const find = (messages: ShownMessage[], ts: string | undefined) => messages.find((message) => message.ts === ts);
  calls.forEach((call, index) => {
    const shown = { text: call.text, blocks: call.blocks ?? [], updates: 0, replies: [] };
    if (call.method === 'webhook') return void channel(WEBHOOK_CHANNEL).messages.push({ ...shown, ts: `webhook-${index}` });
    const { messages } = channel(call.channel ?? '');
    if (call.method === 'chat.postMessage') {
      const parent = call.thread_ts === undefined ? undefined : find(messages, call.thread_ts);
      (parent?.replies ?? messages).push({ ...shown, ts: call.ts ?? '' });
      return;
    }
    const updated = find(messages, call.ts) ?? find(messages.flatMap((message) => message.replies), call.ts);
    if (updated) Object.assign(updated, { text: call.text, blocks: call.blocks ?? [], updates: updated.updates + 1 });
  });
  return [...channels.values()];
}
