import releasePolicy from '../../release-policy.yml';
import { deadLetters, home, ledger, notifications, pipelines, sourceReader } from '../../shared/adapters';
import { placePolicy } from '../../shared/policy-rules';
import { withEvents } from '../../shared/event-middleware';
import { CodePipelineEvent } from '../../shared/event-schemas/codepipeline';
import { handle } from './handle';

const policy = placePolicy(releasePolicy, home());
const deps = { policy, pipelines: pipelines(policy), source: sourceReader(policy), ledger: ledger(), notifications: notifications() };

export const handler = withEvents({ functionName: 'on-pipeline', schema: CodePipelineEvent, deadLetters: deadLetters() }, (event) => handle(event, deps));
