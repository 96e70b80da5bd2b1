// zod/mini: functions instead of methods, so esbuild keeps only the parts we use (npm run bench); for
// the same reason the envelope is ours rather than Powertools parser's EventBridgeSchema.
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { ReleaseNotification } from './release-notification';

// zod/mini carries no messages of its own: the English ones, as the dead letters' reasons
z.config(en());

// Field names and values as AWS sends them; each schema cites the page that defines its event.
// Unknown fields are dropped, missing or mistyped ones make the event malformed.

/** https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html */
const envelope = <D extends z.ZodMiniType, T extends string, S extends string>(source: S, detailType: T, detail: D) =>
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

const COMMIT_ID = z.string().check(z.regex(/^[0-9a-f]{40}$/, 'expected a 40-character hex commit id'));
const NAME = z.string().check(z.minLength(1), z.maxLength(1024));

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

/** https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html */
export const CodeDeployStateEvent = envelope(
  'aws.codedeploy',
  'CodeDeploy Deployment State-change Notification',
  z.object({
    application: NAME,
    deploymentGroup: NAME,
    deploymentId: z.string().check(z.regex(/^d-[A-Z0-9]+$/, 'expected a CodeDeploy deployment id (d-XXXXXXXXX)')),
    state: z.enum(['START', 'SUCCESS', 'FAILURE', 'STOP', 'READY']),
    instanceGroupId: z.optional(z.string()),
  }),
);
export type CodeDeployStateEvent = z.infer<typeof CodeDeployStateEvent>;

const PIPELINE = z.string().check(z.regex(/^[A-Za-z0-9.@\-_]{1,100}$/, 'expected a CodePipeline name'));
const EXECUTION_ID = z.string().check(z.minLength(1));
// AWS's examples have sent both versions as strings and as numbers, over the years.
const PIPELINE_VERSION = z.optional(z.union([z.string(), z.number()]));
// How many times the execution has been attempted: 2 and more after a stage retry. On every
// pipeline, stage and action event of AWS's page, yet optional: an event without it is still usable.
const ATTEMPT = z.optional(z.number());
// AWS's Git-triggered examples carry the commit's fields (tag-name, commit-id, ...) and no
// trigger-type, so neither field is required.
const EXECUTION_TRIGGER = z.optional(z.object({ 'trigger-type': z.optional(z.string()), 'trigger-detail': z.optional(z.string()) }));

/** https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html */
export const PipelineExecutionEvent = envelope(
  'aws.codepipeline',
  'CodePipeline Pipeline Execution State Change',
  z.object({
    pipeline: PIPELINE,
    'execution-id': EXECUTION_ID,
    // when the execution started: for a connection's commit, about when the provider's webhook came
    'start-time': z.optional(z.string()),
    state: z.enum(['STARTED', 'SUCCEEDED', 'RESUMED', 'FAILED', 'CANCELED', 'SUPERSEDED', 'STOPPED', 'STOPPING']),
    version: PIPELINE_VERSION,
    'pipeline-execution-attempt': ATTEMPT,
    'execution-trigger': EXECUTION_TRIGGER,
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
    'pipeline-execution-attempt': ATTEMPT,
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
    type: z.optional(z.object({ owner: z.string(), provider: z.string(), category: z.string(), version: z.union([z.string(), z.number()]) })),
    'execution-result': z.optional(z.object({ 'external-execution-id': z.optional(z.string()) })),
    'pipeline-execution-attempt': ATTEMPT,
  }),
);

export type PipelineExecutionEvent = z.infer<typeof PipelineExecutionEvent>;
export type StageExecutionEvent = z.infer<typeof StageExecutionEvent>;
export type ActionExecutionEvent = z.infer<typeof ActionExecutionEvent>;

export const CodePipelineEvent = z.discriminatedUnion('detail-type', [PipelineExecutionEvent, StageExecutionEvent, ActionExecutionEvent]);
export type CodePipelineEvent = z.infer<typeof CodePipelineEvent>;

const ALARM_STATE = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
// CloudWatch writes the offset without a colon (2019-10-02T17:04:40.989+0000), which z.iso.datetime refuses.
const ALARM_TIMESTAMP = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/, 'expected a timestamp such as 2019-10-02T17:04:40.989+0000'));

/** https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html */
export const AlarmStateChangeEvent = envelope(
  'aws.cloudwatch',
  'CloudWatch Alarm State Change',
  z.object({
    alarmName: z.string().check(z.minLength(1), z.maxLength(255)),
    state: z.object({ value: ALARM_STATE, reason: z.string(), timestamp: ALARM_TIMESTAMP }),
    previousState: z.object({ value: ALARM_STATE, timestamp: ALARM_TIMESTAMP }),
  }),
);
export type AlarmStateChangeEvent = z.infer<typeof AlarmStateChangeEvent>;

/** One line per problem, `path: message`, for logs and dead letters. */
export function describeIssues(error: z.core.$ZodError): string {
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
          Message: z.pipe(
            z.pipe(
              z.string(),
              z.transform((text, ctx) => {
                try {
                  return JSON.parse(text) as unknown;
                } catch {
                  ctx.issues.push({ code: 'custom', message: 'expected a JSON message', input: text });
                  return z.NEVER;
                }
              }),
            ),
            ReleaseNotification,
          ),
        }),
      }),
    )
    .check(z.length(1, 'expected the one record Lambda delivers from SNS')),
});
export type SnsNotificationEvent = z.infer<typeof SnsNotificationEvent>;
