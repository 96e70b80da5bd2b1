import releasePolicy from '../../release-policy.yml';
import { deadLetters, deployments, home, ledger, notifications, pipelines } from '../../shared/adapters';
import { placePolicy } from '../../shared/policy-rules';
import { withEvents } from '../../shared/event-middleware';
import { CodeDeployStateEvent } from '../../shared/event-schemas/codedeploy';
import { handle } from './handle';

const policy = placePolicy(releasePolicy, home());
const deps = { policy, deployments: deployments(), pipelines: pipelines(policy), ledger: ledger(), notifications: notifications() };

export const handler = withEvents({ functionName: 'on-deploy', schema: CodeDeployStateEvent, deadLetters: deadLetters() }, (event) => handle(event, deps));
