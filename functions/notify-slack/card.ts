import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { ReleasePolicy } from '../../shared/release-policy';
import { clipText as clip, type ReleaseNotification } from '../../shared/release-notification';
import { actionIdOf, allowedPeople, DECIDE_WITH_COMMENT, slackIdOf, type ButtonValue, type SlackAction } from '../../shared/slack-actions';
import type { SlackMessage } from '../../shared/ports';

/** What one Slack message shows: everything the notifications of one pipeline execution (or one lone build or deployment) said so far. */
export interface CardState {
  region: string;
  pipeline?: { name: string; executionId?: string; result?: string; startedAt?: string; endedAt?: string; at?: string; trigger?: NonNullable<ReleaseNotification['trigger']> };
  repository?: string;
  branch?: string;
  commit?: { id: string; author?: string; message?: string };
  /** What the execution brings since the previous deployment, as of its latest end (`at`). */
  commits?: NonNullable<ReleaseNotification['commits']> & { at: string };
  /** `at` is the time of the stage's own latest event (absent while only its actions were heard of); `since`, the earliest time it was heard of, orders the stages. */
  stages: { name: string; state: string; at?: string; since: string }[];
  /** Each action's latest state; a manual approval waiting is `WAITING` until its action ends. */
  actions: { id: string; stage: string; action: string; state: string; at: string; decidedBy?: { slackUser: string; name?: string; decision: string; comment?: string; at: string } }[];
  builds: { id: string; project: string; state: string; at: string; durationSeconds?: number; failure?: { phase: string; message: string }; logsUrl?: string }[];
  deployments: { id: string; application: string; deploymentGroup: string; state: string; at: string; durationSeconds?: number; error?: { code?: string; message: string } }[];
  links: { label: string; url: string }[];
  /** Each alarm incident heard of (by name and the time it went off), at its latest state; absent on cards saved before alarms. */
  alarms?: { id: string; name: string; state: string; since: string; at: string; reason: string }[];
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELED', 'SUPERSEDED', 'STOPPED']);
// a state nothing follows but a new attempt: pipelines, stages, builds (CodeBuild) and deployments (CodeDeploy)
const FINAL = new Set([...ENDED, 'FAULT', 'TIMED_OUT', 'SUCCESS', 'FAILURE', 'STOP', 'ABANDONED']);
const ICON: Record<string, string> = {
  STARTED: '🔄', IN_PROGRESS: '🔄', RESUMED: '🔄', START: '🔄', READY: '⏳', STOPPING: '⏹️',
  SUCCEEDED: '✅', SUCCESS: '✅', OK: '✅', ALARM: '🚨', INSUFFICIENT_DATA: '❔',
  FAILED: '❌', FAILURE: '❌', FAULT: '❌', TIMED_OUT: '⌛',
  STOPPED: '⏹️', STOP: '⏹️', CANCELED: '⏹️', ABANDONED: '⏹️', SUPERSEDED: '⏭️',
};
const icon = (state: string) => ICON[state] ?? '•';
const words = (state: string) => state.charAt(0) + state.slice(1).toLowerCase().replace(/_/g, ' ');
/**
 * Whether a state at `at` replaces `known`: a later one does, an earlier one changes nothing, and
 * within one second (EventBridge's times are whole seconds) a final state beats an ongoing one, so
 * the card ends the same whatever order the events came in.
 */
function newer(at: string, state: string, known?: { at?: string; state?: string }): boolean {
  if (known?.at === undefined) return true;
  if (at !== known.at) return at > known.at;
  const rank = Number(FINAL.has(state)) - Number(FINAL.has(known.state ?? ''));
  return rank !== 0 ? rank > 0 : state >= (known.state ?? '');
}

/** The card after one more notification: pure, and the same whatever order the notifications come in. */
export function applyNotification(previous: CardState | undefined, n: ReleaseNotification): CardState {
  const card: CardState = structuredClone(previous) ?? { region: n.region, stages: [], actions: [], builds: [], deployments: [], links: [] };
  card.repository ??= n.repository;
  card.branch ??= n.branch;
  if (n.commit && (!card.commit || (card.commit.id === n.commit.id && !card.commit.author))) card.commit = n.commit;
  // an execution retried after failing ends twice: the commits of its later end (at one time, the later range)
  if (n.commits && (!card.commits || n.at > card.commits.at || (n.at === card.commits.at && (n.commits.compareUrl ?? '') > (card.commits.compareUrl ?? '')))) {
    card.commits = { ...n.commits, at: n.at };
  }
  if (n.pipeline) {
    card.pipeline ??= { name: n.pipeline.name };
    card.pipeline.executionId ??= n.pipeline.executionId;
    // the start's event and CodePipeline's execution say the same: what either says, whichever comes first
    if (n.trigger) card.pipeline.trigger = { type: card.pipeline.trigger?.type ?? n.trigger.type, detail: card.pipeline.trigger?.detail ?? n.trigger.detail };
    if (n.kind === 'push' || (n.kind === 'pipeline' && n.result === 'STARTED')) card.pipeline.startedAt ??= n.at;
  }
  if (n.kind === 'pipeline' && card.pipeline && newer(n.at, n.result, { at: card.pipeline.at, state: card.pipeline.result })) {
    Object.assign(card.pipeline, { result: n.result, at: n.at });
    if (ENDED.has(n.result)) card.pipeline.endedAt = n.at;
  }
  if (n.kind === 'push' && card.pipeline) card.pipeline.result ??= 'STARTED';
  const stageName = n.pipeline?.stage;
  if (stageName) {
    let stage = card.stages.find((candidate) => candidate.name === stageName);
    if (!stage) card.stages.push((stage = { name: stageName, state: 'STARTED', since: n.at }));
    if (n.at < stage.since) stage.since = n.at;
    if (n.kind === 'stage' && newer(n.at, n.result, stage)) Object.assign(stage, { state: n.result, at: n.at });
    card.stages.sort((a, b) => a.since.localeCompare(b.since) || a.name.localeCompare(b.name));
  }
  if ((n.kind === 'approval' || n.kind === 'action') && n.pipeline?.stage && n.pipeline.action) {
    const { stage: stageOfAction, action } = n.pipeline;
    upsert(card.actions, { id: `${stageOfAction}/${action}`, stage: stageOfAction, action, state: n.kind === 'approval' ? 'WAITING' : n.result, at: n.at });
    // who decided stays, whichever comes first: the decision from Slack or CodePipeline's own event for the action
    const known = card.actions.find((candidate) => candidate.id === `${stageOfAction}/${action}`)!;
    if (n.decidedBy) known.decidedBy = { ...n.decidedBy, at: n.at };
  }
  if (n.alarm) upsert((card.alarms ??= []), { id: `${n.alarm.name}#${n.alarm.since}`, name: n.alarm.name, state: n.result, since: n.alarm.since, at: n.at, reason: n.alarm.reason });
  if (n.build) upsert(card.builds, { ...n.build, state: n.result, at: n.at, durationSeconds: n.durationSeconds });
  if (n.deployment) upsert(card.deployments, { ...n.deployment, state: n.result, at: n.at, durationSeconds: n.durationSeconds });
  for (const link of n.links) if (!card.links.some((known) => known.url === link.url)) card.links.push(link);
  // lists in a fixed order, not the order the notifications came in
  card.links.sort((a, b) => linkRank(a.label) - linkRank(b.label) || a.url.localeCompare(b.url));
  return card;
}

const LINK_ORDER = ['Pipeline execution', 'Commit', 'Build', 'Deployment'];
const linkRank = (label: string) => (LINK_ORDER.includes(label) ? LINK_ORDER.indexOf(label) : LINK_ORDER.length);

function upsert<T extends { id: string; at: string; state: string }>(list: T[], item: T) {
  const index = list.findIndex((known) => known.id === item.id);
  if (index === -1) {
    list.push(item);
    list.sort((a, b) => a.id.localeCompare(b.id));
  } else if (newer(item.at, item.state, list[index])) list[index] = { ...list[index], ...stripUndefined(item) };
}

const waitingApproval = (card: CardState) => card.actions.find((action) => action.state === 'WAITING');

const stripUndefined = <T extends object>(item: T) => Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)) as T;

// Slack's limits (https://docs.slack.dev/reference/block-kit/blocks): section text 3000, a field 2000,
// button text 75 characters, a button url 3000, 10 fields, 10 context elements, 25 elements an actions block.
// A commit's line is ours: five of them, escaped, stay within a section's text.
const LIMIT = { text: 3000, field: 2000, buttonText: 75, url: 3000, elements: 10, commitLine: 120 };
// mrkdwn treats & < > as control characters
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const link = (url: string, label: string) => (url.length <= LIMIT.url ? `<${url}|${escape(label)}>` : escape(label));

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

const secondsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

function headline(card: CardState): string {
  if (card.pipeline) {
    const result = card.pipeline.result ?? 'STARTED';
    const status = waitingApproval(card) ? '⏸️ Waiting for approval' : `${icon(result)} ${words(result)}`;
    const url = card.links.find((candidate) => candidate.label === 'Pipeline execution')?.url;
    const name = url ? link(url, card.pipeline.name) : escape(card.pipeline.name);
    return `*${name}* ${status}`;
  }
  const build = card.builds[0];
  if (build) return `*Build ${escape(build.project)}* ${icon(build.state)} ${words(build.state)}`;
  const alarm = card.alarms?.[0];
  if (alarm && card.deployments.length === 0) return `*Alarm ${escape(alarm.name)}* ${icon(alarm.state)} ${ALARM_WORDS[alarm.state] ?? words(alarm.state)}`;
  const deployment = card.deployments[0]!;
  return `*Deployment ${escape(deployment.application)} / ${escape(deployment.deploymentGroup)}* ${icon(deployment.state)} ${words(deployment.state)}`;
}

/**
 * The message for a card: headline, source, stage progress on one line, builds and deployments,
 * the buttons for what may be done now (`actionPolicy` says who may), and the console links.
 */
export function renderCard(card: CardState, actionPolicy: ReleasePolicy): SlackMessage {
  const title = headline(card);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: clip(title, LIMIT.text) } } satisfies SectionBlock];

  const fields = [];
  if (card.repository) fields.push(`*Repository*\n${escape(card.repository)}`);
  if (card.branch) fields.push(`*Branch*\n${escape(card.branch)}`);
  if (card.commit) {
    const short = card.commit.id.slice(0, 7);
    const commitUrl = card.links.find((candidate) => candidate.label === 'Commit')?.url;
    const firstLine = card.commit.message?.split('\n')[0];
    fields.push(`*Commit*\n${commitUrl ? link(commitUrl, short) : `\`${short}\``}${card.commit.author ? ` by ${escape(card.commit.author)}` : ''}${firstLine ? `\n${escape(firstLine)}` : ''}`);
  }
  if (card.pipeline?.trigger) fields.push(`*Started by*\n${escape(startedBy(card.pipeline.trigger))}`);
  const took = tookText(card);
  if (took) fields.push(`*Duration*\n${took}`);
  if (fields.length > 0) blocks.push({ type: 'section', fields: fields.slice(0, LIMIT.elements).map((text) => ({ type: 'mrkdwn', text: clip(text, LIMIT.field) })) });
  if (card.commits) blocks.push(commitsSection(card.commits));

  const progress = progressLine(card);
  if (progress) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(progress, LIMIT.text) }] } satisfies ContextBlock);
  const approval = waitingApproval(card);
  if (approval) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`⏸️ *${escape(approval.action)}* in ${escape(approval.stage)} is waiting for a manual approval`, LIMIT.text) } });
  }
  const decisions = card.actions.filter((action) => action.decidedBy !== undefined).map(decisionLine);
  if (decisions.length > 0) blocks.push({ type: 'context', elements: decisions.slice(0, LIMIT.elements).map((text) => ({ type: 'mrkdwn', text: clip(text, LIMIT.text) })) });
  const work = [...card.builds.map(buildLine), ...card.deployments.map(deploymentLine), ...(card.alarms ?? []).map(alarmLine)];
  if (work.length > 0) blocks.push({ type: 'context', elements: work.slice(0, LIMIT.elements).map((text) => ({ type: 'mrkdwn', text: clip(text, LIMIT.text) })) });

  blocks.push(...actionButtons(card, actionPolicy), ...linkButtons(card.links));
  return { text: clip(plainText(card), LIMIT.text), blocks };
}

/** How many commits since the last deployment, the newest few (`short-id author: title`), and the Compare button. */
function commitsSection({ count, complete, shown, compareUrl }: NonNullable<CardState['commits']>): SectionBlock {
  const heading = `*${count}${complete ? '' : '+'} ${count === 1 && complete ? 'commit' : 'commits'}* since the last deployment`;
  const lines = shown.map(({ id, author, title }) => `\`${id.slice(0, 7)}\` ${escape(clip(author ? `${author}: ${title}` : title, LIMIT.commitLine))}`);
  const section: SectionBlock = { type: 'section', text: { type: 'mrkdwn', text: clip([heading, ...lines].join('\n'), LIMIT.text) } };
  if (compareUrl && compareUrl.length <= LIMIT.url) section.accessory = { type: 'button', action_id: 'link-compare', text: { type: 'plain_text', text: 'Compare' }, url: compareUrl };
  return section;
}

/**
 * The Slack users release-policy.yml's `people` names for the authors of the card's commits, to
 * mention on a failure; an author it does not name is not mentioned (and an email is never shown).
 */
export function authorsToMention(card: CardState, policy: ReleasePolicy): string[] {
  const users = (card.commits?.shown ?? []).map(({ authorEmail }) => (authorEmail ? slackIdOf(policy, authorEmail) : undefined));
  return [...new Set(users.filter((user) => user !== undefined))];
}

/** A push through the provider's webhook, the person (the ARN's last part) who started it by hand, or CodePipeline's word for it. */
function startedBy({ type, detail }: NonNullable<ReleaseNotification['trigger']>): string {
  if (type === 'Webhook' || type === 'WebhookV2') return `a push (${type})`;
  if (type === 'StartPipelineExecution' && detail) return `${detail.split('/').at(-1)} (${type})`;
  return type;
}

function tookText(card: CardState): string | undefined {
  const { startedAt, endedAt } = card.pipeline ?? {};
  if (startedAt && endedAt) return duration(secondsBetween(startedAt, endedAt));
  const single = card.builds[0] ?? card.deployments[0];
  return !card.pipeline && single?.durationSeconds !== undefined ? duration(single.durationSeconds) : undefined;
}

function progressLine(card: CardState): string | undefined {
  return card.stages.length > 0 ? card.stages.map((stage) => `${icon(stage.state)} ${escape(stage.name)}`).join('  →  ') : undefined;
}

/** `<@U…>` is Slack's mention: it shows the person's name as the reader's workspace knows it. */
function decisionLine({ action, stage, decidedBy }: CardState['actions'][number]): string {
  const { slackUser, decision, comment, at } = decidedBy!;
  return `${decision === 'approved' ? '👍' : '👎'} ${escape(action)} in ${escape(stage)} ${decision} by <@${slackUser}> from Slack at ${at.slice(11, 16)} UTC${comment ? `: “${escape(comment)}”` : ''}`;
}

function buildLine(build: CardState['builds'][number]): string {
  const took = build.durationSeconds !== undefined ? ` in ${duration(build.durationSeconds)}` : '';
  return `${icon(build.state)} Build ${escape(build.project)} ${words(build.state).toLowerCase()}${took}`;
}

function deploymentLine(deployment: CardState['deployments'][number]): string {
  const took = deployment.durationSeconds !== undefined ? ` in ${duration(deployment.durationSeconds)}` : '';
  return `${icon(deployment.state)} Deployment ${escape(deployment.id)} to ${escape(deployment.deploymentGroup)} ${words(deployment.state).toLowerCase()}${took}`;
}

const ALARM_WORDS: Record<string, string> = { ALARM: 'In alarm', OK: 'OK' };

function alarmLine(alarm: NonNullable<CardState['alarms']>[number]): string {
  const since = `${alarm.since.slice(11, 16)} UTC`;
  if (alarm.state === 'ALARM') return `${icon('ALARM')} Alarm ${escape(alarm.name)} in alarm since ${since}`;
  if (alarm.state === 'OK') return `${icon('OK')} Alarm ${escape(alarm.name)} back to OK after ${duration(secondsBetween(alarm.since, alarm.at))} (went off at ${since})`;
  return `${icon(alarm.state)} Alarm ${escape(alarm.name)} ${words(alarm.state).toLowerCase()} (went off at ${since})`;
}

/** The notification text Slack shows on phones and desktops: mrkdwn too, so what a user wrote is escaped here as in the blocks. */
function plainText(card: CardState): string {
  const title = headline(card);
  const where = [card.repository, card.branch].filter((part) => part !== undefined).map((part) => escape(part)).join(' ');
  return `${title.replace(/<[^|>]*\|([^>]*)>/g, '$1').replace(/\*/g, '')}${where ? ` (${where})` : ''}`;
}

/**
 * A failure worth a threaded reply: a build's failing phase and logs, CodeDeploy's error, an action
 * that failed on its own, or the execution failing when there are `mentions`: the Slack users of
 * the card's commits' authors (authorsToMention), whom every reply mentions.
 */
export function failureReply(n: ReleaseNotification, mentions: string[]): SlackMessage | undefined {
  if (n.severity !== 'failure') return undefined;
  let text: string | undefined;
  const buttons: { label: string; url: string }[] = [];
  if (n.build) {
    const failure = n.build.failure;
    text = `❌ *Build ${escape(n.build.project)}* ${words(n.result).toLowerCase()}${failure ? ` in phase *${escape(failure.phase)}*:\n>${escape(failure.message)}` : ''}`;
    if (n.build.logsUrl) buttons.push({ label: 'CloudWatch Logs', url: n.build.logsUrl });
  } else if (n.deployment) {
    const error = n.deployment.error;
    text = `❌ *Deployment ${escape(n.deployment.id)}* to ${escape(n.deployment.application)} / ${escape(n.deployment.deploymentGroup)} failed${
      error ? `:\n>${error.code ? `${escape(error.code)}: ` : ''}${escape(error.message)}` : ' (CodeDeploy gave no error information)'
    }`;
  } else if (n.alarm) {
    text = `🚨 *Alarm ${escape(n.alarm.name)}* went off${n.pipeline ? ' after this deployment' : ''}:\n>${escape(n.alarm.reason)}`;
  } else if (n.kind === 'action' && !n.pipeline?.externalExecutionId) {
    // a CodeBuild or CodeDeploy action's own failure comes with its build or deployment
    text = `❌ *${escape(n.pipeline!.action!)}* in stage ${escape(n.pipeline!.stage!)} failed`;
  } else if (n.kind === 'pipeline' && mentions.length > 0) {
    text = `❌ *${escape(n.pipeline!.name)}* failed`;
  }
  if (!text) return undefined;
  const mentioned = mentions.length > 0 ? `\n${mentions.map((user) => `<@${user}>`).join(' ')}: your commits are in this deployment` : '';
  // a long error message is clipped, never the mentions after it
  const shown = `${clip(text, LIMIT.text - mentioned.length)}${mentioned}`;
  buttons.push(...n.links);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: shown } }, ...linkButtons(buttons)];
  // without the bold marks and the quote's, but with a mention's brackets
  return { text: shown.replace(/\*|^>/gm, ''), blocks };
}

/**
 * The buttons for what can be done now and the policy lets someone do (who exactly is checked at
 * the click): Approve and Reject on the waiting approval, Retry on a failed stage of a failed
 * execution, Roll back on an ended stage of a production pipeline after its first stage. A
 * button's value names its target, nothing secret: the approval token is read at the click.
 */
function actionButtons(card: CardState, actionPolicy: ReleasePolicy): ActionsBlock[] {
  const { name: pipeline, executionId, result } = card.pipeline ?? {};
  if (!pipeline || !executionId) return [];
  const rule = Object.values(actionPolicy.repositories).flatMap((repository) => repository.pipelines).find((candidate) => candidate.name === pipeline);
  const offered = (action: SlackAction, stage: string) => allowedPeople(actionPolicy, pipeline, stage, action) !== undefined;
  const button = (action: SlackAction, label: string, value: ButtonValue, extra: Partial<Button> = {}): Button => ({
    type: 'button',
    action_id: actionIdOf(action),
    text: { type: 'plain_text', text: clip(label, LIMIT.buttonText) },
    value: JSON.stringify(value),
    ...extra,
  });
  const buttons: Button[] = [];
  const approval = waitingApproval(card);
  if (approval) {
    const target = { pipeline, executionId, stage: approval.stage, action: approval.action };
    if (offered('approve', approval.stage)) buttons.push(button('approve', 'Approve', target, { style: 'primary' }));
    if (offered('reject', approval.stage)) {
      buttons.push(button('reject', 'Reject', target, { style: 'danger', confirm: confirm('Reject?', `Reject ${approval.action} in ${approval.stage}? The execution stops.`, 'Reject') }));
    }
    // the modal to approve or reject with a comment
    if (offered('approve', approval.stage) || offered('reject', approval.stage)) buttons.push({ ...button('approve', 'With a comment…', target), action_id: DECIDE_WITH_COMMENT });
  }
  if (result === 'FAILED') {
    for (const stage of card.stages.filter((candidate) => candidate.state === 'FAILED' && offered('retry', candidate.name))) {
      buttons.push(button('retry', `Retry ${stage.name}`, { pipeline, executionId, stage: stage.name }));
    }
  }
  if (rule?.production && !approval && result !== undefined && ENDED.has(result)) {
    for (const stage of card.stages.slice(1).filter((candidate) => ENDED.has(candidate.state) && offered('rollback', candidate.name))) {
      buttons.push(
        button('rollback', `Roll back ${stage.name}`, { pipeline, executionId, stage: stage.name }, {
          style: 'danger',
          confirm: confirm('Roll back?', `Roll ${stage.name} of ${pipeline} back to its last successful execution before this one?`, 'Roll back'),
        }),
      );
    }
  }
  return buttons.length > 0 ? [{ type: 'actions', block_id: 'rc-actions', elements: buttons.slice(0, LIMIT.elements) }] : [];
}

// Slack's confirm dialog: title 100, text 300, buttons 30 characters (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object)
const confirm = (title: string, text: string, yes: string) => ({
  title: { type: 'plain_text' as const, text: clip(title, 100) },
  text: { type: 'plain_text' as const, text: clip(text, 300) },
  confirm: { type: 'plain_text' as const, text: clip(yes, 30) },
  deny: { type: 'plain_text' as const, text: 'Cancel' },
  style: 'danger' as const,
});

/** The console links as buttons (none when there are none: Slack rejects an empty actions block). */
function linkButtons(links: { label: string; url: string }[]): ActionsBlock[] {
  const buttons = links.filter(({ url }) => url.length <= LIMIT.url).slice(0, 5);
  if (buttons.length === 0) return [];
  return [{ type: 'actions', elements: buttons.map(({ label, url }, index) => ({ type: 'button', action_id: `link-${index}`, text: { type: 'plain_text', text: clip(label, LIMIT.buttonText) }, url })) }];
}
