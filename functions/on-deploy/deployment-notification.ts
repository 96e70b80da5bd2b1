import type { CodeDeployStateEvent } from '../../shared/events';
import type { DeploymentOutcome } from '../../shared/ports';
import { consoleLinks, severityOf, type ReleaseNotification } from '../../shared/release-notification';

/** The deployment's notification: its state, the pipeline execution that ran it if known, and, when it failed, CodeDeploy's error information. */
export function deploymentNotification(
  event: CodeDeployStateEvent,
  outcome: DeploymentOutcome,
  team: string,
  execution?: { pipeline: string; executionId: string },
): ReleaseNotification {
  const { application, deploymentGroup, deploymentId, state } = event.detail;
  return {
    id: event.id,
    kind: 'deployment',
    severity: severityOf(state),
    team,
    at: event.time,
    region: event.region,
    result: state,
    pipeline: execution && { name: execution.pipeline, executionId: execution.executionId, externalExecutionId: deploymentId },
    deployment: { id: deploymentId, application, deploymentGroup, error: outcome.error },
    durationSeconds: outcome.durationSeconds,
    links: [consoleLinks.deployment(event.region, deploymentId)],
  };
}
