import * as z from 'zod/mini';
import type { AllowedPeople, ReleasePolicy } from './release-policy';

/**
 * Acting on a release from its Slack card: the buttons' ids and values, who may press them and
 * why a press is refused. Pure: the endpoint (functions/slack-interactions) and the worker
 * (functions/act-from-slack) bring the I/O.
 */
export const SLACK_ACTIONS = ['approve', 'reject', 'retry', 'rollback'] as const;
export type SlackAction = (typeof SLACK_ACTIONS)[number];

const ACTION_ID = /^rc:(approve|reject|retry|rollback)$/;
export const actionIdOf = (action: SlackAction) => `rc:${action}`;
export const actionOf = (actionId: string): SlackAction | undefined => ACTION_ID.exec(actionId)?.[1] as SlackAction | undefined;
/** The button that opens the modal to approve or reject with a comment, and the modal's callback. */
export const DECIDE_WITH_COMMENT = 'rc:decide';
/** The longest comment the modal takes: PutApprovalResult's summary is at most 512 characters, with who and when. */
export const LONGEST_COMMENT = 300;

/** A button's value: facts anyone in the channel may see, never a token (the worker reads that from CodePipeline at click time). */
export const ButtonValue = z.strictObject({
  pipeline: z.string().check(z.regex(/^[A-Za-z0-9.@\-_]{1,100}$/)),
  executionId: z.string().check(z.regex(/^[A-Za-z0-9-]{1,100}$/)),
  stage: z.string().check(z.regex(/^[A-Za-z0-9.@\-_]{1,100}$/)),
  /** The manual approval action, for approve and reject. */
  action: z.optional(z.string().check(z.regex(/^[A-Za-z0-9.@\-_]{1,100}$/))),
});
export type ButtonValue = z.infer<typeof ButtonValue>;

/** A verified button press, as the endpoint hands it to the worker. */
export const Click = z.object({
  /** Slack's action_ts with the user and the action: the same press, retried or replayed, has the same id. */
  id: z.string(),
  action: z.enum(SLACK_ACTIONS),
  target: ButtonValue,
  user: z.object({ id: z.string(), name: z.optional(z.string()) }),
  /** Where the ephemeral answer goes; Slack's, valid 30 minutes for 5 answers. */
  responseUrl: z.optional(z.string()),
  /** Where to answer when there is no response_url (a modal's submission): the card's channel. */
  channel: z.optional(z.string()),
  /** What the person wrote in the modal, for the approval's summary and the card. */
  comment: z.optional(z.string().check(z.maxLength(LONGEST_COMMENT))),
  at: z.string(),
});
export type Click = z.infer<typeof Click>;

/** Who may take the action on the stage: the stage's own list when the policy has one, else the pipeline's. */
export function allowedPeople(policy: ReleasePolicy, pipeline: string, stage: string, action: SlackAction): AllowedPeople | undefined {
  const rule = Object.values(policy.repositories).flatMap((repository) => repository.pipelines).find((candidate) => candidate.name === pipeline);
  return rule?.stages?.[stage]?.actions[action] ?? rule?.actions?.[action];
}

export type Verdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether the user may take the action: named in the policy (in person or through one of its
 * groups), and, for an approval, not the author of the change.
 */
export function authorize(
  click: Pick<Click, 'action' | 'target' | 'user'>,
  policy: ReleasePolicy,
  facts: { groupsOfUser: string[]; authorEmail?: string },
): Verdict {
  const { pipeline, stage } = click.target;
  const people = allowedPeople(policy, pipeline, stage, click.action);
  if (!people) return { allowed: false, reason: `release-policy.yml lets nobody ${click.action} ${pipeline} / ${stage} from Slack` };
  const named = people.users.includes(click.user.id) || people.groups.some((group) => facts.groupsOfUser.includes(group));
  if (!named) return { allowed: false, reason: `you are not among the people release-policy.yml lets ${click.action} ${pipeline} / ${stage}` };
  if (click.action === 'approve' && facts.authorEmail !== undefined && slackIdOf(policy, facts.authorEmail) === click.user.id) {
    return { allowed: false, reason: 'you wrote this change: someone else must approve it' };
  }
  return { allowed: true };
}

/** The Slack user id the policy's `people` gives a commit author's email (emails compared without case). */
export function slackIdOf(policy: ReleasePolicy, email: string): string | undefined {
  return Object.entries(policy.people).find(([known]) => known.toLowerCase() === email.toLowerCase())?.[1];
}

/** What CodePipeline said to an action, in words for the person who pressed the button. */
export type Outcome = { done: true; detail: string } | { done: false; reason: string };

export const PAST_TENSE: Record<SlackAction, string> = { approve: 'approved', reject: 'rejected', retry: 'retried', rollback: 'rolled back' };

/**
 * The modal that approves or rejects with a comment (https://docs.slack.dev/reference/views/modal-views):
 * the target and the card's channel ride in private_metadata, which Slack hands back, signed, on submission.
 */
export function decideModal(target: ButtonValue, channel: string | undefined) {
  return {
    type: 'modal',
    callback_id: DECIDE_WITH_COMMENT,
    private_metadata: JSON.stringify({ target, channel }),
    title: { type: 'plain_text', text: 'Approve or reject' },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${target.action ?? ''}* in ${target.stage} of ${target.pipeline}`.replace(/[<>&]/g, '') } },
      {
        type: 'input',
        block_id: 'decision',
        label: { type: 'plain_text', text: 'Decision' },
        element: { type: 'radio_buttons', action_id: 'decision', options: [{ text: { type: 'plain_text', text: 'Approve' }, value: 'approve' }, { text: { type: 'plain_text', text: 'Reject' }, value: 'reject' }] },
      },
      {
        type: 'input',
        block_id: 'comment',
        optional: true,
        label: { type: 'plain_text', text: 'Comment' },
        element: { type: 'plain_text_input', action_id: 'comment', multiline: true, max_length: LONGEST_COMMENT },
      },
    ],
  };
}
