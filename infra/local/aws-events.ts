// The events CodePipeline, CodeBuild and CodeDeploy send to EventBridge, as PutEvents entries, in
// the shapes AWS documents (the same fields as events/samples, which cite the pages). The local bus
// adds the envelope's id, account and region, as EventBridge does.
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './endpoints';

export interface Artifact {
  name: string;
  s3location: { bucket: string; key: string };
}

/** What every event of one pipeline execution carries. */
export interface ExecutionIds {
  pipeline: string;
  executionId: string;
  /** When the execution started (`start-time`, ISO-8601 with milliseconds). */
  startTime: string;
  /** The pipeline's version: 1 for a pipeline never updated. */
  version: number;
}

export interface ActionIds {
  stage: string;
  action: string;
  actionExecutionId: string;
  type: { owner: string; provider: string; category: string; version: string };
}

/** The result CodePipeline reports for an ended action: its provider's id, a link and a summary. */
export interface ActionResult {
  externalExecutionId: string;
  externalExecutionUrl: string;
  summary: string;
  /** Only on a failed action. */
  errorCode?: string;
}

const entry = (source: string, detailType: string, resources: string[], detail: object, at: Date): PutEventsRequestEntry => ({
  Source: source,
  DetailType: detailType,
  Resources: resources,
  Detail: JSON.stringify(detail),
  Time: at,
});

const pipelineArn = (pipeline: string) => `arn:aws:codepipeline:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${pipeline}`;

// https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html

/** A pipeline execution's state; only STARTED says what started it (`execution-trigger`). */
export function pipelineExecutionEvent(ids: ExecutionIds, state: string, at: Date, trigger?: { type: string; detail: string }): PutEventsRequestEntry {
  return entry('aws.codepipeline', 'CodePipeline Pipeline Execution State Change', [pipelineArn(ids.pipeline)], {
    pipeline: ids.pipeline,
    'execution-id': ids.executionId,
    'start-time': ids.startTime,
    ...(trigger ? { 'execution-trigger': { 'trigger-type': trigger.type, 'trigger-detail': trigger.detail } } : {}),
    state,
    version: ids.version,
    'pipeline-execution-attempt': 1,
  }, at);
}

export function stageExecutionEvent(ids: ExecutionIds, stage: string, state: string, at: Date): PutEventsRequestEntry {
  return entry('aws.codepipeline', 'CodePipeline Stage Execution State Change', [pipelineArn(ids.pipeline)], {
    pipeline: ids.pipeline,
    version: ids.version,
    'execution-id': ids.executionId,
    'start-time': ids.startTime,
    stage,
    state,
    'pipeline-execution-attempt': 1,
  }, at);
}

/** An action started: with the artifacts it reads, and no region (as AWS's STARTED example). */
export function actionStartedEvent(ids: ExecutionIds, action: ActionIds, inputArtifacts: Artifact[], at: Date): PutEventsRequestEntry {
  return entry('aws.codepipeline', 'CodePipeline Action Execution State Change', [pipelineArn(ids.pipeline)], {
    pipeline: ids.pipeline,
    'execution-id': ids.executionId,
    'start-time': ids.startTime,
    stage: action.stage,
    'action-execution-id': action.actionExecutionId,
    action: action.action,
    state: 'STARTED',
    type: action.type,
    version: ids.version,
    'pipeline-execution-attempt': 1,
    // a source action reads no artifact
    ...(inputArtifacts.length > 0 ? { 'input-artifacts': inputArtifacts } : {}),
  }, at);
}

/** An action ended: its provider's result and, when it succeeded, the artifacts it wrote (AWS's SUCCEEDED example). */
export function actionEndedEvent(ids: ExecutionIds, action: ActionIds, state: 'SUCCEEDED' | 'FAILED', result: ActionResult, outputArtifacts: Artifact[], at: Date): PutEventsRequestEntry {
  return entry('aws.codepipeline', 'CodePipeline Action Execution State Change', [pipelineArn(ids.pipeline)], {
    pipeline: ids.pipeline,
    'execution-id': ids.executionId,
    'start-time': ids.startTime,
    stage: action.stage,
    'execution-result': {
      'external-execution-url': result.externalExecutionUrl,
      'external-execution-summary': result.summary,
      'external-execution-id': result.externalExecutionId,
      ...(result.errorCode ? { 'error-code': result.errorCode } : {}),
    },
    ...(state === 'SUCCEEDED' && outputArtifacts.length > 0 ? { 'output-artifacts': outputArtifacts } : {}),
    'action-execution-id': action.actionExecutionId,
    action: action.action,
    state,
    region: LOCAL_REGION,
    type: action.type,
    version: ids.version,
    'pipeline-execution-attempt': 1,
  }, at);
}

// https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html

export interface BuildPhase {
  type: string;
  start: Date;
  end?: Date;
  /** SUCCEEDED, FAILED, CLIENT_ERROR, TIMED_OUT...; none for COMPLETED and for a phase still running. */
  status?: string;
  /** CodeBuild's `statusCode: message` lines, e.g. `COMMAND_EXECUTION_ERROR: Error while executing command: ...`. */
  contexts: string[];
}

/** What CodeBuild says of a build in every event about it. */
export interface BuildFacts {
  project: string;
  /** `project:uuid`, as CodePipeline and the console write it. */
  buildId: string;
  initiator: string;
  startTime: Date;
  image: string;
  computeType: string;
  environmentType: string;
  environmentVariables: { name: string; value: string; type: string }[];
  timeoutInMinutes: number;
  source: { type: string; location: string };
  /** Where the artifact goes, and its checksums once it is written. */
  artifact: { location: string; md5sum?: string; sha256sum?: string };
  logGroup: string;
  phases: BuildPhase[];
}

export const buildArn = (buildId: string) => `arn:aws:codebuild:${LOCAL_REGION}:${LOCAL_ACCOUNT}:build/${buildId}`;

/** CodeBuild's own way of writing a time in these events: `Sep 1, 2017 4:12:29 PM` (UTC here). */
export function codeBuildTime(date: Date): string {
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const hours = date.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${month} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${hours % 12 || 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** Whole seconds, as CodeBuild counts a phase's duration. */
export const phaseSeconds = (phase: BuildPhase) => (phase.end ? Math.floor((phase.end.getTime() - phase.start.getTime()) / 1000) : undefined);

function phaseFields(phase: BuildPhase) {
  // a phase still running, and COMPLETED, have only their start and type
  if (!phase.end) return { 'start-time': codeBuildTime(phase.start), 'phase-type': phase.type };
  return {
    'phase-context': phase.contexts,
    'start-time': codeBuildTime(phase.start),
    'end-time': codeBuildTime(phase.end),
    'duration-in-seconds': phaseSeconds(phase),
    'phase-type': phase.type,
    'phase-status': phase.status,
  };
}

function additionalInformation(build: BuildFacts, complete: boolean) {
  const uuid = build.buildId.slice(build.buildId.indexOf(':') + 1);
  return {
    artifact: build.artifact,
    environment: {
      image: build.image,
      'privileged-mode': false,
      'compute-type': build.computeType,
      type: build.environmentType,
      'environment-variables': build.environmentVariables,
    },
    'timeout-in-minutes': build.timeoutInMinutes,
    'build-complete': complete,
    initiator: build.initiator,
    'build-start-time': codeBuildTime(build.startTime),
    source: build.source,
    logs: {
      'group-name': build.logGroup,
      'stream-name': uuid,
      'deep-link': `https://console.aws.amazon.com/cloudwatch/home?region=${LOCAL_REGION}#logEvent:group=${build.logGroup};stream=${uuid}`,
    },
    phases: build.phases.map(phaseFields),
  };
}

/** CodeBuild Build State Change: IN_PROGRESS when the build is submitted, then its result with every phase. */
export function buildStateEvent(build: BuildFacts, status: string, at: Date): PutEventsRequestEntry {
  const current = build.phases.at(-1)!;
  return entry('aws.codebuild', 'CodeBuild Build State Change', [buildArn(build.buildId)], {
    'build-status': status,
    'project-name': build.project,
    'build-id': buildArn(build.buildId),
    'additional-information': additionalInformation(build, status !== 'IN_PROGRESS'),
    'current-phase': current.type,
    'current-phase-context': `[${current.contexts.join(', ')}]`,
    version: '1',
  }, at);
}

/** CodeBuild Build Phase Change: one for each phase as it completes. */
export function buildPhaseEvent(build: BuildFacts, phase: BuildPhase, at: Date): PutEventsRequestEntry {
  return entry('aws.codebuild', 'CodeBuild Build Phase Change', [buildArn(build.buildId)], {
    'completed-phase': phase.type,
    'project-name': build.project,
    'build-id': buildArn(build.buildId),
    'completed-phase-context': `[${phase.contexts.join(', ')}]`,
    'additional-information': additionalInformation(build, false),
    'completed-phase-status': phase.status,
    'completed-phase-duration-seconds': phaseSeconds(phase),
    version: '1',
    'completed-phase-start': codeBuildTime(phase.start),
    'completed-phase-end': codeBuildTime(phase.end ?? at),
  }, at);
}

// https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html

export interface DeploymentIds {
  application: string;
  deploymentGroup: string;
  deploymentId: string;
  instanceGroupId: string;
}

export function deploymentStateEvent(deployment: DeploymentIds, state: 'START' | 'SUCCESS' | 'FAILURE', at: Date): PutEventsRequestEntry {
  const { application, deploymentGroup } = deployment;
  return entry('aws.codedeploy', 'CodeDeploy Deployment State-change Notification', [
    `arn:aws:codedeploy:${LOCAL_REGION}:${LOCAL_ACCOUNT}:application:${application}`,
    `arn:aws:codedeploy:${LOCAL_REGION}:${LOCAL_ACCOUNT}:deploymentgroup:${application}/${deploymentGroup}`,
  ], {
    instanceGroupId: deployment.instanceGroupId,
    region: LOCAL_REGION,
    application,
    deploymentId: deployment.deploymentId,
    state,
    deploymentGroup,
  }, at);
}
