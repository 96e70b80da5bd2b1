// A namespace import lets esbuild drop the parts of zod we do not use (85 KB instead of 450 KB);
// for the same reason the envelope is ours rather than Powertools parser's EventBridgeSchema.
import * as z from 'zod';
import { ReleaseNotification } from './release-notification';

// Field names and values as AWS sends them; each schema cites the page that defines its event.
// Unknown fields are dropped, missing or mistyped ones make the event malformed.

/** https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html */
const envelope = <D extends z.ZodType, T extends string, S extends string>(source: S, detailType: T, detail: D) =>
  z.object({
    version: z.string(),
    id: z.string().min(1),
    'detail-type': z.literal(detailType),
    source: z.literal(source),
    account: z.string(),
    time: z.iso.datetime({ offset: true }),
    region: z.string(),
    resources: z.array(z.string()),
    'replay-name': z.string().optional(),
    detail,
  });

const COMMIT_ID = z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-character hex commit id');
const NAME = z.string().min(1).max(1024);

/** https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html */
export const CodeCommitReferenceEvent = envelope(
  'aws.codecommit',
  'CodeCommit Repository State Change',
  z.object({
    event: z.enum(['referenceCreated', 'referenceUpdated', 'referenceDeleted']),
    repositoryName: z.string().regex(/^[\w.-]{1,100}$/, 'expected a CodeCommit repository name'),
    repositoryId: z.string().min(1).optional(),
    referenceType: z.enum(['branch', 'tag']),
    referenceName: NAME,
    referenceFullName: NAME.optional(),
    commitId: COMMIT_ID.optional(),
    oldCommitId: COMMIT_ID.optional(),
    callerUserArn: z.string().optional(),
  }).refine((detail) => detail.event === 'referenceDeleted' || detail.commitId !== undefined, {
    error: 'expected a commitId for a created or updated reference',
    path: ['commitId'],
  }),
);
export type CodeCommitReferenceEvent = z.infer<typeof CodeCommitReferenceEvent>;

const BUILD_STATUS = z.enum(['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'STOPPED', 'FAULT', 'TIMED_OUT']);
const BuildPhase = z.object({
  'phase-type': z.string(),
  'phase-status': z.string().optional(),
  'duration-in-seconds': z.number().optional(),
  'phase-context': z.array(z.string()).optional(),
});

/** https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications.html */
export const CodeBuildStateEvent = envelope(
  'aws.codebuild',
  'CodeBuild Build State Change',
  z.object({
    'build-status': BUILD_STATUS,
    'project-name': NAME,
    'build-id': z.string().min(1),
    'current-phase': z.string().optional(),
    'current-phase-context': z.string().optional(),
    'additional-information': z
      .object({
        'build-start-time': z.string().optional(),
        'source-version': z.string().optional(),
        initiator: z.string().optional(),
        phases: z.array(BuildPhase).optional(),
        logs: z.object({ 'group-name': z.string().optional(), 'stream-name': z.string().optional(), 'deep-link': z.string().optional() }).optional(),
      })
      .optional(),
  }),
);
export type CodeBuildStateEvent = z.infer<typeof CodeBuildStateEvent>;

/** A build's id as CodePipeline and the console write it (`project:uuid`), from the ARN the build event carries. */
export function shortBuildId(buildId: string): string {
  return buildId.replace(/^arn:[^:]+:codebuild:[^:]+:\d+:build\//, '');
}

/** https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html */
export const CodeDeployStateEvent = envelope(
  'aws.codedeploy',
  'CodeDeploy Deployment State-change Notification',
  z.object({
    application: NAME,
    deploymentGroup: NAME,
    deploymentId: z.string().regex(/^d-[A-Z0-9]+$/, 'expected a CodeDeploy deployment id (d-XXXXXXXXX)'),
    state: z.enum(['START', 'SUCCESS', 'FAILURE', 'STOP', 'READY']),
    instanceGroupId: z.string().optional(),
  }),
);
export type CodeDeployStateEvent = z.infer<typeof CodeDeployStateEvent>;

const PIPELINE = z.string().regex(/^[A-Za-z0-9.@\-_]{1,100}$/, 'expected a CodePipeline name');
const EXECUTION_ID = z.string().min(1);
// AWS's examples have sent both versions as strings and as numbers, over the years.
const PIPELINE_VERSION = z.union([z.string(), z.number()]).optional();

/** https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html */
export const PipelineExecutionEvent = envelope(
  'aws.codepipeline',
  'CodePipeline Pipeline Execution State Change',
  z.object({
    pipeline: PIPELINE,
    'execution-id': EXECUTION_ID,
    state: z.enum(['STARTED', 'SUCCEEDED', 'RESUMED', 'FAILED', 'CANCELED', 'SUPERSEDED', 'STOPPED', 'STOPPING']),
    version: PIPELINE_VERSION,
  }),
);

export const StageExecutionEvent = envelope(
  'aws.codepipeline',
  'CodePipeline Stage Execution State Change',
  z.object({
    pipeline: PIPELINE,
    'execution-id': EXECUTION_ID,
    stage: NAME,
    state: z.enum(['STARTED', 'SUCCEEDED', 'RESUMED', 'FAILED', 'CANCELED', 'STOPPED', 'STOPPING']),
  }),
);

export const ActionExecutionEvent = envelope(
  'aws.codepipeline',
  'CodePipeline Action Execution State Change',
  z.object({
    pipeline: PIPELINE,
    'execution-id': EXECUTION_ID,
    stage: NAME,
    action: NAME,
    state: z.enum(['STARTED', 'SUCCEEDED', 'FAILED', 'CANCELED', 'ABANDONED']),
    type: z.object({ owner: z.string(), provider: z.string(), category: z.string(), version: z.union([z.string(), z.number()]) }).optional(),
    'execution-result': z.object({ 'external-execution-id': z.string().optional() }).optional(),
  }),
);

export const CodePipelineEvent = z.discriminatedUnion('detail-type', [PipelineExecutionEvent, StageExecutionEvent, ActionExecutionEvent]);
export type CodePipelineEvent = z.infer<typeof CodePipelineEvent>;

/** One line per problem, `path: message`, for logs and dead letters. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ');
}

/** https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html: Lambda gets one SNS message an invocation; ours carry a ReleaseNotification. */
export const SnsNotificationEvent = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.literal('aws:sns'),
        Sns: z.object({
          MessageId: z.string(),
          Message: z
            .string()
            .transform((text, ctx) => {
              try {
                return JSON.parse(text) as unknown;
              } catch {
                ctx.addIssue({ code: 'custom', message: 'expected a JSON message' });
                return z.NEVER;
              }
            })
            .pipe(ReleaseNotification),
        }),
      }),
    )
    .length(1, 'expected the one record Lambda delivers from SNS'),
});
export type SnsNotificationEvent = z.infer<typeof SnsNotificationEvent>;
