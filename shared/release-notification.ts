import * as z from 'zod/mini';

/**
 * What every handler tells the team, in one shape, whatever the source: published to the SNS topic
 * with `team`, `severity` and `kind` as message attributes, so subscribers filter on them
 * (docs/slack.md has an email filter policy). notify-slack turns them into one Slack
 * message per pipeline execution.
 */
export const ReleaseNotification = z.object({
  /** The id of the event it came from: a redelivered event gives the same id, so nothing is sent twice. */
  id: z.string().check(z.minLength(1)),
  kind: z.enum(['push', 'pipeline', 'stage', 'action', 'approval', 'build', 'deployment', 'alarm']),
  severity: z.enum(['info', 'success', 'warning', 'failure']),
  /** The team under `teams` in release-policy.yml, or `unrouted` when the policy does not say. */
  team: z.string().check(z.minLength(1)),
  /** When it happened (the event's time), ISO-8601. */
  at: z.string(),
  region: z.string(),
  /** The state in the source's words: SUCCEEDED, FAILED, FAILURE, STARTED, ... */
  result: z.string(),
  repository: z.optional(z.string()),
  branch: z.optional(z.string()),
  commit: z.optional(z.object({ id: z.string(), author: z.optional(z.string()), message: z.optional(z.string()) })),
  /** What started the pipeline execution, in CodePipeline's words: `Webhook`, `StartPipelineExecution` (with who, as an ARN), ... */
  trigger: z.optional(z.object({ type: z.string(), detail: z.optional(z.string()) })),
  pipeline: z.optional(
    z.object({
      name: z.string(),
      /** Absent for a build whose pipeline execution is not yet known (notify-slack finds it). */
      executionId: z.optional(z.string()),
      stage: z.optional(z.string()),
      action: z.optional(z.string()),
      /** The build or deployment id a CodeBuild or CodeDeploy action ran. */
      externalExecutionId: z.optional(z.string()),
    }),
  ),
  build: z.optional(
    z.object({
      id: z.string(),
      project: z.string(),
      failure: z.optional(z.object({ phase: z.string(), message: z.string() })),
      logsUrl: z.optional(z.string()),
    }),
  ),
  deployment: z.optional(
    z.object({
      id: z.string(),
      application: z.string(),
      deploymentGroup: z.string(),
      error: z.optional(z.object({ code: z.optional(z.string()), message: z.string() })),
    }),
  ),
  /** A CloudWatch alarm's change: `since` is when the alarm went to ALARM (for OK, the state it left), which names the incident. */
  alarm: z.optional(z.object({ name: z.string(), previous: z.string(), reason: z.string(), since: z.string() })),
  /**
   * What an execution of a production pipeline brings since the pipeline's previous deployment, as
   * CodePipeline lists it: how many commits (`complete` false when there may be more), the newest
   * few with the first line of their message, and the comparison of the two revisions in the console.
   */
  commits: z.optional(
    z.object({
      count: z.number(),
      complete: z.boolean(),
      shown: z.array(z.object({ id: z.string(), author: z.optional(z.string()), authorEmail: z.optional(z.string()), title: z.string() })),
      compareUrl: z.optional(z.string()),
    }),
  ),
  durationSeconds: z.optional(z.number()),
  /** Who approved or rejected a manual approval from Slack (act-from-slack), and which. */
  decidedBy: z.optional(z.object({ slackUser: z.string().check(z.regex(/^[UW][A-Z0-9]{2,20}$/)), name: z.optional(z.string()), decision: z.enum(['approved', 'rejected']), comment: z.optional(z.string()) })),
  links: z.array(z.object({ label: z.string(), url: z.string() })),
});
export type ReleaseNotification = z.infer<typeof ReleaseNotification>;
export type Severity = ReleaseNotification['severity'];

export const UNROUTED_TEAM = 'unrouted';

const FAILED_STATES = new Set(['FAILED', 'FAILURE', 'FAULT', 'TIMED_OUT']);
const SUCCEEDED_STATES = new Set(['SUCCEEDED', 'SUCCESS']);
const WARNING_STATES = new Set(['STOPPED', 'STOP', 'CANCELED', 'ABANDONED', 'SUPERSEDED']);

export function severityOf(state: string): Severity {
  if (FAILED_STATES.has(state)) return 'failure';
  if (SUCCEEDED_STATES.has(state)) return 'success';
  if (WARNING_STATES.has(state)) return 'warning';
  return 'info';
}

// What users write (commit messages, branch and resource names, error messages) is bounded before
// it reaches SNS (256 KB a message) or DynamoDB (400 KB an item); a card shows far less.
const LONGEST_MESSAGE = 4_000;
const LONGEST_TEXT = 1_000;

export const clipText = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function clipStrings(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return key === 'url' ? value : clipText(value, key === 'message' ? LONGEST_MESSAGE : LONGEST_TEXT);
  if (Array.isArray(value)) return value.map((item) => clipStrings(item));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, clipStrings(item, name)]));
  return value;
}

/** The notification with every string clipped: a few kilobytes at most, whatever was pushed. */
export const bounded = (notification: ReleaseNotification) => clipStrings(notification) as ReleaseNotification;

/** The SNS message attributes subscribers filter on. */
export function messageAttributes({ team, severity, kind }: ReleaseNotification) {
  return {
    team: { DataType: 'String', StringValue: team },
    severity: { DataType: 'String', StringValue: severity },
    kind: { DataType: 'String', StringValue: kind },
  };
}

// The console pages a person opens from a notification.
const console = (region: string, path: string) => `https://${region}.console.aws.amazon.com/codesuite/${path}?region=${region}`;

/** The CodeCommit console's Compare page: what `after` changes since `before` (`compare/<before>/.../<after>`). */
export const compareUrl = (region: string, repository: string, beforeCommitId: string, afterCommitId: string) =>
  console(region, `codecommit/repositories/${encodeURIComponent(repository)}/compare/${beforeCommitId}/.../${afterCommitId}`);

/**
 * A commit's page at the provider a connection reaches (FullRepositoryName: `owner/repository`, or
 * GitLab's `group/subgroup/repository`); none for a self-managed host, whose address CodePipeline
 * does not give.
 */
export function providerCommitUrl(provider: string, repository: string, commitId: string): string | undefined {
  const path = repository.split('/').map(encodeURIComponent).join('/');
  switch (provider) {
    case 'GitHub':
      return `https://github.com/${path}/commit/${commitId}`;
    case 'GitLab':
      return `https://gitlab.com/${path}/-/commit/${commitId}`;
    case 'Bitbucket':
      return `https://bitbucket.org/${path}/commits/${commitId}`;
    default:
      return undefined;
  }
}

export const consoleLinks = {
  commit: (region: string, repository: string, commitId: string) =>
    ({ label: 'Commit', url: console(region, `codecommit/repositories/${encodeURIComponent(repository)}/commit/${commitId}`) }),
  execution: (region: string, pipeline: string, executionId: string) =>
    ({ label: 'Pipeline execution', url: console(region, `codepipeline/pipelines/${encodeURIComponent(pipeline)}/executions/${executionId}/timeline`) }),
  build: (region: string, project: string, buildId: string) =>
    ({ label: 'Build', url: console(region, `codebuild/projects/${encodeURIComponent(project)}/build/${encodeURIComponent(buildId)}/`) }),
  deployment: (region: string, deploymentId: string) => ({ label: 'Deployment', url: console(region, `codedeploy/deployments/${deploymentId}`) }),
  alarm: (region: string, alarmName: string) => ({ label: 'Alarm', url: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}` }),
};
