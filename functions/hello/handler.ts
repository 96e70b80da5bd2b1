import { withHttp } from '../../shared/middleware';
import { handle } from './handle';

export const handler = withHttp('hello').handler((event) => handle(event, { now: () => new Date() }));
