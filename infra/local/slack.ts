/**
 * Slack on loopback for `npm start`, the demo and the tests: the Web API methods notify-slack calls
 * (chat.postMessage with message metadata, chat.update, conversations.history / .replies / .list)
 * and an incoming webhook, answering as Slack does, checking the bot token, and keeping every call
 * for `GET /_calls`. A button's `response_url` (`POST /actions/...`) keeps the ephemeral answers for
 * `GET /_responses` (chat.postEphemeral's too, as `ephemeral/<channel>/<user>`), views.open keeps the
 * modals for `GET /_views`; `usergroups.users.list` answers the groups it was started with. `POST /_faults` makes the next calls fail (a status and Retry-After, a
 * connection reset, no answer, a post taken and then no answer) or answer slowly, so the tests can
 * see retries; `POST /_faults` with `{ "random": ... }` does it to a share of all calls.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KnownBlock } from '@slack/types';

export interface SlackCall {
  method: 'chat.postMessage' | 'chat.update' | 'webhook';
  channel?: string;
  ts?: string;
  thread_ts?: string;
  text?: string;
  blocks?: KnownBlock[];
  /** https://docs.slack.dev/messaging/message-metadata */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** When the stand-in received the call (epoch ms): the end of an event's way to Slack. */
  receivedAt: number;
}

/** What a function answered a click with, through its response_url. */
export interface SlackResponse {
  id: string;
  response_type?: string;
  replace_original?: boolean;
  text?: string;
}

export interface LocalSlack {
  url: string;
  /** The Web API base URL (`SLACK_API_URL`). */
  apiUrl: string;
  webhookUrl: string;
  /** Where a click's ephemeral answers go, as Slack's response_url: one per interaction. */
  responseUrl(id: string): string;
  calls(): SlackCall[];
  /** The answers posted to response_urls, oldest first. */
  responses(): SlackResponse[];
  close(): Promise<void>;
}

/**
 * The next `times` calls fail: with a status (and Retry-After), a connection reset, no answer at
 * all, or (`accept`) the call takes effect and then no answer comes; or they answer `delayMs` late.
 */
interface Fault {
  status?: number;
  retryAfter?: number;
  reset?: true;
  hang?: true;
  accept?: true;
  delayMs?: number;
  /** Slack's own refusal, `{ ok: false, error }`, as for a channel that does not exist. */
  error?: string;
  times: number;
}

/** A share of every call meets one of these faults, drawn at random (seeded): the replay's Slack. */
interface RandomFaults {
  seed: number;
  rate: number;
  faults: Omit<Fault, 'times'>[];
}

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve(body));
  });

// The Web API takes form or JSON bodies; Slack's client sends a form with the blocks as JSON.
function parseArguments(request: IncomingMessage, body: string): Record<string, unknown> {
  if (request.headers['content-type']?.startsWith('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const form = Object.fromEntries(new URLSearchParams(body));
  return { ...form, blocks: form.blocks ? (JSON.parse(form.blocks) as unknown) : undefined };
}

const answer = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

/** `usergroups`: each Slack user group's member ids, for usergroups.users.list. */
export async function startLocalSlack(botToken: string, port = 0, usergroups: Record<string, string[]> = {}): Promise<LocalSlack> {
  const calls: SlackCall[] = [];
  const responses: SlackResponse[] = [];
  const views: { trigger_id: string; view: Record<string, unknown> }[] = [];
  const channels = new Map<string, string>();
  let faults: Fault[] = [];
  let random: (RandomFaults & { next(): number }) | undefined;
  // a message's ts is the time it was posted, in microseconds, and unique in its channel
  let lastMicros = 0;
  const nextTs = () => {
    lastMicros = Math.max(lastMicros + 1, Date.now() * 1000);
    return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
  };

  const nextFault = (): Omit<Fault, 'times'> | undefined => {
    const fault = faults[0];
    if (fault) {
      fault.times -= 1;
      if (fault.times <= 0) faults = faults.slice(1);
      return fault;
    }
    if (random && random.next() < random.rate) return random.faults[Math.floor(random.next() * random.faults.length)];
    return undefined;
  };
  const channelId = (nameOrId: string) => ([...channels.values()].includes(nameOrId) ? nameOrId : channels.get(nameOrId));
  const posts = (channel: string) => calls.filter((call) => call.method === 'chat.postMessage' && call.channel === channel);
  // what conversations.history and .replies answer: newest first, a page at a time, metadata only when asked for
  const asHistory = (messages: SlackCall[], args: Record<string, unknown>) => {
    const after = (call: SlackCall) => args.oldest === undefined || Number(call.ts) > Number(args.oldest) || (String(args.inclusive) === 'true' && call.ts === args.oldest);
    const newestFirst = messages.filter(after).reverse();
    const start = Number(args.cursor ?? 0);
    const end = start + Number(args.limit ?? 100);
    const page = newestFirst.slice(start, end).map(({ ts, text, thread_ts, metadata }) => ({ type: 'message', ts, text, thread_ts, ...(String(args.include_all_metadata) === 'true' ? { metadata } : {}) }));
    return { messages: page, has_more: end < newestFirst.length, response_metadata: { next_cursor: end < newestFirst.length ? String(end) : '' } };
  };

  /** The Web API method's answer: [status, body], after the call took effect. */
  function webApi(method: string, args: Record<string, unknown>, receivedAt: number): Record<string, unknown> {
    const channelName = String(args.channel ?? '');
    switch (method) {
      case 'chat.postMessage': {
        // Slack answers with the channel's id, which chat.update then needs
        const known = channelId(channelName);
        const channel = known ?? `C${String(channels.size + 1).padStart(8, '0')}`;
        if (!known) channels.set(channelName, channel);
        const ts = nextTs();
        const metadata = typeof args.metadata === 'string' ? (JSON.parse(args.metadata) as SlackCall['metadata']) : (args.metadata as SlackCall['metadata']);
        calls.push({ method, channel, ts, thread_ts: args.thread_ts as string | undefined, text: args.text as string, blocks: args.blocks as KnownBlock[], metadata, receivedAt });
        return { ok: true, channel, ts, message: { text: args.text, ts } };
      }
      case 'chat.update': {
        const posted = posts(channelName).find((call) => call.ts === args.ts);
        if (!posted) return { ok: false, error: channelId(channelName) === channelName ? 'message_not_found' : 'channel_not_found' };
        calls.push({ method, channel: channelName, ts: String(args.ts), text: args.text as string, blocks: args.blocks as KnownBlock[], receivedAt });
        return { ok: true, channel: channelName, ts: args.ts, text: args.text };
      }
      case 'conversations.history':
        if (channelId(channelName) !== channelName) return { ok: false, error: 'channel_not_found' };
        return { ok: true, ...asHistory(posts(channelName).filter((call) => !call.thread_ts), args) };
      case 'conversations.replies':
        if (channelId(channelName) !== channelName) return { ok: false, error: 'channel_not_found' };
        return { ok: true, ...asHistory(posts(channelName).filter((call) => call.ts === args.ts || call.thread_ts === args.ts), args) };
      case 'views.open':
        views.push({ trigger_id: String(args.trigger_id), view: (typeof args.view === 'string' ? JSON.parse(args.view) : args.view) as Record<string, unknown> });
        return { ok: true, view: { id: `V${String(views.length).padStart(8, '0')}` } };
      case 'chat.postEphemeral':
        responses.push({ id: `ephemeral/${String(args.channel)}/${String(args.user)}`, response_type: 'ephemeral', text: args.text as string });
        return { ok: true, message_ts: nextTs() };
      case 'usergroups.users.list': {
        const users = usergroups[String(args.usergroup)];
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'conversations.list':
        return { ok: true, channels: [...channels].map(([name, id]) => ({ id, name: name.replace(/^#/, '') })), response_metadata: { next_cursor: '' } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server = createServer((request, response) => {
    const receivedAt = Date.now();
    void readBody(request).then(async (body) => {
      const path = request.url ?? '';
      if (request.method === 'GET' && path === '/_calls') return answer(response, 200, calls);
      if (request.method === 'GET' && path === '/_responses') return answer(response, 200, responses);
      if (request.method === 'GET' && path === '/_views') return answer(response, 200, views);
      if (request.method === 'POST' && path.startsWith('/actions/')) {
        const { response_type, replace_original, text } = JSON.parse(body) as SlackResponse;
        responses.push({ id: path.slice('/actions/'.length), response_type, replace_original, text });
        return answer(response, 200, { ok: true });
      }
      if (request.method === 'POST' && path === '/_faults') {
        const fault = JSON.parse(body) as Fault | RandomFaults;
        if ('rate' in fault) {
          let state = fault.seed;
          random = { ...fault, next: () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) };
        } else faults.push(fault);
        return answer(response, 200, { ok: true });
      }
      const fault = nextFault();
      if (fault?.reset) return request.socket.destroy();
      if (fault?.hang) return;
      if (fault?.status) return answer(response, fault.status, { ok: false, error: 'injected' }, fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) });
      if (fault?.error) return answer(response, 200, { ok: false, error: fault.error });
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      let result: { status: number; body: unknown; type?: string };
      if (path.startsWith('/webhook/')) {
        const { text, blocks } = JSON.parse(body) as SlackCall;
        calls.push({ method: 'webhook', text, blocks, receivedAt });
        result = { status: 200, body: 'ok', type: 'text/plain' };
      } else if (request.headers.authorization !== `Bearer ${botToken}`) {
        result = { status: 200, body: { ok: false, error: 'invalid_auth' } };
      } else {
        result = { status: 200, body: webApi(path.replace(/^\/api\//, ''), parseArguments(request, body), receivedAt) };
      }
      // taken, and the answer never comes
      if (fault?.accept) return;
      if (result.type) return response.writeHead(result.status, { 'content-type': result.type }).end(result.body);
      return answer(response, result.status, result.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    webhookUrl: `${url}/webhook/T000/B000/local`,
    responseUrl: (id) => `${url}/actions/${encodeURIComponent(id)}`,
    calls: () => calls,
    responses: () => responses,
    close: () => {
      // a hung call would keep the server open
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
