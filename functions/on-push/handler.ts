import policy from '../../release-policy.yml';
import { deadLetters, ledger, notifications, pipelines, sourceReader } from '../../shared/adapters';
import { withEvents } from '../../shared/event-middleware';
import { CodeCommitReferenceEvent } from '../../shared/events';
import { handle } from './handle';

const deps = { policy, source: sourceReader(), pipelines: pipelines(), ledger: ledger(), notifications: notifications() };

export const handler = withEvents({ functionName: 'on-push', schema: CodeCommitReferenceEvent, deadLetters: deadLetters() }, (event) => handle(event, deps));
