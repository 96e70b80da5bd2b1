import policy from '../../release-policy.yml';
import { deadLetters, ledger, notifications, pipelines, sourceReader } from '../../shared/adapters';
import { withEvents } from '../../shared/event-middleware';
import { CodePipelineEvent } from '../../shared/events';
import { handle } from './handle';

const deps = { policy, pipelines: pipelines(), source: sourceReader(), ledger: ledger(), notifications: notifications() };

export const handler = withEvents({ functionName: 'on-pipeline', schema: CodePipelineEvent, deadLetters: deadLetters() }, (event) => handle(event, deps));
