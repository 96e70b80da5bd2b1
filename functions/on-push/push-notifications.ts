import type { CodeCommitReferenceEvent } from '../../shared/events';
import type { Commit } from '../../shared/ports';
import { consoleLinks, type ReleaseNotification } from '../../shared/release-notification';

/** One notification per pipeline the push started: the first line of that execution's Slack message. */
export function pushNotifications(
  event: CodeCommitReferenceEvent,
  push: { repository: string; branch: string; commitId: string; commit?: Commit },
  started: { pipeline: string; executionId: string; region: string }[],
  team: string,
): ReleaseNotification[] {
  const { repository, branch, commitId, commit } = push;
  return started.map(({ pipeline, executionId, region }) => ({
    id: `${event.id}/${pipeline}`,
    kind: 'push',
    severity: 'info',
    team,
    at: event.time,
    region: event.region,
    result: 'STARTED',
    repository,
    branch,
    commit: { id: commitId, author: commit?.author, message: commit?.message },
    pipeline: { name: pipeline, executionId },
    links: [consoleLinks.commit(event.region, repository, commitId), consoleLinks.execution(region, pipeline, executionId)],
  }));
}
