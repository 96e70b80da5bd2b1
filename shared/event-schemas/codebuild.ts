import * as z from 'zod/mini';
import { envelope, NAME } from './envelope';

const BUILD_STATUS = z.enum(['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'STOPPED', 'FAULT', 'TIMED_OUT']);
const BuildPhase = z.object({
  'phase-type': z.string(),
  'phase-status': z.optional(z.string()),
  'duration-in-seconds': z.optional(z.number()),
  'phase-context': z.optional(z.array(z.string())),
});

/** https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications.html */
export const CodeBuildStateEvent = envelope(
  'aws.codebuild',
  'CodeBuild Build State Change',
  z.object({
    'build-status': BUILD_STATUS,
    'project-name': NAME,
    'build-id': z.string().check(z.minLength(1)),
    'current-phase': z.optional(z.string()),
    'current-phase-context': z.optional(z.string()),
    'additional-information': z.optional(
      z.object({
        'build-start-time': z.optional(z.string()),
        'source-version': z.optional(z.string()),
        initiator: z.optional(z.string()),
        phases: z.optional(z.array(BuildPhase)),
        logs: z.optional(z.object({ 'group-name': z.optional(z.string()), 'stream-name': z.optional(z.string()), 'deep-link': z.optional(z.string()) })),
      }),
    ),
  }),
);
export type CodeBuildStateEvent = z.infer<typeof CodeBuildStateEvent>;
