import policy from '../../release-policy.yml';
import { cards, deadLetters, slack } from '../../shared/adapters';
import { withEvents } from '../../shared/event-middleware';
import { SnsNotificationEvent } from '../../shared/event-schemas/sns';
import type { CardState } from './card';
import { handle } from './handle';

const deps = { policy, cards: cards<CardState>(), slack: slack(), deadLetters: deadLetters() };

// the card keeps each notification once (docs/slack-delivery.md)
export const handler = withEvents({ functionName: 'notify-slack', schema: SnsNotificationEvent, deadLetters: deps.deadLetters }, (event, context) =>
  handle(event, { ...deps, deadline: Date.now() + context.getRemainingTimeInMillis() }),
);
