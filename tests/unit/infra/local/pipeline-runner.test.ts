import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { buildReport } from '../../../../functions/on-build/build-report';
import { runBuild } from '../../../../infra/local/codebuild';
import { resolveVariables, runExecution, runnerFiles, startPipelineRunner, type ExecutionResult } from '../../../../infra/local/pipeline-runner';
import { readToolchain } from '../../../../infra/local/toolchain-pipelines';
import { readToolchainTemplate } from '../../../../infra/toolchain/template';
import { CodeBuildStateEvent, CodeDeployStateEvent, CodePipelineEvent, describeIssues } from '../../../../shared/events';
import { shortBuildId } from '../../../../shared/build-id';
import { recordedDeployments } from '../../../../shared/local/recorded-deployments';
import { recordedPipelines, type RecordedStart } from '../../../../shared/local/recorded-pipelines';
import { sample } from '../../../support/samples';

// The laptop's CodePipeline (infra/local/pipeline-runner.ts) runs the toolchain's own pipelines on a
// local bare repository and must say what AWS would, in AWS's shapes, with ids that tie together.

const DEMO_APP = join(__dirname, '..', '..', '..', '..', 'scripts', 'demo-app');
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Mina Kim', '-c', 'user.email=mina@example.com', ...args], { cwd, encoding: 'utf8' }).trim();

type Event = { source: string; 'detail-type': string; detail: Record<string, any>; resources: string[]; time: string };

/** What the local bus delivers for an entry: the envelope EventBridge adds around it. */
const delivered = (entry: PutEventsRequestEntry, index: number): Event & Record<string, unknown> => ({
  version: '0',
  id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  'detail-type': entry.DetailType!,
  source: entry.Source!,
  account: '000000000000',
  time: (entry.Time as Date).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: entry.Resources!,
  detail: JSON.parse(entry.Detail!),
});

/** Every key path of a value (`a.b`, `list[].c`), array items merged. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((item) => keyPaths(item, `${prefix}[]`)))];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...keyPaths(child, path)];
  });
}
const sorted = (paths: string[]) => [...new Set(paths)].sort();
const without = (paths: string[], ...removed: string[]) => paths.filter((path) => !removed.some((prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[]`)));
const OUTPUT_ARTIFACTS = ['output-artifacts', 'output-artifacts[].name', 'output-artifacts[].s3location', 'output-artifacts[].s3location.bucket', 'output-artifacts[].s3location.key'];
const ENVIRONMENT_VARIABLE = ['name', 'value', 'type'].map((key) => `additional-information.environment.environment-variables[].${key}`);
// https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html: the phase change example's fields
// (there is no such sample in events/samples: no rule of ours subscribes to phase changes)
const PHASE_CHANGE = ['completed-phase', 'project-name', 'build-id', 'completed-phase-context', 'completed-phase-status', 'completed-phase-duration-seconds', 'version', 'completed-phase-start', 'completed-phase-end'];

/**
 * The key paths an event of this kind and state has in events/samples (AWS's documented examples),
 * and the documented differences: a source action reads no artifact; an action that writes one
 * lists it when it succeeds (AWS's SUCCEEDED example, a source action); a build's environment
 * variables (the pipeline's, CodeBuild's name/value/type); no artifact checksums before the artifact exists.
 */
function documentedKeys(event: Event): string[] {
  const { detail } = event;
  const detailOf = (file: string) => keyPaths(sample<Event>(file).detail);
  switch (event['detail-type']) {
    case 'CodePipeline Pipeline Execution State Change':
      return detailOf(`codepipeline/pipeline-${detail.state.toLowerCase()}.json`);
    case 'CodePipeline Stage Execution State Change':
      return detailOf('codepipeline/stage-started.json');
    case 'CodePipeline Action Execution State Change': {
      if (detail.state === 'STARTED') {
        const keys = detailOf('codepipeline/action-started.json');
        return detail.type.category === 'Source' ? without(keys, 'input-artifacts') : keys;
      }
      const keys = detailOf(`codepipeline/action-${detail.state.toLowerCase()}.json`);
      return detail.state === 'SUCCEEDED' && detail.type.category !== 'Deploy' ? [...keys, ...OUTPUT_ARTIFACTS] : keys;
    }
    case 'CodeBuild Build State Change': {
      if (detail['build-status'] === 'IN_PROGRESS') return [...without(detailOf('codebuild/build-in-progress.json'), 'additional-information.artifact.md5sum', 'additional-information.artifact.sha256sum'), ...ENVIRONMENT_VARIABLE];
      return [...detailOf(`codebuild/build-${detail['build-status'].toLowerCase()}.json`), ...ENVIRONMENT_VARIABLE];
    }
    case 'CodeBuild Build Phase Change': {
      const information = keyPaths({ 'additional-information': detail['additional-information'] });
      return [...PHASE_CHANGE, ...information];
    }
    case 'CodeDeploy Deployment State-change Notification':
      return detailOf(`codedeploy/deployment-${({ START: 'start', SUCCESS: 'success', FAILURE: 'failure' } as Record<string, string>)[detail.state]}.json`);
    default:
      throw new Error(`unexpected event ${event['detail-type']}`);
  }
}

const SCHEMA = { 'aws.codepipeline': CodePipelineEvent, 'aws.codebuild': CodeBuildStateEvent, 'aws.codedeploy': CodeDeployStateEvent } as const;

/** One line per event, for the order: `<source> <what> <state>`. */
function step({ source, 'detail-type': type, detail }: Event): string {
  if (source === 'aws.codepipeline') return `pipeline ${[detail.stage, detail.action].filter(Boolean).join('/') || detail.pipeline} ${detail.state}`;
  if (type === 'CodeBuild Build Phase Change') return `build phase ${detail['completed-phase']} ${detail['completed-phase-status']}`;
  if (source === 'aws.codebuild') return `build ${detail['build-status']}`;
  return `deployment ${detail.state}`;
}

describe('the local pipeline runner', () => {
  const localDir = mkdtempSync(join(tmpdir(), 'rc-runner-'));
  const files = runnerFiles(localDir);
  const work = join(localDir, 'work');
  const bare = join(files.gitRepositories, 'MyDemoRepo.git');

  beforeAll(() => {
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    cpSync(DEMO_APP, work, { recursive: true });
    git(work, 'init', '--quiet', '--initial-branch=main');
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', 'Add sample application files');
    git(work, 'push', '--quiet', bare, 'main');
  });

  const startOf = (pipeline: string, commitId: string, executionId: string): RecordedStart => ({
    pipeline,
    executionId,
    clientRequestToken: executionId,
    variables: [{ name: 'BRANCH', value: 'main' }, { name: 'COMMIT_ID', value: commitId }],
    sourceRevision: { actionName: 'Source', commitId },
    context: { repository: 'MyDemoRepo', branch: 'main', commitId, reason: 'pushed to main' },
    recordedAt: new Date().toISOString(),
  });

  async function run(start: RecordedStart): Promise<{ result: ExecutionResult; events: Event[] }> {
    const entries: PutEventsRequestEntry[] = [];
    const result = await runExecution(start, { localDir, emit: async (batch) => void entries.push(...batch), stepMs: 0 });
    return { result, events: entries.map(delivered) };
  }

  it('runs a start recorded the moment after it started, and none recorded before', async () => {
    const commitId = git(work, 'rev-parse', 'HEAD');
    mkdirSync(localDir, { recursive: true });
    appendFileSync(files.pipelineStarts, `${JSON.stringify(startOf('MyFirstPipeline', commitId, 'before-the-runner'))}\n`);
    const runner = startPipelineRunner({ localDir, emit: async () => undefined, stepMs: 0, pollMs: 20 });
    try {
      // recorded before the runner could read the file: a push answered while the test's process was busy
      appendFileSync(files.pipelineStarts, `${JSON.stringify(startOf('MyFirstPipeline', commitId, 'after-the-runner'))}\n`);
      for (const deadline = Date.now() + 10_000; runner.results().length === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
      await runner.settled(300);
      expect(runner.results().map((result) => result.executionId)).toEqual(['after-the-runner']);
    } finally {
      await runner.stop();
    }
  });

  it("reads the pipelines' stages and actions from the toolchain template, names resolved", () => {
    const toolchain = readToolchain();
    const template = readToolchainTemplate();
    const declared = (logicalId: string) => (template.Resources[logicalId]!.Properties!.Stages as { Name: string; Actions: { Name: string }[] }[]).map((stage) => [stage.Name, stage.Actions.map((action) => action.Name)]);
    const read = (name: string) => toolchain.pipelines.get(name)!.stages.map((stage) => [stage.name, stage.actions.map((action) => action.name)]);
    expect(read('MyFirstPipeline')).toEqual(declared('MyFirstPipeline'));
    expect(read('feature-preview')).toEqual(declared('FeaturePreviewPipeline'));
    const [source, build, deploy] = toolchain.pipelines.get('MyFirstPipeline')!.stages.map((stage) => stage.actions[0]!);
    expect(source).toMatchObject({ provider: 'CodeCommit', configuration: { RepositoryName: 'MyDemoRepo', BranchName: 'main' }, namespace: 'SourceVariables', outputArtifacts: ['SourceOutput'] });
    expect(build).toMatchObject({ provider: 'CodeBuild', configuration: { ProjectName: 'codebuild-demo-project' }, inputArtifacts: ['SourceOutput'] });
    expect(deploy).toMatchObject({ provider: 'CodeDeploy', configuration: { ApplicationName: 'MyDemoApplication', DeploymentGroupName: 'MyDemoDeploymentGroup' } });
    expect(toolchain.buildProjects.get('codebuild-demo-project')).toMatchObject({ buildspec: 'buildspec.yml', image: 'aws/codebuild/amazonlinux-x86_64-standard:5.0', timeoutInMinutes: 10, logGroup: '/aws/codebuild/codebuild-demo-project' });
    expect(resolveVariables('#{SourceVariables.CommitId} #{variables.BRANCH} #{other.X}', { SourceVariables: { CommitId: 'abc' }, variables: { BRANCH: 'main' } })).toBe('abc main #{other.X}');
  });

  it('runs MyFirstPipeline on the pushed commit: Source, Build with the buildspec, Deploy, every event in the shape AWS documents and tied by its ids', async () => {
    const commitId = git(work, 'rev-parse', 'HEAD');
    const executionId = '3f2c9a4e-1b7d-4c2a-9e8f-0a1b2c3d4e5f';
    const { result, events } = await run(startOf('MyFirstPipeline', commitId, executionId));

    expect(result).toMatchObject({ status: 'SUCCEEDED', commitId });
    expect(events.map(step)).toEqual([
      'pipeline MyFirstPipeline STARTED',
      'pipeline Source STARTED',
      'pipeline Source/Source STARTED',
      'pipeline Source/Source SUCCEEDED',
      'pipeline Source SUCCEEDED',
      'pipeline Build STARTED',
      'pipeline Build/Build STARTED',
      'build IN_PROGRESS',
      ...['SUBMITTED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING'].map((phase) => `build phase ${phase} SUCCEEDED`),
      'build SUCCEEDED',
      'pipeline Build/Build SUCCEEDED',
      'pipeline Build SUCCEEDED',
      'pipeline Deploy STARTED',
      'pipeline Deploy/Deploy STARTED',
      'deployment START',
      'deployment SUCCESS',
      'pipeline Deploy/Deploy SUCCEEDED',
      'pipeline Deploy SUCCEEDED',
      'pipeline MyFirstPipeline SUCCEEDED',
    ]);

    // the fields AWS documents for each, no more and no fewer; and the functions' schemas take each
    for (const event of events) {
      expect({ event: step(event), keys: sorted(keyPaths(event.detail)) }).toEqual({ event: step(event), keys: sorted(documentedKeys(event)) });
      const schema = SCHEMA[event.source as keyof typeof SCHEMA];
      if (event['detail-type'] === 'CodeBuild Build Phase Change') continue;
      const parsed = schema.safeParse(event);
      expect(parsed.success ? [] : describeIssues(parsed.error)).toEqual([]);
    }
    expect(events.find((event) => event.detail['execution-trigger'])!.detail['execution-trigger']).toEqual({ 'trigger-type': 'StartPipelineExecution', 'trigger-detail': expect.stringMatching(/^arn:aws:sts::000000000000:assumed-role\/.*on-push/) });

    // the ids that tie them together
    const pipelineEvents = events.filter((event) => event.source === 'aws.codepipeline');
    expect(new Set(pipelineEvents.map((event) => event.detail['execution-id']))).toEqual(new Set([executionId]));
    const ended = (action: string) => pipelineEvents.find((event) => event.detail.action === action && event.detail.state === 'SUCCEEDED')!.detail['execution-result']['external-execution-id'];
    const build = events.find((event) => event['detail-type'] === 'CodeBuild Build State Change' && event.detail['build-status'] === 'SUCCEEDED')!;
    const deployment = events.find((event) => event.source === 'aws.codedeploy')!;
    expect(ended('Source')).toBe(commitId);
    expect(ended('Build')).toMatch(/^codebuild-demo-project:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(shortBuildId(build.detail['build-id'])).toBe(ended('Build'));
    expect(build.resources).toEqual([build.detail['build-id']]);
    expect(ended('Deploy')).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(deployment.detail).toMatchObject({ deploymentId: ended('Deploy'), application: 'MyDemoApplication', deploymentGroup: 'MyDemoDeploymentGroup' });
    expect(build.detail['additional-information']).toMatchObject({
      initiator: 'codepipeline/MyFirstPipeline',
      environment: { 'environment-variables': [{ name: 'COMMIT_ID', value: commitId, type: 'PLAINTEXT' }, { name: 'BRANCH', value: 'main', type: 'PLAINTEXT' }] },
    });
    const buildAction = pipelineEvents.find((event) => event.detail.action === 'Build' && event.detail.state === 'STARTED')!;
    const sourceAction = pipelineEvents.find((event) => event.detail.action === 'Source' && event.detail.state === 'SUCCEEDED')!;
    expect(buildAction.detail['input-artifacts']).toEqual(sourceAction.detail['output-artifacts']);

    // believable timing: in order, each stage starting in a later second than the one before (EventBridge's times are whole seconds)
    const times = events.map((event) => event.time);
    expect(times).toEqual([...times].sort());
    const stageStarts = pipelineEvents.filter((event) => event['detail-type'] === 'CodePipeline Stage Execution State Change' && event.detail.state === 'STARTED').map((event) => event.time);
    expect(new Set(stageStarts).size).toBe(3);

    // what the local adapters answer on-pipeline and on-deploy with, from what the runner did
    const pipelines = recordedPipelines(files.pipelineStarts, files.pipelineActions);
    expect(await pipelines.actionExecutions('MyFirstPipeline', executionId)).toEqual([
      { stage: 'Source', action: 'Source', externalExecutionId: commitId },
      { stage: 'Build', action: 'Build', externalExecutionId: ended('Build') },
      { stage: 'Deploy', action: 'Deploy', externalExecutionId: ended('Deploy') },
    ]);
    expect(await pipelines.findActionExecution('MyFirstPipeline', ended('Deploy'))).toEqual({ executionId, stage: 'Deploy', action: 'Deploy' });
    expect(await recordedDeployments(files.deployments).outcome(ended('Deploy'), { account: '000000000000', region: 'us-east-1' })).toEqual({ durationSeconds: expect.any(Number), error: undefined });

    // the build ran the buildspec on the commit, and the deployment put its files where the instance serves them
    const served = join(files.instances, 'MyCodePipelineDemo', 'var', 'www', 'html');
    expect(readFileSync(join(served, 'revision.txt'), 'utf8')).toBe(`${commitId} main\n`);
    expect(readFileSync(join(served, 'index.html'), 'utf8')).toBe(readFileSync(join(DEMO_APP, 'index.html'), 'utf8'));
    const log = readFileSync(join(files.buildLogs, 'codebuild-demo-project', `${ended('Build').split(':')[1]}.log`), 'utf8');
    expect(log).toContain("Running command grep -q '</html>' index.html");
  });

  it('fails the build, its stage and the pipeline when a buildspec command fails, and deploys nothing', async () => {
    writeFileSync(join(work, 'index.html'), '<html><body><h1>Broken</h1></body>\n');
    git(work, 'commit', '--quiet', '-am', 'Lose the closing tag');
    const commitId = git(work, 'rev-parse', 'HEAD');
    git(work, 'push', '--quiet', bare, 'main');
    const { result, events } = await run(startOf('MyFirstPipeline', commitId, '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a'));

    const command = "grep -q '</html>' index.html";
    expect(result).toMatchObject({ status: 'FAILED', reason: 'Build/Build: Build terminated with state: FAILED' });
    expect(events.map(step).slice(-8)).toEqual([
      'build phase BUILD FAILED',
      // as CodeBuild does: POST_BUILD and UPLOAD_ARTIFACTS still run after a failed BUILD
      'build phase POST_BUILD SUCCEEDED',
      'build phase UPLOAD_ARTIFACTS SUCCEEDED',
      'build phase FINALIZING SUCCEEDED',
      'build FAILED',
      'pipeline Build/Build FAILED',
      'pipeline Build FAILED',
      'pipeline MyFirstPipeline FAILED',
    ]);
    expect(events.some((event) => event.source === 'aws.codedeploy' || event.detail.stage === 'Deploy')).toBe(false);
    for (const event of events) expect(sorted(keyPaths(event.detail))).toEqual(sorted(documentedKeys(event)));

    // what on-build reads from it: the failing phase and CodeBuild's words for the failing command
    const failed = events.find((event) => event['detail-type'] === 'CodeBuild Build State Change' && event.detail['build-status'] === 'FAILED')!;
    expect(buildReport(CodeBuildStateEvent.parse(failed))).toMatchObject({
      status: 'FAILED',
      pipeline: 'MyFirstPipeline',
      failure: { phase: 'BUILD', message: `COMMAND_EXECUTION_ERROR: Error while executing command: ${command}. Reason: exit status 1` },
    });
    const action = events.find((event) => event.detail.action === 'Build' && event.detail.state === 'FAILED')!;
    expect(action.detail['execution-result']).toMatchObject({ 'external-execution-id': shortBuildId(failed.detail['build-id']), 'error-code': 'JobFailed' });
  });

  it("fails a deployment whose revision has no appspec.yml, with CodeDeploy's error for on-deploy to read", async () => {
    // the walkthrough's own pipeline, Source straight to Deploy: the runner runs whatever stages a template declares
    const toolchain = readToolchain();
    const [source, , deploy] = toolchain.pipelines.get('MyFirstPipeline')!.stages;
    const walkthrough = { ...toolchain.pipelines.get('MyFirstPipeline')!, name: 'Walkthrough', stages: [source!, { ...deploy!, actions: [{ ...deploy!.actions[0]!, inputArtifacts: ['SourceOutput'] }] }] };
    toolchain.pipelines.set('Walkthrough', walkthrough);
    const bareOnly = join(localDir, 'plain');
    execFileSync('git', ['init', '--quiet', '--initial-branch=main', bareOnly]);
    writeFileSync(join(bareOnly, 'index.html'), '<html></html>\n');
    git(bareOnly, 'add', '-A');
    git(bareOnly, 'commit', '--quiet', '-m', 'Only a page');
    git(bareOnly, 'push', '--quiet', '--force', bare, 'main');
    const commitId = git(bareOnly, 'rev-parse', 'HEAD');
    const entries: PutEventsRequestEntry[] = [];
    const start = { ...startOf('Walkthrough', commitId, '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d') };
    const result = await runExecution(start, { localDir, toolchain, emit: async (batch) => void entries.push(...batch), stepMs: 0 });
    const events = entries.map(delivered);

    expect(result).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/^Deploy\/Deploy: Deployment d-[A-Z0-9]{9} failed$/) });
    expect(events.map(step)).toEqual([
      'pipeline Walkthrough STARTED',
      'pipeline Source STARTED',
      'pipeline Source/Source STARTED',
      'pipeline Source/Source SUCCEEDED',
      'pipeline Source SUCCEEDED',
      'pipeline Deploy STARTED',
      'pipeline Deploy/Deploy STARTED',
      'deployment START',
      'deployment FAILURE',
      'pipeline Deploy/Deploy FAILED',
      'pipeline Deploy FAILED',
      'pipeline Walkthrough FAILED',
    ]);
    for (const event of events) expect(sorted(keyPaths(event.detail))).toEqual(sorted(documentedKeys(event)));
    const deploymentId = events.find((event) => event.source === 'aws.codedeploy')!.detail.deploymentId;
    expect(await recordedDeployments(files.deployments).outcome(deploymentId, { account: '000000000000', region: 'us-east-1' })).toEqual({
      durationSeconds: expect.any(Number),
      error: { code: 'HEALTH_CONSTRAINTS', message: expect.stringContaining('The overall deployment failed because too many individual instances failed deployment') },
    });
  });

  it("keeps the shell's exported variables and folder from command to command, runs finally after a failure, and skips to FINALIZING when PRE_BUILD fails", async () => {
    const source = mkdtempSync(join(tmpdir(), 'rc-buildspec-'));
    const buildspec = [
      'version: 0.2',
      'env: { variables: { GREETING: hello } }',
      'phases:',
      '  install: { commands: ["mkdir -p out && cd out", "export WHO=$GREETING-$COMMIT_ID"] }',
      '  pre_build:',
      '    commands: ["echo $WHO > who.txt", "cat who.txt", "pwd", "false", "echo never"]',
      '    finally: ["echo finally > finally.txt"]',
      '  build: { commands: ["echo never"] }',
    ].join('\n');
    writeFileSync(join(source, 'buildspec.yml'), buildspec);
    const project = { ...readToolchain().buildProjects.get('codebuild-demo-project')! };
    const emitted: PutEventsRequestEntry[] = [];
    const outcome = await runBuild(
      {
        project,
        buildId: 'codebuild-demo-project:00000000-0000-4000-8000-000000000001',
        initiator: 'me',
        source: { type: 'S3', location: 'bucket/source.zip' },
        downloadSource: async (dir) => cpSync(source, dir, { recursive: true }),
        environmentVariables: [{ name: 'COMMIT_ID', value: 'abc', type: 'PLAINTEXT' }],
        logFile: join(localDir, 'shell.log'),
      },
      { emit: async (entries) => void emitted.push(...entries), pause: async () => undefined, log: () => undefined },
    );
    expect(outcome.status).toBe('FAILED');
    expect(outcome.failure).toEqual({ phase: 'PRE_BUILD', message: 'COMMAND_EXECUTION_ERROR: Error while executing command: false. Reason: exit status 1' });
    expect(outcome.phases.map((phase) => `${phase.type} ${phase.status ?? ''}`.trim())).toEqual(['SUBMITTED SUCCEEDED', 'PROVISIONING SUCCEEDED', 'DOWNLOAD_SOURCE SUCCEEDED', 'INSTALL SUCCEEDED', 'PRE_BUILD FAILED', 'FINALIZING SUCCEEDED', 'COMPLETED']);
    const log = readFileSync(join(localDir, 'shell.log'), 'utf8');
    // the commands' output is in the build's log
    expect(log).toContain('\nhello-abc\n');
    expect(log).toMatch(/\/src\/out\n/);
    expect(log).toContain('Running command echo finally > finally.txt');
    expect(log).not.toContain('Running command echo never');
  });
});
