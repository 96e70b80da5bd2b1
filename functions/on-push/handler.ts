import releasePolicy from '../../release-policy.yml';
import { deadLetters, home, ledger, notifications, pipelines, sourceReader } from '../../shared/adapters';
import { placePolicy } from '../../shared/policy-rules';
import { withEvents } from '../../shared/event-middleware';
import { CodeCommitReferenceEvent } from '../../shared/event-schemas/codecommit';
import { handle } from './handle';

const policy = placePolicy(releasePolicy, home());
const deps = { policy, source: sourceReader(policy), pipelines: pipelines(policy), ledger: ledger(), notifications: notifications() };

export const handler = withEvents({ functionName: 'on-push', schema: CodeCommitReferenceEvent, deadLetters: deadLetters() }, (event) => handle(event, deps));
