import policy from '../../release-policy.yml';
import { deadLetters, ledger, notifications, pipelines } from '../../shared/adapters';
import { withEvents } from '../../shared/event-middleware';
import { AlarmStateChangeEvent } from '../../shared/events';
import { handle } from './handle';

const deps = { policy, pipelines: pipelines(), ledger: ledger(), notifications: notifications() };

export const handler = withEvents({ functionName: 'on-alarm', schema: AlarmStateChangeEvent, deadLetters: deadLetters() }, (event) => handle(event, deps));
