import type { SlackCall } from '../../../../../infra/local/slack';
import { slackChannels } from '../../../../../infra/local/console/slack-channels';

const section = (text: string) => [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }];

describe('the local Slack as a person sees it', () => {
  it('replaces a message in place on chat.update, threads replies under it, and keeps webhook posts apart', () => {
    const calls: SlackCall[] = [
      { method: 'chat.postMessage', channel: 'C1', ts: '100.000100', text: 'started', blocks: section('*deploy* started'), receivedAt: 0 },
      { method: 'chat.postMessage', channel: 'C1', ts: '101.000100', text: 'other', blocks: section('other'), receivedAt: 0 },
      { method: 'chat.update', channel: 'C1', ts: '100.000100', text: 'failed', blocks: section('*deploy* failed'), receivedAt: 0 },
      { method: 'chat.postMessage', channel: 'C1', ts: '102.000100', thread_ts: '100.000100', text: 'why', blocks: section('the reason'), receivedAt: 0 },
      { method: 'chat.update', channel: 'C1', ts: '100.000100', text: 'failed', blocks: section('*deploy* failed, see the thread'), receivedAt: 0 },
      { method: 'webhook', text: 'from a webhook', receivedAt: 0 },
    ];
    const [channel, webhook] = slackChannels(calls, (id) => `name-of-${id}`);
    expect(channel!.name).toBe('name-of-C1');
    expect(channel!.messages.map(({ ts, text, updates, replies }) => ({ ts, text, updates, replies: replies.map((reply) => reply.text) }))).toEqual([
      { ts: '100.000100', text: 'failed', updates: 2, replies: ['why'] },
      { ts: '101.000100', text: 'other', updates: 0, replies: [] },
    ]);
    expect(channel!.messages[0]!.blocks).toEqual(section('*deploy* failed, see the thread'));
    expect(webhook).toMatchObject({ name: 'incoming webhook', messages: [{ text: 'from a webhook', blocks: [] }] });
  });
});
