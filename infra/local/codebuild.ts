// A laptop CodeBuild: runs a build the way codebuild-demo-project would, phase by phase, and tells
// EventBridge what CodeBuild would (build state and phase changes). The buildspec's commands really
// run, with bash, in a temporary folder holding the source; a failing command fails its phase and
// the build. https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { buildArn, buildPhaseEvent, buildStateEvent, type BuildFacts, type BuildPhase } from './aws-events';
import { LOCAL_REGION } from './endpoints';
import type { BuildProjectDefinition } from './toolchain-pipelines';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

export interface BuildRequest {
  project: BuildProjectDefinition;
  buildId: string;
  /** Who started it: `codepipeline/<pipeline>` for a pipeline's build. */
  initiator: string;
  source: { type: string; location: string };
  /** Puts the source in the build's folder (DOWNLOAD_SOURCE). */
  downloadSource(dir: string): Promise<void>;
  /** The environment variables the start overrides (a pipeline action's EnvironmentVariables). */
  environmentVariables: { name: string; value: string; type: string }[];
  /** Where the artifact's files go, and its location as the events name it. */
  artifact?: { dir: string; location: string };
  /** The build's log (CloudWatch Logs in AWS). */
  logFile: string;
}

export interface BuildOutcome {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  phases: BuildPhase[];
  /** The phase that failed and CodeBuild's words for why. */
  failure?: { phase: string; message: string };
}

export interface BuildDeps {
  emit(entries: PutEventsRequestEntry[]): Promise<void>;
  /** Waits `steps` of the runner's pace: what a phase with no local work (provisioning, uploading) takes. */
  pause(steps: number): Promise<void>;
  /** A line for the person watching: each command as it runs, each phase as it ends. */
  log(text: string): void;
}

interface Buildspec {
  variables: Record<string, string>;
  phases: Record<string, { commands: string[]; finally: string[]; continueOnFailure: boolean }>;
  artifacts?: { files: string[]; baseDirectory?: string; discardPaths: boolean };
}

const COMMAND_PHASES = ['install', 'pre_build', 'build', 'post_build'] as const;
const FAILED = new Set(['FAILED', 'CLIENT_ERROR', 'TIMED_OUT', 'FAULT']);

class BuildspecError extends Error {}

/** The parts of a buildspec (version 0.2) a local build honours: env.variables, the four phases' commands, finally and on-failure, and artifacts. */
export function parseBuildspec(text: string): Buildspec {
  let document: Record<string, unknown>;
  try {
    document = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new BuildspecError(`YAML_FILE_ERROR: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof document !== 'object' || document === null) throw new BuildspecError('YAML_FILE_ERROR: the buildspec is not a YAML mapping');
  if (String(document.version) !== '0.2') throw new BuildspecError(`YAML_FILE_ERROR: version ${String(document.version)} is not supported by the local build, only 0.2`);
  const commandList = (value: unknown, where: string): string[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((command) => typeof command !== 'string')) throw new BuildspecError(`YAML_FILE_ERROR: ${where} must be a list of commands`);
    return value as string[];
  };
  const env = (document.env ?? {}) as Record<string, unknown>;
  const variables = Object.fromEntries(Object.entries((env.variables ?? {}) as Record<string, unknown>).map(([name, value]) => [name, String(value)]));
  const phases = Object.fromEntries(
    COMMAND_PHASES.map((name) => {
      const phase = ((document.phases ?? {}) as Record<string, Record<string, unknown> | undefined>)[name] ?? {};
      return [name, { commands: commandList(phase.commands, `phases.${name}.commands`), finally: commandList(phase.finally, `phases.${name}.finally`), continueOnFailure: phase['on-failure'] === 'CONTINUE' }];
    }),
  );
  const artifacts = document.artifacts as Record<string, unknown> | undefined;
  return {
    variables,
    phases,
    artifacts: artifacts && {
      files: commandList(artifacts.files, 'artifacts.files'),
      baseDirectory: artifacts['base-directory'] as string | undefined,
      discardPaths: artifacts['discard-paths'] === 'yes' || artifacts['discard-paths'] === true,
    },
  };
}

/** Runs the build: SUBMITTED, PROVISIONING, DOWNLOAD_SOURCE, the buildspec's phases, UPLOAD_ARTIFACTS, FINALIZING; an event as each ends. */
export async function runBuild(request: BuildRequest, deps: BuildDeps): Promise<BuildOutcome> {
  const { project, buildId } = request;
  const startTime = new Date();
  const deadline = startTime.getTime() + project.timeoutInMinutes * 60_000;
  const facts: BuildFacts = {
    project: project.name,
    buildId,
    initiator: request.initiator,
    startTime,
    image: project.image,
    computeType: project.computeType,
    environmentType: project.environmentType,
    environmentVariables: request.environmentVariables,
    timeoutInMinutes: project.timeoutInMinutes,
    source: request.source,
    artifact: { location: request.artifact?.location ?? '' },
    logGroup: project.logGroup,
    phases: [{ type: 'SUBMITTED', start: startTime, contexts: [] }],
  };
  mkdirSync(dirname(request.logFile), { recursive: true });
  const log = (text: string) => appendFileSync(request.logFile, `[Container] ${containerTime(new Date())} ${text}\n`);
  await deps.emit([buildStateEvent(facts, 'IN_PROGRESS', startTime)]);

  let phase = facts.phases[0]!;
  const end = async (status: string, contexts: string[] = []) => {
    Object.assign(phase, { end: new Date(), status, contexts });
    log(`Phase complete: ${phase.type} State: ${status}`);
    if (status !== 'SUCCEEDED') deps.log(`${phase.type} ${status}${contexts.length > 0 ? `: ${contexts.join('; ')}` : ''}`);
    for (const context of contexts) log(`Phase context status code: ${context.replace(/: /, ' Message: ')}`);
    await deps.emit([buildPhaseEvent(facts, phase, phase.end!)]);
  };
  const begin = (type: string) => {
    facts.phases.push((phase = { type, start: new Date(), contexts: [] }));
    log(`Entering phase ${type}`);
  };

  await end('SUCCEEDED');
  begin('PROVISIONING');
  await deps.pause(2);
  await end('SUCCEEDED');

  begin('DOWNLOAD_SOURCE');
  const workDir = mkdtempSync(join(tmpdir(), 'rc-codebuild-'));
  const srcDir = join(workDir, 'src');
  let buildspec: Buildspec | undefined;
  try {
    mkdirSync(srcDir);
    await request.downloadSource(srcDir);
    const file = project.buildspec.includes('\n') ? undefined : join(srcDir, project.buildspec);
    if (file && !existsSync(file)) throw new BuildspecError(`YAML_FILE_ERROR: stat ${file}: no such file or directory`);
    buildspec = parseBuildspec(file ? readFileSync(file, 'utf8') : project.buildspec);
    await deps.pause(2);
    await end('SUCCEEDED');
  } catch (error) {
    await end('FAILED', [error instanceof BuildspecError ? error.message : `CLIENT_ERROR: ${(error as Error).message}`]);
  }

  let timedOut = false;
  if (buildspec) {
    const shell = { env: join(workDir, 'shell-env'), cwd: join(workDir, 'shell-cwd') };
    writeFileSync(shell.cwd, srcDir);
    const environment: Record<string, string> = {
      // only what a build container has, never the stack's own environment (its AWS credentials)
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? workDir,
      LANG: 'C.UTF-8',
      ...buildspec.variables,
      ...Object.fromEntries(request.environmentVariables.map(({ name, value }) => [name, value])),
      // https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      CODEBUILD_BUILD_ID: buildId,
      CODEBUILD_BUILD_ARN: buildArn(buildId),
      CODEBUILD_BUILD_IMAGE: project.image,
      CODEBUILD_INITIATOR: request.initiator,
      CODEBUILD_SRC_DIR: srcDir,
      CODEBUILD_SOURCE_VERSION: request.source.location,
      CODEBUILD_START_TIME: String(startTime.getTime()),
    };
    let skipToFinalizing = false;
    for (const name of COMMAND_PHASES) {
      begin(name.toUpperCase());
      const { commands, finally: finallyCommands, continueOnFailure } = buildspec.phases[name]!;
      const run = (command: string) => {
        const succeeding = facts.phases.some((known) => FAILED.has(known.status ?? '')) ? '0' : '1';
        deps.log(`$ ${command}`);
        return runCommand(command, { ...environment, CODEBUILD_BUILD_SUCCEEDING: succeeding }, shell, request.logFile, deadline);
      };
      let failure: string | undefined;
      for (const command of commands) {
        const result = await run(command);
        if (result === 0) continue;
        timedOut = result === 'timeout';
        failure = timedOut ? 'BUILD_TIMED_OUT: Build has timed out.' : commandFailure(command, result);
        break;
      }
      // finally runs after the commands, whether they failed or not
      for (const command of timedOut ? [] : finallyCommands) {
        const result = await run(command);
        if (result === 0) continue;
        timedOut = result === 'timeout';
        failure ??= timedOut ? 'BUILD_TIMED_OUT: Build has timed out.' : commandFailure(command, result);
        break;
      }
      await end(timedOut ? 'TIMED_OUT' : failure ? 'FAILED' : 'SUCCEEDED', failure ? [failure] : []);
      // a failed INSTALL or PRE_BUILD goes to FINALIZING (unless on-failure: CONTINUE); POST_BUILD runs after a failed BUILD
      if (timedOut || (failure && (name === 'install' || name === 'pre_build') && !continueOnFailure)) {
        skipToFinalizing = true;
        break;
      }
    }

    if (!skipToFinalizing) {
      // "The UPLOAD_ARTIFACTS phase is always attempted, even if the BUILD phase fails."
      begin('UPLOAD_ARTIFACTS');
      await deps.pause(1);
      const uploaded = request.artifact && buildspec.artifacts ? uploadArtifacts(srcDir, buildspec.artifacts, request.artifact.dir) : undefined;
      if (uploaded === 0) await end('CLIENT_ERROR', ['CLIENT_ERROR: no matching artifact paths found']);
      else {
        if (uploaded !== undefined && request.artifact) facts.artifact = { location: request.artifact.location, ...checksums(request.artifact.dir) };
        await end('SUCCEEDED');
      }
    }
  }

  begin('FINALIZING');
  rmSync(workDir, { recursive: true, force: true });
  await deps.pause(1);
  await end('SUCCEEDED');
  facts.phases.push({ type: 'COMPLETED', start: new Date(), contexts: [] });
  const failed = facts.phases.find((known) => FAILED.has(known.status ?? ''));
  const status = timedOut ? 'TIMED_OUT' : failed ? 'FAILED' : 'SUCCEEDED';
  log(`Build ${status}`);
  deps.log(status);
  await deps.emit([buildStateEvent(facts, status, new Date())]);
  return { status, phases: facts.phases, failure: failed && { phase: failed.type, message: failed.contexts.join('; ') || failed.status! } };
}

/** One buildspec command, in bash, in the build's folder; exported variables and the working directory carry to the next command as in CodeBuild's one shell. */
function runCommand(command: string, env: Record<string, string>, shell: { env: string; cwd: string }, logFile: string, deadline: number): Promise<number | 'timeout'> {
  appendFileSync(logFile, `[Container] ${containerTime(new Date())} Running command ${command}\n`);
  const script = [
    '__rc_command=$RC_COMMAND; __rc_succeeding=$CODEBUILD_BUILD_SUCCEEDING',
    '[ -s "$RC_SHELL_ENV" ] && . "$RC_SHELL_ENV"',
    'export CODEBUILD_BUILD_SUCCEEDING=$__rc_succeeding; unset RC_COMMAND',
    'trap \'export -p > "$RC_SHELL_ENV"; pwd > "$RC_SHELL_CWD"\' EXIT',
    'cd "$(cat "$RC_SHELL_CWD")" || exit 1',
    'eval "$__rc_command"',
  ].join('\n');
  const output = openSync(logFile, 'a');
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', script], {
      env: { ...env, RC_COMMAND: command, RC_SHELL_ENV: shell.env, RC_SHELL_CWD: shell.cwd },
      stdio: ['ignore', output, output],
      detached: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, Math.max(deadline - Date.now(), 0));
    child.on('close', (code) => {
      clearTimeout(timer);
      closeSync(output);
      if (code !== 0 && !timedOut) appendFileSync(logFile, `[Container] ${containerTime(new Date())} Command did not exit successfully ${command} exit status ${code ?? 1}\n`);
      resolve(timedOut ? 'timeout' : (code ?? 1));
    });
  });
}

const commandFailure = (command: string, status: number | string) => `COMMAND_EXECUTION_ERROR: Error while executing command: ${command}. Reason: exit status ${status}`;

/** Copies the files the buildspec's artifacts name to `outputDir`; returns how many. */
function uploadArtifacts(srcDir: string, artifacts: NonNullable<Buildspec['artifacts']>, outputDir: string): number {
  const base = artifacts.baseDirectory ? join(srcDir, artifacts.baseDirectory) : srcDir;
  if (!existsSync(base)) return 0;
  const matches = picomatch(artifacts.files, { dot: true });
  const files = listFiles(base).filter((file) => matches(file));
  for (const file of files) {
    const target = join(outputDir, artifacts.discardPaths ? posix.basename(file) : file);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(base, file), target);
  }
  return files.length;
}

function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path, root);
    return entry.isFile() ? [relative(root, path).split(sep).join('/')] : [];
  });
}

/** Checksums of the artifact's files (CodeBuild's are of the zip it uploads). */
function checksums(dir: string) {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  for (const file of listFiles(dir).sort()) {
    for (const hash of [md5, sha256]) hash.update(file).update('\0').update(readFileSync(join(dir, file)));
  }
  return { md5sum: md5.digest('hex'), sha256sum: sha256.digest('hex') };
}

// CodeBuild's log lines: `[Container] 2026/11/30 15:16:40.123456 Running command ...`
function containerTime(date: Date): string {
  return `${date.toISOString().slice(0, 10).replace(/-/g, '/')} ${date.toISOString().slice(11, 23)}000`;
}
