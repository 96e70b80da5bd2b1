import { clickClaimsOnly, clickDispatch, modals, signingSecret } from '../../shared/adapters';
import { withHttp } from '../../shared/middleware';
import { handle } from './handle';

const deps = { signingSecret: signingSecret(), clicks: clickClaimsOnly(), acting: clickDispatch(), modals: modals(), now: () => new Date() };

export const handler = withHttp('slack-interactions').handler((event) => handle(event, deps));
