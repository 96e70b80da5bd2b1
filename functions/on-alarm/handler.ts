import releasePolicy from '../../release-policy.yml';
import { deadLetters, home, ledger, notifications, pipelines } from '../../shared/adapters';
import { placePolicy } from '../../shared/policy-rules';
import { withEvents } from '../../shared/event-middleware';
import { AlarmStateChangeEvent } from '../../shared/event-schemas/alarm';
import { handle } from './handle';

const policy = placePolicy(releasePolicy, home());
const deps = { policy, pipelines: pipelines(policy), ledger: ledger(), notifications: notifications() };

export const handler = withEvents({ functionName: 'on-alarm', schema: AlarmStateChangeEvent, deadLetters: deadLetters() }, (event) => handle(event, deps));
