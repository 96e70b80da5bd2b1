import type { CodePipelineEvent } from '../../shared/events';
import type { Commit, ExecutionRevision } from '../../shared/ports';
import { clipText, compareUrl, consoleLinks, providerCommitUrl, severityOf, type ReleaseNotification } from '../../shared/release-notification';

/** The commits a deployment of `commitId` brings since `since`, the previous deployment's commit (absent when there was none). */
export interface Brought {
  repository: string;
  since?: string;
  commitId: string;
  commits: Commit[];
  complete: boolean;
}

// a card lists a few commits, one line each
const SHOWN_COMMITS = 5;
const LONGEST_TITLE = 100;

/**
 * A pipeline, stage or action state as a notification; an approval waiting is its own kind, so
 * teams can route it. The policy names the pipeline's team and repository (for the commit's link).
 * An ended execution of a production pipeline says what it `brought` since the previous deployment.
 */
export function pipelineNotification(event: CodePipelineEvent, route: { team: string; repository?: string }, revision?: ExecutionRevision, brought?: Brought): ReleaseNotification {
  const { pipeline: name, 'execution-id': executionId, state } = event.detail;
  const pipeline: NonNullable<ReleaseNotification['pipeline']> = { name, executionId };
  let kind: ReleaseNotification['kind'] = 'pipeline';
  if (event['detail-type'] === 'CodePipeline Stage Execution State Change') {
    kind = 'stage';
    pipeline.stage = event.detail.stage;
  } else if (event['detail-type'] === 'CodePipeline Action Execution State Change') {
    const { stage, action, type } = event.detail;
    kind = type?.category === 'Approval' && state === 'STARTED' ? 'approval' : 'action';
    Object.assign(pipeline, { stage, action, externalExecutionId: event.detail['execution-result']?.['external-execution-id'] });
  }
  return {
    id: event.id,
    kind,
    severity: kind === 'approval' ? 'warning' : severityOf(state),
    team: route.team,
    at: event.time,
    region: event.region,
    result: state,
    repository: route.repository,
    branch: revision?.connection?.branch,
    trigger: kind === 'pipeline' ? (triggerOf(event) ?? revision?.trigger) : undefined,
    commit: revision && { id: revision.commitId, message: revision.connection?.message },
    pipeline,
    commits: brought && commitsSince(event.region, brought),
    links: [consoleLinks.execution(event.region, name, executionId), ...commitLink(event.region, route.repository, revision)],
  };
}

/** What started a pipeline execution, as its event says (its start's event does). */
export function triggerOf(event: CodePipelineEvent): ReleaseNotification['trigger'] {
  if (event['detail-type'] !== 'CodePipeline Pipeline Execution State Change') return undefined;
  const { 'trigger-type': type, 'trigger-detail': detail } = event.detail['execution-trigger'] ?? {};
  return type === undefined ? undefined : { type, detail };
}

/** CodeCommit's commit in the console; a connection's at its provider, where CodePipeline's revision URL or the provider's page form says. */
function commitLink(region: string, repository: string | undefined, revision: ExecutionRevision | undefined): ReleaseNotification['links'] {
  if (!revision) return [];
  const { commitId, connection } = revision;
  if (!connection) return repository ? [consoleLinks.commit(region, repository, commitId)] : [];
  const url = connection.url ?? (connection.provider && connection.repository ? providerCommitUrl(connection.provider, connection.repository, commitId) : undefined);
  return url ? [{ label: 'Commit', url }] : [];
}

/** Nothing without a previous deployment: the commit's whole history is no change since one. */
function commitsSince(region: string, { repository, since, commitId, commits, complete }: Brought): ReleaseNotification['commits'] {
  if (!since || commits.length === 0) return undefined;
  return {
    count: commits.length,
    complete,
    shown: commits.slice(0, SHOWN_COMMITS).map(({ commitId: id, author, authorEmail, message }) => ({ id, author, authorEmail, title: clipText(message.split('\n')[0]!, LONGEST_TITLE) })),
    compareUrl: compareUrl(region, repository, since, commitId),
  };
}
