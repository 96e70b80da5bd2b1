import { randomUUID } from 'node:crypto';
import type { CardStore, Slack, SlackMessage, StoredCard } from '../../shared/ports';
import { bounded, type ReleaseNotification } from '../../shared/release-notification';
import type { ReleasePolicy } from '../../shared/release-policy';
import { applyNotification, authorsToMention, failureReply, renderCard, type CardState } from './card';

export interface DeliveryPorts {
  cards: CardStore<CardState>;
  slack: Slack;
  /** The teams' Slack channels, and who may press which button on a card. */
  policy: ReleasePolicy;
  /** When the invocation ends (epoch ms): Lambda stops it then, so its lease on a card runs out then too. */
  deadline: number;
}

export type Delivery =
  /** This delivery showed the card: posted it, or updated it, with `replies` threaded failure replies. */
  | { outcome: 'posted' | 'updated'; card: string; replies: number; shown: number; doubtfulPosts: number }
  /** The card already shows the notification: another delivery showed it, or it was seen before. */
  | { outcome: 'shown'; card: string }
  | { outcome: 'held' | 'unrouted'; card?: string };

/** Thrown when a retry will help: the card's lease stayed with another delivery until this one's deadline, or was lost. */
export class CardBusyError extends Error {
  override name = 'CardBusyError';
}

// Time kept back from the deadline to save the card after the last Slack call.
const SAVE_MARGIN_MS = 1_000;
const FIRST_WAIT_MS = 50;
const LONGEST_WAIT_MS = 1_000;
// A lease's `since` is the holder's clock; a message it posted can carry a ts slightly before it.
const CLOCK_SKEW_MS = 5_000;

/**
 * Shows a notification on its release's Slack message. A message already posted and idle is updated
 * in place and saved in one conditional write. Otherwise recording the notification on the card is
 * one conditional write and never waits, and showing it takes the card's lease: the holder folds
 * every recorded notification into the card, posts or updates the one message and threads failure
 * replies, then saves and frees the card. A delivery that finds the lease held waits until the card
 * shows its notification, or takes the lease over once its holder's invocation has ended (it died).
 * A build CodePipeline ran is held until the pipeline's action names the build, then joins its execution.
 */
export async function deliver(notification: ReleaseNotification, ports: DeliveryPorts): Promise<Delivery> {
  const target = await cardFor(notification, ports.cards);
  if (!target) return { outcome: 'held' };
  const { key, held } = target;
  const shown = bounded(notification);
  if (held.length === 0 && !opensCard(notification)) {
    const updated = await updateInPlace(key, shown, ports);
    if (updated) return updated;
  }
  const channel = ports.policy.teams[notification.team]?.slack?.channel ?? (await ports.cards.get(key))?.channel;
  if (!channel) return { outcome: 'unrouted', card: key };
  let version = 0;
  for (const recorded of held) version = Math.max(version, await ports.cards.record(key, channel, bounded(recorded)));
  // the common case, a card no one is showing: recorded and leased in one write
  const owner = randomUUID();
  const taken = await ports.cards.recordTaking(key, channel, shown, leaseFor(owner, ports));
  if (taken) return showAsHolder(key, owner, taken, ports);
  version = Math.max(version, await ports.cards.record(key, channel, shown));
  return show(key, owner, version, ports);
}

/**
 * Whether the notification is likely a card's first (its pipeline, build or deployment starting, a
 * push, an alarm going off): those go straight to the lease, without reading a card that is not there.
 * Only a guess: out of order, either way is right.
 */
export const opensCard = ({ kind, result }: ReleaseNotification) =>
  kind === 'push' || ((kind === 'pipeline' || kind === 'build' || kind === 'deployment') && FIRST_STATES.has(result)) || (kind === 'alarm' && result === 'ALARM');
const FIRST_STATES = new Set(['STARTED', 'IN_PROGRESS', 'START']);

/**
 * The notification on a message already posted and idle, without the lease: the lease is for what
 * must not happen twice (a post, a reply), and an update may. The message is updated, then the card
 * saved only if nothing came in meanwhile; if something did, the lease's path shows it again with
 * everything, so the last update Slack gets shows all. A delivery that dies in between leaves the
 * card as it was, and its retry updates again.
 */
async function updateInPlace(key: string, notification: ReleaseNotification, { cards, slack, policy, deadline }: DeliveryPorts): Promise<Delivery | undefined> {
  // a failure may thread a reply, which must not be posted twice
  if (!slack.updatesInPlace || notification.severity === 'failure') return undefined;
  const card = await cards.updatable(key, notification.id);
  if (!card) return undefined;
  const state = applyNotification(card.state, notification);
  await slack.update(card.channel, card.ts!, renderCard(state, policy), { deadline: deadline - SAVE_MARGIN_MS });
  if (!(await cards.saveUpdated(key, card.version, state, notification.id))) return undefined;
  return { outcome: 'updated', card: key, replies: 0, shown: 1, doubtfulPosts: 0 };
}

const leaseFor = (owner: string, { deadline }: DeliveryPorts) => ({ owner, since: Date.now(), until: deadline });

async function cardFor(notification: ReleaseNotification, cards: DeliveryPorts['cards']) {
  const { kind, id, pipeline, build, deployment, alarm } = notification;
  const externalId = build?.id ?? deployment?.id ?? pipeline?.externalExecutionId;
  if (pipeline?.executionId) {
    const key = `EXECUTION#${pipeline.name}#${pipeline.executionId}`;
    return { key, held: externalId ? await cards.link(externalId, key) : [] };
  }
  const linked = externalId ? await cards.cardOf(externalId) : undefined;
  if (linked) return { key: linked, held: [] };
  if (externalId && kind === 'build' && pipeline) {
    const linkedMeanwhile = await cards.hold(externalId, notification);
    return linkedMeanwhile ? { key: linkedMeanwhile, held: [] } : undefined;
  }
  // an alarm no deployment is blamed for: one card per incident, from going off to clearing
  if (alarm) return { key: `ALARM#${alarm.name}#${alarm.since}`, held: [] };
  return { key: `${kind.toUpperCase()}#${externalId ?? id}`, held: [] };
}

async function show(key: string, owner: string, version: number, ports: DeliveryPorts): Promise<Delivery> {
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    const card = await ports.cards.acquire(key, leaseFor(owner, ports));
    if (card) return showAsHolder(key, owner, card, ports);
    const current = await ports.cards.get(key);
    if (current!.shownVersion >= version) return { outcome: 'shown', card: key };
    if (current!.lease && current!.lease.until >= Date.now()) {
      if (Date.now() + wait > ports.deadline - SAVE_MARGIN_MS) throw new CardBusyError(`the card ${key} was still being shown by another delivery at this one's deadline`);
      await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random() / 2)));
    }
  }
}

async function showAsHolder(key: string, owner: string, card: StoredCard<CardState>, ports: DeliveryPorts): Promise<Delivery> {
  const progress: Progress = {};
  try {
    return await showCard(key, owner, card, ports, progress);
  } catch (error) {
    // the next delivery may take the card over now, rather than when the lease runs out, and
    // update the message this one posted rather than look for it
    await ports.cards.expire(key, owner, progress.message).catch(() => undefined);
    throw error;
  }
}

/** Where a message posted now (or found after a dead holder) is: saved with the card when the holder saves or gives it up. */
type Progress = { message?: { channel: string; ts?: string } };

async function showCard(key: string, owner: string, card: StoredCard<CardState>, { cards, slack, policy, deadline }: DeliveryPorts, progress: Progress): Promise<Delivery> {
  const options = { deadline: deadline - SAVE_MARGIN_MS };
  const fresh = card.inbox;
  const state = fresh.reduce<CardState | undefined>(applyNotification, card.state)!;
  // A lease that ran out: its holder died somewhere between taking it and saving the card, maybe
  // after posting. Slack's history (messages carry their key as metadata) tells what it posted.
  const diedAt = card.lease ? card.lease.since - CLOCK_SKEW_MS : undefined;
  const postedBefore = async (threadTs?: string) => (diedAt !== undefined && slack.updatesInPlace ? slack.postedSince(card.channel, diedAt, { ...options, threadTs }) : undefined);
  let { channel, ts } = card;
  let doubtfulPosts = 0;
  let posted = false;

  const post = async (message: SlackMessage, postKey: string, threadTs: string | undefined, before: Map<string, unknown> | undefined) => {
    const answer = await slack.post(channel, message, { key: postKey, threadTs, deadline: options.deadline });
    // a dead holder may have posted it already, and Slack could not tell
    if (answer.doubtful || (diedAt !== undefined && before === undefined)) doubtfulPosts += 1;
    return answer;
  };

  if (fresh.length > 0 || (!ts && slack.updatesInPlace)) {
    const rendered = renderCard(state, policy);
    if (!ts && slack.updatesInPlace) {
      const before = await postedBefore();
      const found = before?.get(key);
      // Saved with the card, not in a write of its own: a holder that dies before then leaves a
      // lease that runs out, and the next holder finds this post in Slack's history.
      const where = found ?? (await post(rendered, key, undefined, before));
      ({ channel, ts } = where);
      progress.message = { channel, ts };
      posted = !found;
      if (found) await slack.update(channel, ts!, rendered, options);
    } else if (ts) await slack.update(channel, ts, rendered, options);
    else {
      // a webhook cannot update: the card as it stands now is a new message
      ({ channel } = await post(rendered, key, undefined, undefined));
      posted = true;
    }
  }

  const mentions = authorsToMention(state, policy);
  const replies = fresh.flatMap((notification) => {
    const reply = failureReply(notification, mentions);
    return reply ? [{ key: `${key}#${notification.id}`, reply }] : [];
  });
  const threadTs = slack.updatesInPlace ? ts : undefined;
  const repliedBefore = replies.length > 0 && threadTs ? await postedBefore(threadTs) : undefined;
  for (const reply of replies) if (!repliedBefore?.has(reply.key)) await post(reply.reply, reply.key, threadTs, repliedBefore);

  if (!(await cards.release(key, owner, { state, version: card.version, folded: fresh.length, message: progress.message }))) throw new CardBusyError(`lost the lease on ${key} before saving it`);
  if (!posted && fresh.length === 0) return { outcome: 'shown', card: key };
  return { outcome: posted ? 'posted' : 'updated', card: key, replies: replies.length, shown: fresh.length, doubtfulPosts };
}
