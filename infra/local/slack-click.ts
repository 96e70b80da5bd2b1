import { randomBytes } from 'node:crypto';
import { slackSignature } from '../../shared/slack-signature';
import { actionIdOf, type ButtonValue, type SlackAction } from '../../shared/slack-actions';

export interface Interaction {
  action: SlackAction | string;
  value: ButtonValue | string;
  user: string;
  userName?: string;
  responseUrl: string;
  /** Slack's action_ts: the same press sent again has the same one. */
  actionTs?: string;
  /** The channel and message the button is on (a placeholder's unless given). */
  channel?: string;
  messageTs?: string;
}

/**
 * A button press as Slack sends it (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload):
 * a form body with the block_actions payload as JSON, not the whole of what Slack sends but every field the endpoint reads.
 */
export function interactionBody({ action, value, user, userName, responseUrl, actionTs, channel = 'C00000001', messageTs = '1700000000.000100' }: Interaction): string {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: userName ?? user.toLowerCase(), name: userName ?? user.toLowerCase(), team_id: 'T0LOCAL' },
    api_app_id: 'A0LOCAL',
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
    trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`,
    team: { id: 'T0LOCAL', domain: 'local' },
    channel: { id: channel, name: 'deploys' },
    response_url: responseUrl,
    actions: [
      {
        action_id: (['approve', 'reject', 'retry', 'rollback'] as string[]).includes(action) ? actionIdOf(action as SlackAction) : action,
        block_id: 'rc-actions',
        text: { type: 'plain_text', text: action, emoji: true },
        value: typeof value === 'string' ? value : JSON.stringify(value),
        type: 'button',
        action_ts: actionTs ?? `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The headers Slack signs a request with (https://docs.slack.dev/authentication/verifying-requests-from-slack). */
export function signedHeaders(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, String(timestamp), body),
  };
}

/**
 * The modal's submission as Slack sends it (https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload):
 * the view with its private_metadata as it was opened, and the values entered.
 */
export function viewSubmissionBody({ viewId, privateMetadata, decision, comment, user }: { viewId: string; privateMetadata: string; decision: string; comment?: string; user: string }): string {
  const payload = {
    type: 'view_submission',
    team: { id: 'T0LOCAL', domain: 'local' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0LOCAL' },
    api_app_id: 'A0LOCAL',
    trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`,
    view: {
      id: viewId,
      team_id: 'T0LOCAL',
      type: 'modal',
      callback_id: 'rc:decide',
      private_metadata: privateMetadata,
      hash: randomBytes(8).toString('hex'),
      state: { values: { decision: { decision: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: decision }, value: decision } } }, comment: { comment: { type: 'plain_text_input', value: comment ?? null } } } },
    },
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
