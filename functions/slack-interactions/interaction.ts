import * as z from 'zod/mini';
import { actionOf, ButtonValue, DECIDE_WITH_COMMENT, LONGEST_COMMENT, type Click } from '../../shared/slack-actions';
import { ClientError } from '../../shared/http';

/** Slack posts at most a few kilobytes for a button; anything much larger is not Slack's. */
export const LARGEST_BODY = 64 * 1024;

// https://docs.slack.dev/reference/interaction-payloads/block_actions-payload: only what is used.
// (The payload also carries Slack's deprecated verification `token`: it is never logged or kept.)
const SlackUser = z.object({ id: z.string().check(z.regex(/^[UW][A-Z0-9]{2,20}$/)), username: z.optional(z.string()), name: z.optional(z.string()) });
const CHANNEL = /^[CGD][A-Z0-9]{2,20}$/;
const BlockActions = z.object({
  type: z.literal('block_actions'),
  user: SlackUser,
  trigger_id: z.optional(z.string().check(z.maxLength(200))),
  channel: z.optional(z.object({ id: z.string().check(z.regex(CHANNEL)) })),
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

// https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload: the modal's submission
const ViewSubmission = z.object({
  type: z.literal('view_submission'),
  user: SlackUser,
  view: z.object({
    id: z.string().check(z.regex(/^V[A-Z0-9]{2,30}$/)),
    callback_id: z.literal(DECIDE_WITH_COMMENT),
    private_metadata: z.string(),
    state: z.object({
      values: z.object({
        decision: z.object({ decision: z.object({ selected_option: z.object({ value: z.enum(['approve', 'reject']) }) }) }),
        comment: z.optional(z.object({ comment: z.object({ value: z.nullish(z.string().check(z.maxLength(LONGEST_COMMENT))) }) })),
      }),
    }),
  }),
});
const ModalMetadata = z.object({ target: ButtonValue, channel: z.optional(z.string().check(z.regex(CHANNEL))) });

/** What a verified interaction asks: an action, or the modal to decide with a comment. */
export type Interaction = { kind: 'click'; click: Click } | { kind: 'open-modal'; triggerId: string; target: ButtonValue; channel?: string };

/** The interaction in a verified body (`payload=<json>`, form-encoded), or a ClientError saying what was expected. */
export function parseInteraction(raw: Buffer, now: Date): Interaction {
  const payload = new URLSearchParams(raw.toString('utf8')).get('payload');
  if (payload === null) throw new ClientError(400, 'MalformedInteraction', 'expected a form body with a payload field');
  const body = json(payload);
  const submitted = ViewSubmission.safeParse(body);
  if (submitted.success) return { kind: 'click', click: submission(submitted.data, now) };
  const parsed = BlockActions.safeParse(body);
  if (!parsed.success) throw new ClientError(400, 'MalformedInteraction', 'expected a block_actions payload with one action, or the submission of the modal');
  const { user, actions, response_url, trigger_id, channel } = parsed.data;
  if (response_url !== undefined && !response_url.startsWith(responseUrlPrefix())) throw new ClientError(400, 'MalformedInteraction', "expected a response_url of Slack's");
  const [pressed] = actions;
  if (pressed!.action_id === DECIDE_WITH_COMMENT) {
    const target = ButtonValue.safeParse(json(pressed!.value ?? ''));
    if (!target.success || !target.data.action || !trigger_id) throw new ClientError(400, 'MalformedInteraction', 'expected the button to name the pipeline, execution, stage and approval action, and a trigger_id');
    return { kind: 'open-modal', triggerId: trigger_id, target: target.data, channel: channel?.id };
  }
  const action = actionOf(pressed!.action_id);
  if (!action) throw new ClientError(400, 'UnknownAction', 'expected one of the actions rc:approve, rc:reject, rc:retry, rc:rollback');
  const target = ButtonValue.safeParse(json(pressed!.value ?? ''));
  if (!target.success || ((action === 'approve' || action === 'reject') && !target.data.action)) {
    throw new ClientError(400, 'MalformedInteraction', `expected the ${action} button's value to name the pipeline, execution, stage${action === 'approve' || action === 'reject' ? ' and approval action' : ''}`);
  }
  return {
    kind: 'click',
    click: { id: `${pressed!.action_ts}-${user.id}-${action}`, action, target: target.data, user: { id: user.id, name: user.username ?? user.name }, responseUrl: response_url, at: now.toISOString() },
  };
}

/** The modal's submission as a press: its id is the view's, so a replayed submission acts no more. */
function submission({ user, view }: z.infer<typeof ViewSubmission>, now: Date): Click {
  const metadata = ModalMetadata.safeParse(json(view.private_metadata));
  if (!metadata.success || !metadata.data.target.action) throw new ClientError(400, 'MalformedInteraction', 'expected the modal to name the pipeline, execution, stage and approval action');
  const action = view.state.values.decision.decision.selected_option.value;
  const comment = view.state.values.comment?.comment.value?.trim();
  return {
    id: `${view.id}-${user.id}-${action}`,
    action,
    target: metadata.data.target,
    user: { id: user.id, name: user.username ?? user.name },
    channel: metadata.data.channel,
    comment: comment || undefined,
    at: now.toISOString(),
  };
}
