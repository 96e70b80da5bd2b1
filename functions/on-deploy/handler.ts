import policy from '../../release-policy.yml';
import { deadLetters, deployments, ledger, notifications, pipelines } from '../../shared/adapters';
import { withEvents } from '../../shared/event-middleware';
import { CodeDeployStateEvent } from '../../shared/events';
import { handle } from './handle';

const deps = { policy, deployments: deployments(), pipelines: pipelines(), ledger: ledger(), notifications: notifications() };

export const handler = withEvents({ functionName: 'on-deploy', schema: CodeDeployStateEvent, deadLetters: deadLetters() }, (event) => handle(event, deps));
