import policy from '../../release-policy.yml';
import { deadLetters, ledger, notifications } from '../../shared/adapters';
import { withEvents } from '../../shared/event-middleware';
import { CodeBuildStateEvent } from '../../shared/event-schemas/codebuild';
import { handle } from './handle';

const deps = { policy, ledger: ledger(), notifications: notifications() };

export const handler = withEvents({ functionName: 'on-build', schema: CodeBuildStateEvent, deadLetters: deadLetters() }, (event) => handle(event, deps));
