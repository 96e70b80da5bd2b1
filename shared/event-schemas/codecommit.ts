import * as z from 'zod/mini';
import { envelope, NAME, COMMIT_ID } from './envelope';

/** https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html */
export const CodeCommitReferenceEvent = envelope(
  'aws.codecommit',
  'CodeCommit Repository State Change',
  z.object({
    event: z.enum(['referenceCreated', 'referenceUpdated', 'referenceDeleted']),
    repositoryName: z.string().check(z.regex(/^[\w.-]{1,100}$/, 'expected a CodeCommit repository name')),
    repositoryId: z.optional(z.string().check(z.minLength(1))),
    referenceType: z.enum(['branch', 'tag']),
    referenceName: NAME,
    referenceFullName: z.optional(NAME),
    commitId: z.optional(COMMIT_ID),
    oldCommitId: z.optional(COMMIT_ID),
    callerUserArn: z.optional(z.string()),
  }).check(
    z.refine((detail) => detail.event === 'referenceDeleted' || detail.commitId !== undefined, {
      error: 'expected a commitId for a created or updated reference',
      path: ['commitId'],
    }),
  ),
);
export type CodeCommitReferenceEvent = z.infer<typeof CodeCommitReferenceEvent>;
