import { SlackRefused, type SlackModals, type SlackPeople } from '../ports';
import { callSlack, webApi } from './web-api';

/** How long a person waits for an answer before it is not worth giving. */
const ANSWER_WITHIN_MS = 6_000;
/** A trigger_id is good for 3 seconds from the press; slack-interactions has spent some of them. */
const MODAL_WITHIN_MS = 2_000;

/** Slack's Web API for act-from-slack: user groups (scope usergroups:read) and ephemeral answers. */
export function slackPeople(token: () => Promise<string>, slackApiUrl?: string): SlackPeople {
  const call = webApi(token, slackApiUrl);
  const within = () => ({ deadline: Date.now() + ANSWER_WITHIN_MS });
  return {
    async groupsOfUser(userId, groups) {
      const member = await Promise.all(groups.map(async (usergroup) => ((await call('usergroups.users.list', { usergroup }, within())).users?.includes(userId) ? usergroup : undefined)));
      return member.filter((group) => group !== undefined);
    },
    async answerInChannel(channel, user, text) {
      await call('chat.postEphemeral', { channel, user, text }, within());
    },
    async answer(responseUrl, text) {
      await callSlack(
        (signal) =>
          fetch(responseUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
            signal,
          }),
        async (response) => {
          if (!response.ok) throw new SlackRefused(`Slack's response_url answered ${response.status}`);
        },
        within(),
      );
    },
  };
}

/** views.open with the bot token (no scope beyond the app's own interactivity). */
export function slackModals(token: () => Promise<string>, slackApiUrl?: string): SlackModals {
  const call = webApi(token, slackApiUrl);
  return {
    async open(triggerId, view) {
      await call('views.open', { trigger_id: triggerId, view }, { deadline: Date.now() + MODAL_WITHIN_MS });
    },
  };
}
