import * as z from 'zod/mini';
import { envelope, NAME } from './envelope';

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
