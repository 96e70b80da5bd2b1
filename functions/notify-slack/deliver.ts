import type { CardStore } from '../../shared/aws/card-table';
import type { ReleaseNotification } from '../../shared/release-notification';
import type { Slack } from '../../shared/slack';
import { applyNotification, failureReply, renderCard, type CardState } from './card';

export interface DeliveryPorts {
  cards: CardStore<CardState>;
  slack: Slack;
  /** The team's Slack channel from release-policy.yml. */
  channelFor(team: string): string | undefined;
}

export type Delivery =
  | { outcome: 'posted' | 'updated'; card: string; replied: boolean }
  | { outcome: 'duplicate' | 'held' | 'unrouted'; card?: string };

/** Thrown when a retry will help: another delivery is posting the card's first message right now. */
export class CardBusyError extends Error {}

const ATTEMPTS = 5;

/**
 * Shows a notification on its release's Slack message: the first one of a pipeline execution posts
 * it, every later one updates it in place, failures add a threaded reply. A build CodePipeline ran
 * waits (held) until the pipeline's action names the build, then joins its execution's message.
 */
export async function deliver(notification: ReleaseNotification, ports: DeliveryPorts): Promise<Delivery[]> {
  const { cards } = ports;
  const { pipeline } = notification;
  const externalId = notification.build?.id ?? notification.deployment?.id ?? pipeline?.externalExecutionId;
  if (pipeline?.executionId) {
    const card = `EXECUTION#${pipeline.name}#${pipeline.executionId}`;
    const held = externalId ? await cards.link(externalId, card) : [];
    const deliveries = [await show(card, notification, ports)];
    for (const earlier of held) deliveries.push(await show(card, earlier, ports));
    return deliveries;
  }
  if (externalId) {
    const linked = await cards.cardOf(externalId);
    if (linked) return [await show(linked, notification, ports)];
    if (notification.kind === 'build' && pipeline) {
      const linkedMeanwhile = await cards.hold(externalId, notification);
      return [linkedMeanwhile ? await show(linkedMeanwhile, notification, ports) : { outcome: 'held' }];
    }
  }
  return [await show(`${notification.kind.toUpperCase()}#${externalId ?? notification.id}`, notification, ports)];
}

async function show(key: string, notification: ReleaseNotification, { cards, slack, channelFor }: DeliveryPorts): Promise<Delivery> {
  let replied = false;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const stored = await cards.get(key);
    if (stored?.seen.includes(notification.id)) return { outcome: 'duplicate', card: key };
    const state = applyNotification(stored?.state, notification);
    const message = renderCard(state);
    const reply = failureReply(notification);

    if (!stored) {
      const channel = channelFor(notification.team);
      if (!channel) return { outcome: 'unrouted', card: key };
      // claim the card first, so two deliveries at once never post two messages
      if (!(await cards.put(key, { channel, state, seen: [notification.id], version: 1 }))) continue;
      let posted: { channel: string; ts?: string };
      try {
        posted = await slack.post(channel, message);
      } catch (error) {
        await cards.remove(key);
        throw error;
      }
      await cards.put(key, { channel: posted.channel, ts: posted.ts, state, seen: [notification.id], version: 2 }, 1);
      if (reply) await (posted.ts && slack.updatesInPlace ? slack.reply(posted.channel, posted.ts, reply) : slack.post(posted.channel, reply));
      return { outcome: 'posted', card: key, replied: reply !== undefined };
    }

    if (stored.ts === undefined && slack.updatesInPlace) throw new CardBusyError(`the message of ${key} is being posted by another delivery`);
    if (stored.ts && slack.updatesInPlace) await slack.update(stored.channel, stored.ts, message);
    else await slack.post(stored.channel, message);
    // within this invocation a failure is replied to once, however often the write below has to be retried
    if (reply && !replied) {
      await (stored.ts && slack.updatesInPlace ? slack.reply(stored.channel, stored.ts, reply) : slack.post(stored.channel, reply));
      replied = true;
    }
    const saved = await cards.put(key, { ...stored, state, seen: [...stored.seen, notification.id], version: stored.version + 1 }, stored.version);
    if (saved) return { outcome: 'updated', card: key, replied };
  }
  throw new CardBusyError(`the card ${key} kept changing under ${ATTEMPTS} attempts`);
}
