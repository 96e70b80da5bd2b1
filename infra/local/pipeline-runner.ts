// The laptop's CodePipeline. On the local stage a pipeline start is recorded, never sent to AWS
// (shared/local/recorded-pipelines.ts); this runner picks up each recorded start and executes it as
// the toolchain stack declares the pipeline (infra/toolchain/toolchain.yml): stage after stage, its
// actions by run order, CodeCommit source from the local bare repository, CodeBuild running the
// buildspec on the pushed commit (./codebuild.ts), CodeDeploy checking the revision and putting its
// files where the instance would serve them. It sends EventBridge what those services would, in
// AWS's shapes (./aws-events.ts), so the real functions handle them, and records its actions and
// deployments where the local Pipelines and Deployments adapters answer from.
//
// Not run: appspec hooks (they install and start Apache as root with dnf); manual approvals and
// providers other than CodeCommit, CodeBuild and CodeDeploy (such an action fails); superseding
// (executions of one pipeline run one after another).
import { execFile } from 'node:child_process';
import { randomUUID, randomInt } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { parse } from 'yaml';
import { localFiles } from '../../shared/local/files';
import { parseJsonLines, readJsonLines } from '../../shared/local/json-lines';
import type { RecordedAction, RecordedExecution, RecordedStart } from '../../shared/local/recorded-pipelines';
import type { RecordedDeployment } from '../../shared/local/recorded-deployments';
import {
  actionEndedEvent,
  actionStartedEvent,
  deploymentStateEvent,
  pipelineExecutionEvent,
  stageExecutionEvent,
  type ActionIds,
  type ActionResult,
  type Artifact,
  type ExecutionIds,
} from './aws-events';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from './endpoints';
import { runBuild } from './codebuild';
import { readToolchain, type ActionDefinition, type PipelineDefinition, type Toolchain } from './toolchain-pipelines';

const git = promisify(execFile);

export type Emit = (entries: PutEventsRequestEntry[]) => Promise<void>;

export interface RunnerOptions {
  /** The local stage's folder: git repositories, recorded starts; the runner's records, build logs, artifacts and instances go there too. */
  localDir: string;
  /** Where the events go: the local EventBridge (eventBridgeEmitter). */
  emit: Emit;
  /** The pipelines to run; by default the toolchain stack's. */
  toolchain?: Toolchain;
  /**
   * One step of the runner's pace, in ms: what an action with no local work (provisioning a build
   * container, a deployment's lifecycle events) waits, a few steps each. Default RC_LOCAL_PIPELINE_STEP_MS, else 500:
   * a pipeline of Source, Build and Deploy then takes about 7 s.
   */
  stepMs?: number;
  /** A line for the person watching. */
  log?: (text: string) => void;
}

export interface ExecutionResult {
  pipeline: string;
  executionId: string;
  status: 'SUCCEEDED' | 'FAILED' | 'NOT_RUN';
  commitId?: string;
  /** Why it failed, or why it did not run. */
  reason?: string;
  actions: { stage: string; action: string; status: 'Succeeded' | 'Failed'; externalExecutionId?: string; summary: string }[];
  startedAt: string;
  endedAt: string;
}

/** What the runner keeps beside the files the local adapters read (shared/local/files.ts). */
export const runnerFiles = (localDir: string) => ({
  ...localFiles(localDir),
  /** CodeBuild's logs: `<project>/<uuid>.log` (CloudWatch Logs stream `<uuid>` in AWS). */
  buildLogs: join(localDir, 'codebuild'),
  /** Artifacts the actions wrote: `<pipeline>/<execution id>/<artifact>/` (the artifact bucket in AWS). */
  artifacts: join(localDir, 'artifacts'),
  /** What each deployment group's instances would serve: `<Name tag>/var/www/html/...`. */
  instances: join(localDir, 'instances'),
});

const defaultStepMs = () => Number(process.env.RC_LOCAL_PIPELINE_STEP_MS ?? 500);

/** PutEvents to the local bus with the AWS SDK, 10 entries a call (EventBridge's limit). */
export function eventBridgeEmitter(eventBridgeUrl: string): Emit {
  const client = new EventBridgeClient({ endpoint: eventBridgeUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return async (entries) => {
    for (let i = 0; i < entries.length; i += 10) {
      const { FailedEntryCount } = await client.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
      if (FailedEntryCount) throw new Error(`${FailedEntryCount} events were not accepted by ${eventBridgeUrl}`);
    }
  };
}

type StoredArtifact = Artifact & ({ commit: { repository: string; commitId: string } } | { dir: string });

class ExecutionFailed extends Error {}

/** Executes one recorded start as its pipeline is declared; resolves when the execution has ended. */
export async function runExecution(start: RecordedStart, options: RunnerOptions): Promise<ExecutionResult> {
  const toolchain = options.toolchain ?? readToolchain();
  const stepMs = options.stepMs ?? defaultStepMs();
  const log = options.log ?? (() => undefined);
  const files = runnerFiles(options.localDir);
  const startedAt = new Date();
  const result: ExecutionResult = { pipeline: start.pipeline, executionId: start.executionId, status: 'NOT_RUN', actions: [], startedAt: startedAt.toISOString(), endedAt: '' };
  const definition = toolchain.pipelines.get(start.pipeline);
  const short = `${start.pipeline} ${start.executionId.slice(0, 8)}`;
  if (!definition) {
    log(`CodePipeline ${short}: not run: the toolchain (infra/toolchain/toolchain.yml) has no pipeline ${start.pipeline}`);
    return { ...result, reason: `no pipeline ${start.pipeline} in the toolchain`, endedAt: new Date().toISOString() };
  }

  const ids: ExecutionIds = { pipeline: definition.name, executionId: start.executionId, startTime: startedAt.toISOString(), version: 1 };
  const pause = (steps: number) => new Promise<void>((resolve) => setTimeout(resolve, steps * stepMs));
  const variables: Record<string, Record<string, string>> = {
    variables: { ...definition.variables, ...Object.fromEntries(start.variables.map(({ name, value }) => [name, value])) },
  };
  const artifacts = new Map<string, StoredArtifact>();
  const recordAction = (action: ActionIds, status: RecordedAction['status'], externalExecutionId?: string) =>
    appendLine(files.pipelineActions, { pipeline: ids.pipeline, executionId: ids.executionId, stage: action.stage, action: action.action, actionExecutionId: action.actionExecutionId, status, externalExecutionId, at: new Date().toISOString() } satisfies RecordedAction);

  log(`CodePipeline ${short}: STARTED (${start.context.reason})`);
  await options.emit([pipelineExecutionEvent(ids, 'STARTED', startedAt, { type: 'StartPipelineExecution', detail: callerArn(start) })]);
  let failure: string | undefined;
  let previousStageAt: Date | undefined;
  for (const stage of definition.stages) {
    // EventBridge's times are whole seconds: a stage starts in a later second than the one before, so its events sort after them
    previousStageAt = await nextSecond(previousStageAt);
    await options.emit([stageExecutionEvent(ids, stage.name, 'STARTED', previousStageAt)]);
    const runOrders = [...new Set(stage.actions.map((action) => action.runOrder))].sort((a, b) => a - b);
    for (const runOrder of runOrders) {
      const outcomes = await Promise.all(
        stage.actions
          .filter((action) => action.runOrder === runOrder)
          .map(async (action) => {
            const actionIds: ActionIds = {
              stage: stage.name,
              action: action.name,
              actionExecutionId: randomUUID(),
              type: { owner: action.owner, provider: action.provider, category: action.category, version: action.version },
            };
            const inputs = action.inputArtifacts.map((name) => artifacts.get(name)).filter((artifact) => artifact !== undefined);
            await recordAction(actionIds, 'InProgress');
            await options.emit([actionStartedEvent(ids, actionIds, inputs.map(artifactRef), new Date())]);
            const context: ActionContext = { start, definition, ids, action, actionIds, inputs, variables, files, toolchain, emit: options.emit, pause, log, recordAction };
            let ended: ActionOutcome;
            try {
              ended = await runAction(context);
            } catch (error) {
              // the action could not run here (its provider, its configuration): it fails, as a job CodePipeline could not complete
              log(`CodePipeline ${short}: ${stage.name}/${action.name} failed: ${(error as Error).message}`);
              const externalExecutionUrl = `https://${LOCAL_REGION}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${ids.pipeline}/executions/${ids.executionId}/timeline?region=${LOCAL_REGION}`;
              ended = { state: 'FAILED', result: { externalExecutionId: actionIds.actionExecutionId, externalExecutionUrl, summary: (error as Error).message, errorCode: 'JobFailed' }, outputs: [] };
            }
            for (const output of ended.outputs) artifacts.set(output.name, output);
            if (action.namespace && ended.variables) variables[action.namespace] = ended.variables;
            await recordAction(actionIds, ended.state === 'SUCCEEDED' ? 'Succeeded' : 'Failed', ended.result.externalExecutionId);
            await options.emit([actionEndedEvent(ids, actionIds, ended.state, ended.result, ended.outputs.map(artifactRef), new Date())]);
            result.actions.push({ stage: stage.name, action: action.name, status: ended.state === 'SUCCEEDED' ? 'Succeeded' : 'Failed', externalExecutionId: ended.result.externalExecutionId, summary: ended.result.summary });
            if (action.category === 'Source') result.commitId = ended.result.externalExecutionId;
            return ended.state === 'SUCCEEDED' ? undefined : `${stage.name}/${action.name}: ${ended.result.summary}`;
          }),
      );
      failure = outcomes.find((outcome) => outcome !== undefined);
      if (failure) break;
    }
    await options.emit([stageExecutionEvent(ids, stage.name, failure ? 'FAILED' : 'SUCCEEDED', new Date())]);
    if (failure) break;
  }
  const endedAt = new Date();
  log(`CodePipeline ${short}: ${failure ? `FAILED at ${failure}` : 'SUCCEEDED'} in ${Math.round((endedAt.getTime() - startedAt.getTime()) / 1000)} s`);
  await appendLine(files.pipelineExecutions, { pipeline: ids.pipeline, executionId: ids.executionId, status: failure ? 'Failed' : 'Succeeded', endedAt: endedAt.toISOString(), commitId: start.context.commitId } satisfies RecordedExecution);
  await options.emit([pipelineExecutionEvent(ids, failure ? 'FAILED' : 'SUCCEEDED', endedAt)]);
  return { ...result, status: failure ? 'FAILED' : 'SUCCEEDED', reason: failure, endedAt: endedAt.toISOString() };
}

interface ActionContext {
  start: RecordedStart;
  definition: PipelineDefinition;
  ids: ExecutionIds;
  action: ActionDefinition;
  actionIds: ActionIds;
  inputs: StoredArtifact[];
  variables: Record<string, Record<string, string>>;
  files: ReturnType<typeof runnerFiles>;
  toolchain: Toolchain;
  emit: Emit;
  pause(steps: number): Promise<void>;
  log(text: string): void;
  recordAction(action: ActionIds, status: RecordedAction['status'], externalExecutionId?: string): Promise<void>;
}

interface ActionOutcome {
  state: 'SUCCEEDED' | 'FAILED';
  result: ActionResult;
  outputs: StoredArtifact[];
  /** The action's output variables, for `#{<namespace>.<name>}`. */
  variables?: Record<string, string>;
}

function runAction(context: ActionContext): Promise<ActionOutcome> {
  const { action } = context;
  const key = `${action.owner}/${action.category}/${action.provider}`;
  switch (key) {
    case 'AWS/Source/CodeCommit':
      return codeCommitSource(context);
    case 'AWS/Build/CodeBuild':
      return codeBuild(context);
    case 'AWS/Deploy/CodeDeploy':
      return codeDeploy(context);
    default:
      throw new ExecutionFailed(`${key} actions do not run on the local stage`);
  }
}

/** The pinned commit (or the branch's head) from the local bare repository; its output artifact is that commit. */
async function codeCommitSource({ start, action, definition, files, pause }: ActionContext): Promise<ActionOutcome> {
  const repository = action.configuration.RepositoryName!;
  const branch = action.configuration.BranchName!;
  const gitDir = join(files.gitRepositories, `${repository}.git`);
  const pinned = start.sourceRevision?.actionName === action.name ? start.sourceRevision.commitId : undefined;
  await pause(1);
  const read = (...args: string[]) => git('git', ['--git-dir', gitDir, ...args]).then(({ stdout }) => stdout.trim());
  const commitId = await read('rev-parse', '--verify', '--quiet', `${pinned ?? `refs/heads/${branch}`}^{commit}`).catch(() => undefined);
  if (!commitId) {
    const summary = pinned ? `The commit ${pinned} was not found in ${repository}` : `The branch ${branch} was not found in ${repository}`;
    return { state: 'FAILED', result: { externalExecutionId: pinned ?? branch, externalExecutionUrl: commitUrl(repository, pinned ?? branch), summary, errorCode: 'JobFailed' }, outputs: [] };
  }
  const [message, authorDate, committerDate] = (await read('show', '-s', '--format=%B%x00%aI%x00%cI', commitId)).split('\0');
  return {
    state: 'SUCCEEDED',
    result: { externalExecutionId: commitId, externalExecutionUrl: commitUrl(repository, commitId), summary: (message ?? '').trim().slice(0, 2048) },
    outputs: action.outputArtifacts.map((name) => ({ ...artifactLocation(definition, name), commit: { repository, commitId } })),
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-variables.html (CodeCommit action)
    variables: { CommitId: commitId, CommitMessage: (message ?? '').trim(), AuthorDate: authorDate ?? '', CommitterDate: committerDate ?? '', BranchName: branch, RepositoryName: repository },
  };
}

/** A build of the action's project on its input artifact, with the action's environment variables. */
async function codeBuild(context: ActionContext): Promise<ActionOutcome> {
  const { action, actionIds, ids, definition, inputs, files, toolchain, variables } = context;
  const project = toolchain.buildProjects.get(action.configuration.ProjectName ?? '');
  if (!project) throw new ExecutionFailed(`the toolchain has no CodeBuild project ${action.configuration.ProjectName}`);
  const [input] = inputs;
  if (!input) throw new ExecutionFailed(`${action.name} has no input artifact`);
  const uuid = randomUUID();
  const buildId = `${project.name}:${uuid}`;
  await context.recordAction(actionIds, 'InProgress', buildId);
  const environmentVariables = (JSON.parse(action.configuration.EnvironmentVariables ?? '[]') as { name: string; value: string; type?: string }[]).map(({ name, value, type }) => ({
    name,
    value: resolveVariables(value, variables),
    type: type ?? 'PLAINTEXT',
  }));
  const [output] = action.outputArtifacts;
  const outputArtifact = output === undefined ? undefined : { ...artifactLocation(definition, output), dir: join(files.artifacts, ids.pipeline, ids.executionId, output) };
  const logFile = join(files.buildLogs, project.name, `${uuid}.log`);
  const tag = `CodeBuild ${buildId.slice(0, project.name.length + 9)}`;
  context.log(`${tag}: building ${'commit' in input ? input.commit.commitId.slice(0, 7) : input.name} (log: ${logFile})`);
  const outcome = await runBuild(
    {
      project,
      buildId,
      initiator: `codepipeline/${ids.pipeline}`,
      source: { type: 'CODEPIPELINE', location: s3Arn(input) },
      downloadSource: (dir) => fetchArtifact(input, dir, files),
      environmentVariables,
      artifact: outputArtifact && { dir: outputArtifact.dir, location: s3Arn(outputArtifact) },
      logFile,
    },
    { emit: context.emit, pause: context.pause, log: (text) => context.log(`${tag}: ${text}`) },
  );
  const result = { externalExecutionId: buildId, externalExecutionUrl: `https://console.aws.amazon.com/codesuite/codebuild/${LOCAL_ACCOUNT}/projects/${project.name}/build/${encodeURIComponent(buildId)}/?region=${LOCAL_REGION}` };
  // CodePipeline's words when the build does not succeed
  if (outcome.status !== 'SUCCEEDED') return { state: 'FAILED', result: { ...result, summary: `Build terminated with state: ${outcome.status}`, errorCode: 'JobFailed' }, outputs: [] };
  return { state: 'SUCCEEDED', result: { ...result, summary: `Build ${buildId} succeeded` }, outputs: outputArtifact ? [outputArtifact] : [] };
}

// CodeDeploy's message when a deployment's only instance fails it (OneAtATime: every instance must succeed).
const HEALTH_CONSTRAINTS = 'The overall deployment failed because too many individual instances failed deployment, too few healthy instances are available for deployment, or some instances in your deployment group are experiencing problems.';

/** A CodeDeploy deployment of the input artifact: checks the revision as the agent would, puts its files where the instances would serve them. */
async function codeDeploy(context: ActionContext): Promise<ActionOutcome> {
  const { action, actionIds, inputs, files, toolchain } = context;
  const { ApplicationName: application, DeploymentGroupName: deploymentGroup } = action.configuration;
  const group = toolchain.deploymentGroups.find((candidate) => candidate.application === application && candidate.deploymentGroup === deploymentGroup);
  if (!group) throw new ExecutionFailed(`the toolchain has no CodeDeploy deployment group ${application}/${deploymentGroup}`);
  const [input] = inputs;
  if (!input) throw new ExecutionFailed(`${action.name} has no input artifact`);
  // https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentInfo.html: d- and nine characters
  const deploymentId = `d-${Array.from({ length: 9 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[randomInt(36)]).join('')}`;
  const ids = { application: group.application, deploymentGroup: group.deploymentGroup, deploymentId, instanceGroupId: randomUUID() };
  const createTime = new Date();
  const record = (state: Partial<RecordedDeployment>) => appendLine(files.deployments, { deploymentId, application: ids.application, deploymentGroup: ids.deploymentGroup, createTime: createTime.toISOString(), status: 'InProgress', ...state } satisfies RecordedDeployment);
  await record({});
  // ListActionExecutions names the deployment as soon as CodePipeline created it, before CodeDeploy's first event
  await context.recordAction(actionIds, 'InProgress', deploymentId);
  const tag = `CodeDeploy ${deploymentId}`;
  context.log(`${tag}: ${ids.application}/${ids.deploymentGroup} (${group.deploymentConfig}) to the instances tagged ${group.instanceTags.join(', ')}`);
  await context.emit([deploymentStateEvent(ids, 'START', createTime)]);

  const revision = mkdtempSync(join(tmpdir(), 'rc-codedeploy-'));
  let problem: string | undefined;
  let installed: string[] = [];
  try {
    // ApplicationStop, DownloadBundle, BeforeInstall: the agent fetches the revision and reads its appspec
    await fetchArtifact(input, revision, files);
    await context.pause(2);
    const appspec = readAppspec(revision);
    // Install, AfterInstall, ApplicationStart, ValidateService: the files go to their destinations; the hooks are not run here
    await context.pause(2);
    installed = group.instanceTags.flatMap((tag) => installFiles(revision, appspec, join(files.instances, tag)));
  } catch (error) {
    problem = (error as Error).message;
  } finally {
    rmSync(revision, { recursive: true, force: true });
  }
  const completeTime = new Date();
  const errorInformation = problem ? { code: 'HEALTH_CONSTRAINTS', message: HEALTH_CONSTRAINTS } : undefined;
  await record({ status: problem ? 'Failed' : 'Succeeded', completeTime: completeTime.toISOString(), errorInformation });
  context.log(problem ? `${tag}: FAILURE: ${problem}` : `${tag}: SUCCESS: ${installed.map((path) => relative(files.instances, path)).join(', ')} (appspec hooks not run locally)`);
  await context.emit([deploymentStateEvent(ids, problem ? 'FAILURE' : 'SUCCESS', completeTime)]);
  const result = { externalExecutionId: deploymentId, externalExecutionUrl: `https://${LOCAL_REGION}.console.aws.amazon.com/codedeploy/home?#/deployments/${deploymentId}` };
  if (problem) return { state: 'FAILED', result: { ...result, summary: `Deployment ${deploymentId} failed`, errorCode: 'JobFailed' }, outputs: [] };
  return { state: 'SUCCEEDED', result: { ...result, summary: `Deployment ${deploymentId} succeeded` }, outputs: [] };
}

interface Appspec {
  files: { source: string; destination: string }[];
  hooks: Record<string, { location: string }[]>;
}

/** The revision's appspec.yml, checked as the agent would before running anything: every file and hook script it names exists. */
function readAppspec(revision: string): Appspec {
  const file = ['appspec.yml', 'appspec.yaml'].map((name) => join(revision, name)).find((path) => existsSync(path));
  if (!file) throw new Error('the revision has no appspec.yml at its root');
  const appspec = parse(readFileSync(file, 'utf8')) as Partial<Appspec> & { version?: unknown; os?: unknown };
  if (appspec?.os !== 'linux' && appspec?.os !== 'windows') throw new Error('appspec.yml: os must be linux or windows');
  const files = appspec.files ?? [];
  const hooks = appspec.hooks ?? {};
  for (const { source } of files) if (!existsSync(join(revision, source))) throw new Error(`appspec.yml: files: ${source} is not in the revision`);
  for (const [hook, scripts] of Object.entries(hooks)) for (const { location } of scripts) if (!existsSync(join(revision, location))) throw new Error(`appspec.yml: hooks.${hook}: ${location} is not in the revision`);
  return { files, hooks };
}

/** Copies the appspec's files under the instance's folder, as the Install lifecycle event does on the instance. */
function installFiles(revision: string, appspec: Appspec, instanceRoot: string): string[] {
  return appspec.files.map(({ source, destination }) => {
    const from = join(revision, source);
    const to = statSync(from).isDirectory() ? join(instanceRoot, destination) : join(instanceRoot, destination, source.split('/').at(-1)!);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true });
    return to;
  });
}

/** Puts an artifact's files in `dir`: a source commit by `git archive` from the local repository, a build's output by copying. */
async function fetchArtifact(artifact: StoredArtifact, dir: string, files: ReturnType<typeof runnerFiles>): Promise<void> {
  if ('dir' in artifact) {
    cpSync(artifact.dir, dir, { recursive: true });
    return;
  }
  const archive = join(mkdtempSync(join(tmpdir(), 'rc-source-')), 'source.tar');
  try {
    await git('git', ['--git-dir', join(files.gitRepositories, `${artifact.commit.repository}.git`), 'archive', '--format=tar', '-o', archive, artifact.commit.commitId]);
    await git('tar', ['-xf', archive, '-C', dir]);
  } finally {
    rmSync(dirname(archive), { recursive: true, force: true });
  }
}

/** `#{SourceVariables.CommitId}`, `#{variables.BRANCH}`: CodePipeline's variable references, from what is known so far. */
export function resolveVariables(value: string, variables: Record<string, Record<string, string>>): string {
  return value.replace(/#\{([\w-]+)\.([\w-]+)\}/g, (reference, namespace: string, name: string) => variables[namespace]?.[name] ?? reference);
}

// CodePipeline writes an artifact in its artifact store under <pipeline name, 20 characters>/<artifact name, 10 characters>/<random>
function artifactLocation(definition: PipelineDefinition, name: string): Artifact {
  const key = `${definition.name.slice(0, 20)}/${name.slice(0, 10)}/${randomUUID().replace(/-/g, '').slice(0, 7)}`;
  return { name, s3location: { bucket: definition.artifactBucket, key } };
}
const artifactRef = ({ name, s3location }: Artifact): Artifact => ({ name, s3location });
const s3Arn = ({ s3location }: Artifact) => `arn:aws:s3:::${s3location.bucket}/${s3location.key}`;
const commitUrl = (repository: string, commitId: string) => `https://${LOCAL_REGION}.console.aws.amazon.com/codesuite/codecommit/repositories/${repository}/commit/${commitId}?region=${LOCAL_REGION}`;

/** Who called StartPipelineExecution: on-push for a push, on-pipeline for a promotion (their roles, as the trigger names them). */
function callerArn(start: RecordedStart): string {
  const fn = start.context.reason.startsWith('promoted') ? 'on-pipeline' : 'on-push';
  return `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/release-conductor-local-${fn}-${LOCAL_REGION}-lambdaRole/release-conductor-local-${fn}`;
}

async function nextSecond(after: Date | undefined): Promise<Date> {
  const now = new Date();
  if (!after || Math.floor(now.getTime() / 1000) > Math.floor(after.getTime() / 1000)) return now;
  await new Promise((resolve) => setTimeout(resolve, 1000 - (now.getTime() % 1000) + 5));
  return new Date();
}

async function appendLine(file: string, line: object): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

export interface PipelineRunner {
  /** Every execution it ran, in the order they ended. */
  results(): ExecutionResult[];
  /** How long no execution has run and no start come, in ms (0 while one runs). New starts are looked for every 200 ms. */
  idleMs(): number;
  /** Resolves once it has been idle for `quietMs`. */
  settled(quietMs?: number): Promise<void>;
  /** Runs no new start; an execution still running ends, or breaks off once the bus is gone. */
  stop(): Promise<void>;
}

/**
 * Watches the recorded starts and runs each new one (not those recorded before it started); the
 * executions of one pipeline one after another, of different pipelines side by side. `accept`
 * narrows which starts it runs (a test runs only its own).
 */
export function startPipelineRunner(options: RunnerOptions & { accept?: (start: RecordedStart) => boolean; pollMs?: number }): PipelineRunner {
  const toolchain = options.toolchain ?? readToolchain();
  const startsFile = localFiles(options.localDir).pipelineStarts;
  const log = options.log ?? (() => undefined);
  const seen = new Set<string>();
  const queues = new Map<string, Promise<void>>();
  const results: ExecutionResult[] = [];
  let running = 0;
  let lastActivity = Date.now();
  let lastSize = -1;
  let stopped = false;
  let polling: Promise<void> = Promise.resolve();

  // what was recorded before the runner started is not its to run: read at once, before a push can record more
  for (const start of parseJsonLines<RecordedStart>(existsSync(startsFile) ? readFileSync(startsFile, 'utf8') : '')) seen.add(start.executionId);

  const poll = async () => {
    const size = existsSync(startsFile) ? statSync(startsFile).size : 0;
    if (size === lastSize) return;
    lastSize = size;
    for (const start of await readJsonLines<RecordedStart>(startsFile)) {
      if (seen.has(start.executionId)) continue;
      // a retried start has the same id: CodePipeline runs a client request token once
      seen.add(start.executionId);
      if (stopped || !(options.accept?.(start) ?? true)) continue;
      running += 1;
      lastActivity = Date.now();
      const previous = queues.get(start.pipeline) ?? Promise.resolve();
      const run = previous.then(async () => {
        try {
          if (!stopped) results.push(await runExecution(start, { ...options, toolchain }));
        } catch (error) {
          log(`CodePipeline ${start.pipeline} ${start.executionId.slice(0, 8)}: the local run broke off: ${(error as Error).message}`);
        } finally {
          running -= 1;
          lastActivity = Date.now();
        }
      });
      queues.set(start.pipeline, run);
    }
  };
  const timer = setInterval(() => {
    polling = polling.then(() => poll()).catch((error: Error) => log(`CodePipeline: cannot read ${startsFile}: ${error.message}`));
  }, options.pollMs ?? 200);

  return {
    results: () => [...results],
    idleMs: () => (running > 0 ? 0 : Date.now() - lastActivity),
    async settled(quietMs = 1500) {
      while (running > 0 || Date.now() - lastActivity < quietMs) await new Promise((resolve) => setTimeout(resolve, 100));
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await polling;
    },
  };
}
