/**
 * A press on a card's button in the console, sent to the local stack as Slack sends it: the
 * block_actions interaction of scripts/slack-click.ts, signed with the local signing secret (which
 * stays in this process), posted to POST /slack/interactions, with a response_url in the local Slack
 * whose answers the console then shows under the message, "only visible to you".
 */
import { randomUUID } from 'node:crypto';
import type { SlackCall, SlackResponse } from '../slack';
import { interactionBody, signedHeaders } from '../slack-click';

export interface Press {
  channel: string;
  ts: string;
  actionId: string;
  value: string;
  user: string;
}

export interface PressResult {
  status: number;
  /** The endpoint's refusal, when it refused. */
  error?: string;
  /** The title of the modal the endpoint opened with views.open, when it opened one. */
  modal?: string;
}

/** A press the console sent: its answers come to the local Slack as `/actions/<id>`. */
export interface Pressed {
  id: string;
  channel: string;
  ts: string;
  user: string;
  /** What the console tells of it itself: a refusal by the endpoint, a modal Slack would open. */
  notes: string[];
}

const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;

export function parsePress(body: unknown): Press | undefined {
  const press = body as Partial<Record<keyof Press, unknown>> | null;
  const strings = press && (['channel', 'ts', 'actionId', 'value', 'user'] as const).every((key) => typeof press[key] === 'string');
  return strings && SLACK_USER.test(press.user as string) ? (press as Press) : undefined;
}

/** Whether the message (as last posted or updated) carries this button: Slack sends presses only for buttons it shows. */
export function showsButton(calls: SlackCall[], { channel, ts, actionId, value }: Press): boolean {
  const latest = calls.filter((call) => call.channel === channel && call.ts === ts && call.method !== 'webhook').at(-1);
  return (latest?.blocks ?? []).some((block) => block.type === 'actions' && block.elements.some((element) => element.type === 'button' && !element.url && element.action_id === actionId && element.value === value));
}

export async function sendPress(press: Press, { slackUrl, interactionsUrl, signingSecret }: { slackUrl: string; interactionsUrl: string; signingSecret: string }): Promise<{ pressed: Pressed; result: PressResult }> {
  const id = `console-${randomUUID()}`;
  const body = interactionBody({ action: press.actionId, value: press.value, user: press.user, responseUrl: `${slackUrl}/actions/${id}`, channel: press.channel, messageTs: press.ts });
  const response = await fetch(interactionsUrl, { method: 'POST', headers: signedHeaders(signingSecret, body), body });
  const answer = (await response.json().catch(() => ({}))) as { error?: string };
  const result: PressResult = { status: response.status, ...(response.ok ? {} : { error: answer.error ?? response.statusText }) };
  const notes = response.ok ? [] : [`The press was not taken: POST /slack/interactions answered ${response.status} ${result.error}`];
  // the endpoint opens a modal within the press's 3 seconds, before it answers
  const triggerId = (JSON.parse(new URLSearchParams(body).get('payload')!) as { trigger_id: string }).trigger_id;
  const views = (await (await fetch(`${slackUrl}/_views`)).json()) as { trigger_id: string; view: { title?: { text?: string } } }[];
  const opened = views.find((view) => view.trigger_id === triggerId);
  if (opened) {
    result.modal = opened.view.title?.text ?? 'a modal';
    notes.push(`Slack opened a modal for you: *${result.modal}* (the console does not draw modals; the local Slack keeps it at GET /_views)`);
  }
  return { pressed: { id, channel: press.channel, ts: press.ts, user: press.user, notes }, result };
}

/** The answers to the console's presses (and what it tells of them), by the message they were pressed on, in the order pressed. */
export function answersByMessage(pressed: Pressed[], responses: SlackResponse[]): Map<string, { user: string; text: string }[]> {
  const byMessage = new Map<string, { user: string; text: string }[]>();
  for (const press of pressed) {
    const texts = [...press.notes, ...responses.filter((response) => response.id === press.id && response.text !== undefined).map((response) => response.text!)];
    const key = `${press.channel}/${press.ts}`;
    byMessage.set(key, [...(byMessage.get(key) ?? []), ...texts.map((text) => ({ user: press.user, text }))]);
  }
  return byMessage;
}
