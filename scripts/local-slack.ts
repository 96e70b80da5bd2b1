/**
 * Slack on loopback for `npm start`, the demo and the tests: the Web API methods notify-slack calls
 * (chat.postMessage, chat.update) and an incoming webhook, answering as Slack does, checking the
 * bot token, and keeping every call for `GET /_calls`. `POST /_faults` makes the next calls fail
 * (a status and Retry-After, a connection reset, or no answer) so the tests can see retries.
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
}

export interface LocalSlack {
  url: string;
  /** The Web API base URL (`SLACK_API_URL`). */
  apiUrl: string;
  webhookUrl: string;
  calls(): SlackCall[];
  close(): Promise<void>;
}

/** The next `times` calls fail: with a status (and Retry-After), a connection reset, or no answer at all. */
interface Fault {
  status?: number;
  retryAfter?: number;
  reset?: true;
  hang?: true;
  times: number;
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

export async function startLocalSlack(botToken: string, port = 0): Promise<LocalSlack> {
  const calls: SlackCall[] = [];
  const channels = new Map<string, string>();
  let faults: Fault[] = [];
  let clock = Math.floor(Date.now() / 1000);

  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const path = request.url ?? '';
      if (request.method === 'GET' && path === '/_calls') return answer(response, 200, calls);
      if (request.method === 'POST' && path === '/_faults') {
        faults.push(JSON.parse(body) as Fault);
        return answer(response, 200, { ok: true });
      }
      const fault = faults[0];
      if (fault) {
        fault.times -= 1;
        if (fault.times <= 0) faults = faults.slice(1);
        if (fault.reset) return request.socket.destroy();
        if (fault.hang) return;
        return answer(response, fault.status ?? 500, { ok: false, error: 'injected' }, fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) });
      }
      if (path.startsWith('/webhook/')) {
        const { text, blocks } = JSON.parse(body) as SlackCall;
        calls.push({ method: 'webhook', text, blocks });
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      const method = path.replace(/^\/api\//, '');
      if (method !== 'chat.postMessage' && method !== 'chat.update') return answer(response, 200, { ok: false, error: 'unknown_method' });
      if (request.headers.authorization !== `Bearer ${botToken}`) return answer(response, 200, { ok: false, error: 'invalid_auth' });
      const args = parseArguments(request, body);
      const channelName = String(args.channel ?? '');
      if (method === 'chat.postMessage') {
        // Slack answers with the channel's id, which chat.update then needs
        const known = [...channels.values()].includes(channelName) ? channelName : channels.get(channelName);
        const channel = known ?? `C${String(channels.size + 1).padStart(8, '0')}`;
        if (!known) channels.set(channelName, channel);
        clock += 1;
        const ts = `${clock}.000100`;
        calls.push({ method, channel, ts, thread_ts: args.thread_ts as string | undefined, text: args.text as string, blocks: args.blocks as KnownBlock[] });
        return answer(response, 200, { ok: true, channel, ts, message: { text: args.text, ts } });
      }
      const posted = calls.find((call) => call.method === 'chat.postMessage' && call.channel === channelName && call.ts === args.ts);
      if (!posted) return answer(response, 200, { ok: false, error: [...channels.values()].includes(channelName) ? 'message_not_found' : 'channel_not_found' });
      calls.push({ method, channel: channelName, ts: String(args.ts), text: args.text as string, blocks: args.blocks as KnownBlock[] });
      return answer(response, 200, { ok: true, channel: channelName, ts: args.ts, text: args.text });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    webhookUrl: `${url}/webhook/T000/B000/local`,
    calls: () => calls,
    close: () => {
      // a hung call would keep the server open
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A message as a person reads it in Slack, in plain text: what the demo prints. */
export function slackMessageAsText(blocks: KnownBlock[] = []): string {
  const unlink = (text: string) =>
    text.replace(/<([^|>]+)\|([^>]+)>/g, '$2').replace(/\*([^*\n]+)\*/g, '$1').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return blocks
    .flatMap((block) => {
      switch (block.type) {
        case 'section':
          return [block.text?.text, ...(block.fields ?? []).map((field) => field.text.replace(/\n/g, ': '))].filter((text) => text !== undefined).map(unlink);
        case 'context':
          return [block.elements.map((element) => ('text' in element && typeof element.text === 'string' ? unlink(element.text) : '')).join('   ')];
        case 'actions':
          return [block.elements.map((element) => (element.type === 'button' ? `[${element.text.text}]` : '')).join(' ')];
        default:
          return [];
      }
    })
    .join('\n');
}
