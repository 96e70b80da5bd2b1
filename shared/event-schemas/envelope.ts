// zod/mini: functions instead of methods, so esbuild keeps only the parts we use (npm run bench); for
// the same reason the envelope is ours rather than Powertools parser's EventBridgeSchema. Each event
// has a module of its own: a function builds only its own event's schema when it loads (building
// all of them took 7 ms of every cold start).
import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini carries no messages of its own: the English ones, as the dead letters' reasons
z.config(en());

// Field names and values as AWS sends them; each schema cites the page that defines its event.
// Unknown fields are dropped, missing or mistyped ones make the event malformed.

/** https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html */
export const envelope = <D extends z.ZodMiniType, T extends string, S extends string>(source: S, detailType: T, detail: D) =>
  z.object({
    version: z.string(),
    id: z.string().check(z.minLength(1)),
    'detail-type': z.literal(detailType),
    source: z.literal(source),
    account: z.string(),
    time: z.iso.datetime({ offset: true }),
    region: z.string(),
    resources: z.array(z.string()),
    'replay-name': z.optional(z.string()),
    detail,
  });

export const COMMIT_ID = z.string().check(z.regex(/^[0-9a-f]{40}$/, 'expected a 40-character hex commit id'));
export const NAME = z.string().check(z.minLength(1), z.maxLength(1024));


/** One line per problem, `path: message`, for logs and dead letters. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ');
}
