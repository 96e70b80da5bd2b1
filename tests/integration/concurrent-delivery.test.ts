import { putEvents } from '../../infra/local/event-bus-client';
import type { SlackCall } from '../../infra/local/slack';
import { entryFromEvent } from '../../scripts/replay';
import { eventBridgeUrl, linesAfter, slackUrl } from '../support/local-stack-env';
import { sample } from '../support/samples';

// A pipeline start as AWS delivers it: the pipeline, stage and action STARTED events in the same
// second, one PutEvents; the local bus and SNS invoke the functions for them at once.
type Event = { id: string; time: string; detail: Record<string, unknown> };
const slackCalls = async () => (await (await fetch(`${slackUrl()}/_calls`)).json()) as SlackCall[];

describe('a pipeline start delivered at once', () => {
  it('shows the three on one Slack message, with no failed invocation', async () => {
    const executionId = `burst-${Date.now()}`;
    const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const events = ['pipeline-started', 'stage-started', 'action-started'].map((name) => {
      const event = sample<Event>(`codepipeline/${name}.json`);
      return { ...event, id: `${executionId}-${name}`, time, detail: { ...event.detail, 'execution-id': executionId } };
    });
    const lines = await linesAfter(() => putEvents(eventBridgeUrl(), events.map((event) => entryFromEvent(event as never))), 1_500);

    const deliveries = lines.filter((line) => line.function === 'notify-slack' && line.message === 'slack delivery' && String(line.card).includes(executionId));
    expect(deliveries).toHaveLength(3);
    expect(lines.filter((line) => line.level === 'ERROR')).toEqual([]);
    const calls = (await slackCalls()).filter((call) => JSON.stringify(call.blocks ?? []).includes(executionId));
    const posts = calls.filter((call) => call.method === 'chat.postMessage' && !call.thread_ts);
    expect(posts).toHaveLength(1);
    const shown = calls.filter((call) => call.ts === posts[0]!.ts).at(-1)!;
    expect(JSON.stringify(shown.blocks)).toContain('Prod');
  });
});
