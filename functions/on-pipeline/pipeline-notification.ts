import type { CodePipelineEvent } from '../../shared/events';
import type { ExecutionRevision } from '../../shared/ports';
import { consoleLinks, severityOf, type ReleaseNotification } from '../../shared/release-notification';

/**
 * A pipeline, stage or action state as a notification; an approval waiting is its own kind, so
 * teams can route it. The policy names the pipeline's team and repository (for the commit's link).
 */
export function pipelineNotification(event: CodePipelineEvent, route: { team: string; repository?: string }, revision?: ExecutionRevision): ReleaseNotification {
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
    commit: revision && { id: revision.commitId },
    pipeline,
    links: [
      consoleLinks.execution(event.region, name, executionId),
      ...(revision && route.repository ? [consoleLinks.commit(event.region, route.repository, revision.commitId)] : []),
    ],
  };
}
