import * as z from 'zod/mini';
import { actionOf, ButtonValue, type Click } from '../../shared/slack-actions';
import { ClientError } from '../../shared/http';

/** Slack posts at most a few kilobytes for a button; anything much larger is not Slack's. */
export const LARGEST_BODY = 64 * 1024;

// https://docs.slack.dev/reference/interaction-payloads/block_actions-payload: only what is used.
// (The payload also carries Slack's deprecated verification `token`: it is never logged or kept.)
const BlockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().check(z.regex(/^[UW][A-Z0-9]{2,20}$/)), username: z.optional(z.string()), name: z.optional(z.string()) }),
  response_url: z.optional(z.string().check(z.regex(/^https?:\/\//))),
  actions: z.array(z.object({ action_id: z.string(), value: z.optional(z.string()), action_ts: z.string().check(z.regex(/^\d{1,12}\.\d{1,9}$/)) })).check(z.minLength(1), z.maxLength(1)),
});

/**
 * Where a press's answers may go: Slack's own hooks (the local stack's Slack on loopback). The
 * payload is signed, so this holds only if the signing secret leaked: even then the worker posts
 * nowhere else.
 */
const responseUrlPrefix = () => process.env.SLACK_RESPONSE_URL_PREFIX || 'https://hooks.slack.com/';

/** The raw body as Slack sent it: API Gateway hands over text, or base64 when it took the body for binary. */
export function rawBody(event: { body?: string; isBase64Encoded: boolean }): Buffer {
  const body = event.body ?? '';
  const raw = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (raw.length > LARGEST_BODY) throw new ClientError(413, 'PayloadTooLarge', `expected a Slack interaction of at most ${LARGEST_BODY} bytes`);
  return raw;
}

const json = (text: string) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** The button press in a verified body (`payload=<json>`, form-encoded), or a ClientError saying what was expected. */
export function parseInteraction(raw: Buffer, now: Date): Click {
  const payload = new URLSearchParams(raw.toString('utf8')).get('payload');
  if (payload === null) throw new ClientError(400, 'MalformedInteraction', 'expected a form body with a payload field');
  const parsed = BlockActions.safeParse(json(payload));
  if (!parsed.success) throw new ClientError(400, 'MalformedInteraction', 'expected a block_actions payload with one action');
  const { user, actions, response_url } = parsed.data;
  if (response_url !== undefined && !response_url.startsWith(responseUrlPrefix())) throw new ClientError(400, 'MalformedInteraction', "expected a response_url of Slack's");
  const [pressed] = actions;
  const action = actionOf(pressed!.action_id);
  if (!action) throw new ClientError(400, 'UnknownAction', 'expected one of the actions rc:approve, rc:reject, rc:retry, rc:rollback');
  const target = ButtonValue.safeParse(json(pressed!.value ?? ''));
  if (!target.success || ((action === 'approve' || action === 'reject') && !target.data.action)) {
    throw new ClientError(400, 'MalformedInteraction', `expected the ${action} button's value to name the pipeline, execution, stage${action === 'approve' || action === 'reject' ? ' and approval action' : ''}`);
  }
  return {
    id: `${pressed!.action_ts}-${user.id}-${action}`,
    action,
    target: target.data,
    user: { id: user.id, name: user.username ?? user.name },
    responseUrl: response_url,
    at: now.toISOString(),
  };
}
