/**
 * A generated week of an organization: repositories in many accounts, each with a staging and a
 * production pipeline on `main`, teams owning them, a release policy for them, the pushes, the
 * executions (CodePipeline, CodeBuild, CodeDeploy) and the production alarms, built from the sample
 * events in events/samples (AWS's documented shapes), and the figures the generator knows to be
 * true. What AWS's APIs would answer about it (CodeCommit's commits, ListPipelineExecutions,
 * ListActionExecutions, GetDeployment) goes where the local stage's adapters read it.
 *
 * Pushes come first: on-push starts the pipelines (recorded, a dry run) and so names each
 * execution; `weekEvents` then needs those execution ids (`ExecutionIds`).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../infra/local/endpoints';
import { localFiles } from '../../shared/local/files';
import type { RecordedAction, RecordedExecution } from '../../shared/local/recorded-pipelines';
import type { RecordedDeployment } from '../../shared/local/recorded-deployments';
import { median, seededRandom } from './generated-figures';
import { sample } from './samples';

export interface OrganizationSize {
  accounts: number;
  /** Two per repository: `<repository>-staging` and `<repository>-production`. */
  pipelines: number;
  teams: number;
  days: number;
  /**
   * Pushes to each repository's main a working day (Monday to Friday, 08:00 to 20:00 UTC, at least
   * 3 hours apart), on average: 0.4 is one push on 40 % of the days, 1.5 one or two.
   */
  pushesPerDay: number;
  /** The first day, `YYYY-MM-DD` (UTC). */
  from: string;
  seed?: number;
}

/** Minutes after a deployment in which its production alarm going off is its failure (release-policy.yml `signals.windowMinutes`). */
export const WINDOW_MINUTES = 60;
/** on-pipeline reads at most this many commits of a deployment (functions/on-pipeline/handle.ts). */
const COMMITS_PER_DEPLOYMENT = 30;
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

interface Commit {
  commitId?: string;
  message: string;
  authoredAt: number;
}

/** An AWS account and region: where a repository and its pipelines live, and where their events come from. */
export interface Place {
  account: string;
  region: string;
}

export interface Repository {
  name: string;
  team: string;
  /** Where it and its pipelines live: the central account (the stack's own), or a member account in us-east-1 or eu-west-1. */
  place: Place;
  alarm: string;
  /** Oldest first; the first one was deployed to production before the week. */
  commits: Commit[];
}

export interface Push {
  repository: string;
  at: number;
  /** Indexes into the repository's commits: the head pushed, and the head before it. */
  head: number;
  previous: number;
}

export interface Execution {
  pipeline: string;
  push: Push;
  startedAt: number;
  buildEndedAt: number;
  /** Undefined when the build failed (the deployment never ran). */
  deployEndedAt?: number;
  endedAt: number;
  build: 'SUCCEEDED' | 'FAILED';
  deploy?: 'SUCCESS' | 'FAILURE';
  buildId: string;
  deploymentId: string;
}

export interface Alarm {
  repository: string;
  startedAt: number;
  endedAt: number;
}

export interface OrganizationWeek {
  size: OrganizationSize;
  from: Date;
  to: Date;
  teams: string[];
  repositories: Repository[];
  pushes: Push[];
  executions: Execution[];
  alarms: Alarm[];
  /** release-policy.yml for it. */
  policy: string;
}

const pad = (n: number, width = 3) => String(n).padStart(width, '0');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const cloudWatchTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const uuid = (pick: (from: number, to: number) => number) => {
  const hex = Array.from({ length: 32 }, () => pick(0, 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
const executionKey = (pipeline: string, commitId: string) => `${pipeline} ${commitId}`;

export function generateWeek(size: OrganizationSize): OrganizationWeek {
  const pick = seededRandom(size.seed ?? 20261116);
  const from = new Date(`${size.from}T00:00:00Z`);
  const to = new Date(from.getTime() + size.days * DAY);
  const teams = Array.from({ length: size.teams }, (_, t) => `team-${pad(t + 1, 2)}`);
  const repositories: Repository[] = Array.from({ length: size.pipelines / 2 }, (_, r) => ({
    name: `service-${pad(r + 1)}`,
    team: teams[r % size.teams]!,
    place: placeOf(r % size.accounts),
    alarm: `service-${pad(r + 1)}-5xx`,
    // deployed the day before the week: the week's first deployment brings what came after it
    commits: [{ message: 'Deployed before the week', authoredAt: from.getTime() - DAY - 60 * MINUTE }],
  }));
  const pushes: Push[] = [];
  const executions: Execution[] = [];
  const alarms: Alarm[] = [];

  for (const repository of repositories) {
    for (let day = 0; day < size.days; day += 1) {
      if ([0, 6].includes(new Date(from.getTime() + day * DAY).getUTCDay())) continue;
      let at = from.getTime() + day * DAY + 8 * 60 * MINUTE;
      const whole = Math.floor(size.pushesPerDay);
      for (let n = whole + (pick(1, 1000) <= (size.pushesPerDay - whole) * 1000 ? 1 : 0); n > 0; n -= 1) {
        at += pick(0, 60) * MINUTE;
        if (at > from.getTime() + day * DAY + 20 * 60 * MINUTE) break;
        const previous = repository.commits.length - 1;
        const since = repository.commits[previous]!.authoredAt;
        for (let c = pick(1, 3); c > 0; c -= 1) repository.commits.push({ message: `Change ${repository.commits.length} to ${repository.name}`, authoredAt: since + pick(1, Math.floor((at - since) / MINUTE)) * MINUTE });
        repository.commits.sort((a, b) => a.authoredAt - b.authoredAt);
        const push: Push = { repository: repository.name, at, head: repository.commits.length - 1, previous };
        pushes.push(push);
        for (const stage of ['staging', 'production'] as const) executions.push(execution(`${repository.name}-${stage}`, push, pick));
        // the next push comes after both executions ended
        at += 3 * 60 * MINUTE;
      }
    }
  }

  // production breaks after a fifth of the deployments, before the next one and after the last
  // alarm cleared; an alarm lasts 10 minutes to 4 hours, and deployments made meanwhile are rework
  for (const repository of repositories) {
    const deployed = executions.filter((run) => run.pipeline === `${repository.name}-production` && run.deploy === 'SUCCESS');
    let quietUntil = 0;
    deployed.forEach((deployment, index) => {
      const startedAt = deployment.endedAt + pick(5, WINDOW_MINUTES - 5) * MINUTE;
      const endedAt = startedAt + pick(10, 240) * MINUTE;
      const next = deployed[index + 1];
      if (pick(1, 5) !== 1 || startedAt <= quietUntil || (next && startedAt >= next.endedAt) || endedAt >= to.getTime()) return;
      quietUntil = endedAt;
      alarms.push({ repository: repository.name, startedAt, endedAt });
    });
    // and one alarm no deployment is to blame for: hours after the last one
    const last = deployed.at(-1);
    if (last && last.endedAt + 6 * 60 * MINUTE < to.getTime() && last.endedAt + 5 * 60 * MINUTE > quietUntil) alarms.push({ repository: repository.name, startedAt: last.endedAt + 5 * 60 * MINUTE, endedAt: last.endedAt + 6 * 60 * MINUTE });
  }

  return { size, from, to, teams, repositories, pushes, executions, alarms, policy: policyOf(teams, repositories) };
}

/** Account 0 is the central one; the others are member accounts, every other one in another region. */
function placeOf(account: number): Place {
  if (account === 0) return { account: LOCAL_ACCOUNT, region: LOCAL_REGION };
  return { account: String(111100000000 + account), region: account % 2 ? 'eu-west-1' : LOCAL_REGION };
}

const inCentralAccount = ({ account, region }: Place) => account === LOCAL_ACCOUNT && region === LOCAL_REGION;

function execution(pipeline: string, push: Push, pick: (from: number, to: number) => number): Execution {
  const startedAt = push.at + pick(1, 2) * MINUTE;
  const buildEndedAt = startedAt + pick(3, 15) * MINUTE;
  const build = pick(1, 10) === 1 ? 'FAILED' : 'SUCCEEDED';
  const deployEndedAt = build === 'SUCCEEDED' ? buildEndedAt + pick(2, 20) * MINUTE : undefined;
  const deploy = deployEndedAt === undefined ? undefined : pick(1, 20) === 1 ? 'FAILURE' : 'SUCCESS';
  // https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentInfo.html: d- and nine characters
  const deploymentId = `d-${Array.from({ length: 9 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[pick(0, 35)]).join('')}`;
  return { pipeline, push, startedAt, buildEndedAt, deployEndedAt, endedAt: (deployEndedAt ?? buildEndedAt) + MINUTE, build, deploy, buildId: `${push.repository}-build:${uuid(pick)}`, deploymentId };
}

function policyOf(teams: string[], repositories: Repository[]): string {
  return [
    '# Generated by tests/support/organization-week.ts',
    'teams:',
    ...teams.map((team) => `  ${team}: { slack: { channel: "#${team}" } }`),
    'repositories:',
    ...repositories.flatMap(({ name, team, alarm, place }) => [
      `  ${name}:`,
      `    team: ${team}`,
      ...(inCentralAccount(place) ? [] : [`    account: "${place.account}"`, `    region: ${place.region}`]),
      '    pipelines:',
      `      - { name: ${name}-staging, branches: [main] }`,
      `      - { name: ${name}-production, branches: [main], production: true, signals: { alarms: [${alarm}], windowMinutes: ${WINDOW_MINUTES} } }`,
    ]),
    '',
  ].join('\n');
}

/**
 * The repositories as the local stage's CodeCommit holds them: a bare repository each, its commits
 * made by `git fast-import` with their times, `main` at the last; fills in each commit's id.
 */
export function writeRepositories(week: OrganizationWeek, localDir: string): void {
  const { gitRepositories } = localFiles(localDir);
  for (const repository of week.repositories) {
    const gitDir = join(gitRepositories, `${repository.name}.git`);
    mkdirSync(gitDir, { recursive: true });
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', gitDir]);
    const stream = repository.commits.map(({ message, authoredAt }, index) => {
      const when = `${Math.floor(authoredAt / 1000)} +0000`;
      const data = `${message}\n`;
      const content = `${repository.name} ${index}\n`;
      return [`commit refs/heads/main`, `mark :${index + 1}`, `author Mina Kim <mina@example.com> ${when}`, `committer Mina Kim <mina@example.com> ${when}`, `data ${Buffer.byteLength(data)}`, data + `M 644 inline VERSION`, `data ${Buffer.byteLength(content)}`, content].join('\n');
    });
    execFileSync('git', ['--git-dir', gitDir, 'fast-import', '--quiet', `--export-marks=${join(gitDir, 'marks')}`], { input: stream.join('\n') });
    const marks = execFileSync('git', ['--git-dir', gitDir, 'rev-list', '--reverse', 'main'], { encoding: 'utf8' }).trim().split('\n');
    repository.commits.forEach((commit, index) => (commit.commitId = marks[index]));
  }
}

const commitOf = (week: OrganizationWeek, repository: string, index: number) => week.repositories.find(({ name }) => name === repository)!.commits[index]!.commitId!;

/** An event and the account and region it comes from (the local bus takes them from the caller's credentials). */
export interface SentEvent {
  entry: PutEventsRequestEntry;
  from: Place;
}

const placeOfRepository = (week: OrganizationWeek, name: string) => week.repositories.find((repository) => repository.name === name)!.place;

/** The pushes, as CodeCommit sends them (events/samples/codecommit/reference-updated-branch.json). */
export function pushEvents(week: OrganizationWeek): SentEvent[] {
  return week.pushes.map((push) => {
    const from = placeOfRepository(week, push.repository);
    const event = sample<{ detail: Record<string, unknown>; resources: string[] }>('codecommit/reference-updated-branch.json');
    const detail = { ...event.detail, repositoryName: push.repository, referenceName: 'main', referenceFullName: 'refs/heads/main', commitId: commitOf(week, push.repository, push.head), oldCommitId: commitOf(week, push.repository, push.previous) };
    return { entry: entry('aws.codecommit', 'CodeCommit Repository State Change', push.at, detail, [`arn:aws:codecommit:${from.region}:${from.account}:${push.repository}`]), from };
  });
}

/** Each execution's id, by pipeline and the commit it was started for (on-push's recorded starts). */
export type ExecutionIds = Map<string, string>;

export function executionIds(starts: { pipeline: string; executionId: string; context: { commitId: string } }[]): ExecutionIds {
  return new Map(starts.map((start) => [executionKey(start.pipeline, start.context.commitId), start.executionId]));
}

const idOf = (week: OrganizationWeek, ids: ExecutionIds, run: Execution) => {
  const id = ids.get(executionKey(run.pipeline, commitOf(week, run.push.repository, run.push.head)));
  if (!id) throw new Error(`on-push started no execution of ${run.pipeline} for its push at ${iso(run.push.at)}`);
  return id;
};

function entry(source: string, detailType: string, at: number, detail: unknown, resources: string[]): PutEventsRequestEntry {
  return { Source: source, DetailType: detailType, Time: new Date(at), Detail: JSON.stringify(detail), Resources: resources };
}

/**
 * The executions' and alarms' events: for each execution the pipeline's start, its build action's
 * end with CodeBuild's build event, its deploy action's end with CodeDeploy's deployment event
 * (when the build succeeded), and the pipeline's end; for each alarm its going to ALARM and back to OK.
 */
export function weekEvents(week: OrganizationWeek, ids: ExecutionIds): SentEvent[] {
  const events: SentEvent[] = [];
  for (const run of week.executions) {
    const from = placeOfRepository(week, run.push.repository);
    const { account, region } = from;
    const send = (entry: PutEventsRequestEntry) => events.push({ entry, from });
    const pipelineArn = (pipeline: string) => [`arn:aws:codepipeline:${region}:${account}:${pipeline}`];
    const executionId = idOf(week, ids, run);
    const common = { pipeline: run.pipeline, 'execution-id': executionId, 'start-time': new Date(run.startedAt).toISOString(), region };
    const pipelineEvent = (file: string, at: number, state: string) => {
      const { detail } = sample<{ detail: Record<string, unknown> }>(`codepipeline/${file}.json`);
      send(entry('aws.codepipeline', 'CodePipeline Pipeline Execution State Change', at, { ...detail, ...common, state }, pipelineArn(run.pipeline)));
    };
    const actionEvent = (stage: string, action: string, provider: 'CodeBuild' | 'CodeDeploy', succeeded: boolean, at: number, externalId: string) => {
      const { detail } = sample<{ detail: Record<string, unknown> }>(`codepipeline/action-${succeeded ? 'succeeded' : 'failed'}.json`);
      const result = { 'external-execution-id': externalId, 'external-execution-summary': `${provider === 'CodeBuild' ? 'Build' : 'Deployment'} ${externalId} ${succeeded ? 'succeeded' : 'failed'}` };
      send(
        entry('aws.codepipeline', 'CodePipeline Action Execution State Change', at, { ...detail, ...common, stage, action, state: succeeded ? 'SUCCEEDED' : 'FAILED', 'execution-result': result, type: { owner: 'AWS', provider, category: provider === 'CodeBuild' ? 'Build' : 'Deploy', version: '1' } }, pipelineArn(run.pipeline)),
      );
    };
    pipelineEvent('pipeline-started', run.startedAt, 'STARTED');
    actionEvent('Build', 'Build', 'CodeBuild', run.build === 'SUCCEEDED', run.buildEndedAt, run.buildId);
    const build = sample<{ detail: Record<string, any> }>(`codebuild/build-${run.build === 'SUCCEEDED' ? 'succeeded' : 'failed'}.json`);
    const buildArn = `arn:aws:codebuild:${region}:${account}:build/${run.buildId}`;
    const [project] = run.buildId.split(':');
    send(
      entry('aws.codebuild', 'CodeBuild Build State Change', run.buildEndedAt, { ...build.detail, 'build-status': run.build, 'project-name': project, 'build-id': buildArn, 'additional-information': { ...build.detail['additional-information'], initiator: `codepipeline/${run.pipeline}` } }, [buildArn]),
    );
    if (run.deploy && run.deployEndedAt) {
      const deployment = sample<{ detail: Record<string, unknown> }>(`codedeploy/deployment-${run.deploy === 'SUCCESS' ? 'success' : 'failure'}.json`);
      const detail = { ...deployment.detail, region, application: run.push.repository, deploymentGroup: run.pipeline, deploymentId: run.deploymentId, state: run.deploy };
      send(entry('aws.codedeploy', 'CodeDeploy Deployment State-change Notification', run.deployEndedAt, detail, [`arn:aws:codedeploy:${region}:${account}:application:${run.push.repository}`, `arn:aws:codedeploy:${region}:${account}:deploymentgroup:${run.push.repository}/${run.pipeline}`]));
      actionEvent('Deploy', 'Deploy', 'CodeDeploy', run.deploy === 'SUCCESS', run.deployEndedAt, run.deploymentId);
    }
    pipelineEvent(run.deploy === 'SUCCESS' ? 'pipeline-succeeded' : 'pipeline-failed', run.endedAt, run.deploy === 'SUCCESS' ? 'SUCCEEDED' : 'FAILED');
  }
  for (const alarm of week.alarms) {
    const { alarm: name, place: from } = week.repositories.find(({ name }) => name === alarm.repository)!;
    const alarmEvent = (state: 'ALARM' | 'OK', at: number, previousAt: number) => {
      const { detail } = sample<{ detail: Record<string, any> }>(`cloudwatch/alarm-${state === 'ALARM' ? 'in-alarm' : 'ok'}.json`);
      const changed = { ...detail, alarmName: name, state: { ...detail.state, value: state, timestamp: cloudWatchTime(at) }, previousState: { ...detail.previousState, value: state === 'ALARM' ? 'OK' : 'ALARM', timestamp: cloudWatchTime(previousAt) } };
      events.push({ entry: entry('aws.cloudwatch', 'CloudWatch Alarm State Change', at, changed, [`arn:aws:cloudwatch:${from.region}:${from.account}:alarm:${name}`]), from });
    };
    alarmEvent('ALARM', alarm.startedAt, alarm.startedAt - DAY);
    alarmEvent('OK', alarm.endedAt, alarm.startedAt);
  }
  return events;
}

/**
 * What CodePipeline's ListPipelineExecutions and ListActionExecutions and CodeDeploy's
 * GetDeployment would answer about the week, where the local stage's adapters read them (the
 * laptop's pipeline runner writes the same files as it runs pipelines). Each production pipeline's
 * deployment before the week is listed too.
 */
export function writeAwsAnswers(week: OrganizationWeek, ids: ExecutionIds, localDir: string): void {
  const files = localFiles(localDir);
  const lines = (values: object[]) => values.map((value) => `${JSON.stringify(value)}\n`).join('');
  const before = week.repositories.map((repository): RecordedExecution => ({ pipeline: `${repository.name}-production`, executionId: `before-${repository.name}`, status: 'Succeeded', endedAt: iso(week.from.getTime() - DAY), commitId: repository.commits[0]!.commitId! }));
  const ended = week.executions.map((run): RecordedExecution => ({ pipeline: run.pipeline, executionId: idOf(week, ids, run), status: run.deploy === 'SUCCESS' ? 'Succeeded' : 'Failed', endedAt: iso(run.endedAt), commitId: commitOf(week, run.push.repository, run.push.head) }));
  const actions = week.executions.flatMap((run): RecordedAction[] => {
    const executionId = idOf(week, ids, run);
    const build: RecordedAction = { pipeline: run.pipeline, executionId, stage: 'Build', action: 'Build', actionExecutionId: `${executionId}-build`, status: run.build === 'SUCCEEDED' ? 'Succeeded' : 'Failed', externalExecutionId: run.buildId, at: iso(run.buildEndedAt) };
    if (!run.deploy) return [build];
    return [build, { pipeline: run.pipeline, executionId, stage: 'Deploy', action: 'Deploy', actionExecutionId: `${executionId}-deploy`, status: run.deploy === 'SUCCESS' ? 'Succeeded' : 'Failed', externalExecutionId: run.deploymentId, at: iso(run.deployEndedAt!) }];
  });
  const deployments = week.executions.flatMap((run): RecordedDeployment[] =>
    run.deploy
      ? [{ deploymentId: run.deploymentId, application: run.push.repository, deploymentGroup: run.pipeline, status: run.deploy === 'SUCCESS' ? 'Succeeded' : 'Failed', createTime: iso(run.buildEndedAt), completeTime: iso(run.deployEndedAt!), errorInformation: run.deploy === 'FAILURE' ? { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment.' } : undefined }]
      : [],
  );
  appendFileSync(files.pipelineExecutions, lines([...before, ...ended]));
  appendFileSync(files.pipelineActions, lines(actions));
  appendFileSync(files.deployments, lines(deployments));
}

/** DORA's measures of some production pipelines, as the generator made them. */
export interface TrueFigures {
  deployments: number;
  failedDeployments: number;
  reworkDeployments: number;
  medianLeadTimeSeconds?: number;
  medianRecoverySeconds?: number;
}

/** What the generator knows to be true of each production pipeline's week: its deployments and the facts each gives. */
export interface TrueFacts {
  /** `<kind> <pipeline> <execution id> <at> [seconds]`, as the ledger's facts should read. */
  facts: string[];
  figures(pipelines: string[]): TrueFigures;
}

export function trueFacts(week: OrganizationWeek, ids: ExecutionIds): TrueFacts {
  type Fact = { kind: string; pipeline: string; executionId: string; at: number; seconds?: number };
  const facts: Fact[] = [];
  for (const repository of week.repositories) {
    const pipeline = `${repository.name}-production`;
    const deployed = week.executions.filter((run) => run.pipeline === pipeline && run.deploy === 'SUCCESS');
    let since = 0;
    for (const run of deployed) {
      const executionId = idOf(week, ids, run);
      facts.push({ kind: 'deployment', pipeline, executionId, at: run.endedAt });
      const brought = repository.commits.slice(since + 1, run.push.head + 1);
      if (brought.length > COMMITS_PER_DEPLOYMENT) throw new Error(`${pipeline}: a deployment brings ${brought.length} commits; the generator keeps within ${COMMITS_PER_DEPLOYMENT}`);
      for (const commit of brought) facts.push({ kind: 'lead-time', pipeline, executionId, at: run.endedAt, seconds: (run.endedAt - Math.floor(commit.authoredAt / 1000) * 1000) / 1000 });
      since = run.push.head;
    }
    for (const alarm of week.alarms.filter((candidate) => candidate.repository === repository.name)) {
      const failed = deployed.filter((run) => run.endedAt <= alarm.startedAt).at(-1);
      if (!failed || alarm.startedAt - failed.endedAt > WINDOW_MINUTES * MINUTE) continue;
      const executionId = idOf(week, ids, failed);
      facts.push({ kind: 'failed-deployment', pipeline, executionId, at: failed.endedAt }, { kind: 'recovery', pipeline, executionId, at: alarm.endedAt, seconds: (alarm.endedAt - alarm.startedAt) / 1000 });
      for (const fix of deployed) if (fix.endedAt > alarm.startedAt && fix.endedAt < alarm.endedAt) facts.push({ kind: 'rework', pipeline, executionId: idOf(week, ids, fix), at: fix.endedAt });
    }
  }
  return {
    facts: facts.map(({ kind, pipeline, executionId, at, seconds }) => [kind, pipeline, executionId, new Date(at).toISOString(), ...(seconds === undefined ? [] : [seconds])].join(' ')).sort(),
    figures(pipelines) {
      const of = facts.filter((fact) => pipelines.includes(fact.pipeline));
      const count = (kind: string) => of.filter((fact) => fact.kind === kind).length;
      const seconds = (kind: string) => of.flatMap((fact) => (fact.kind === kind ? [fact.seconds!] : []));
      return { deployments: count('deployment'), failedDeployments: count('failed-deployment'), reworkDeployments: count('rework'), medianLeadTimeSeconds: median(seconds('lead-time')), medianRecoverySeconds: median(seconds('recovery')) };
    },
  };
}
