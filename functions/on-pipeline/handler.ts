import releasePolicy from '../../release-policy.yml';
import { deadLetters, home, idempotencyRecords, ledger, notifications, pipelines, sourceReader } from '../../shared/adapters';
import { placePolicy } from '../../shared/policy-rules';
import { withEvents } from '../../shared/event-middleware';
import { CodePipelineEvent } from '../../shared/events';
import { handle } from './handle';

const policy = placePolicy(releasePolicy, home());
const deps = { policy, pipelines: pipelines(policy), source: sourceReader(policy), ledger: ledger(), notifications: notifications() };

export const handler = withEvents({ functionName: 'on-pipeline', schema: CodePipelineEvent, deadLetters: deadLetters(), idempotencyRecords }, (event) => handle(event, deps));
