import type { ReleaseNotification } from './event-schemas/release-notification';

// The shape every handler publishes is a schema of its own (shared/event-schemas/release-notification.ts):
// only notify-slack, which parses it, builds it when it loads.
export type { ReleaseNotification };
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
