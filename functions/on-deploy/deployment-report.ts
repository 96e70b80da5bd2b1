import type { CodeDeployStateEvent } from '../../shared/events';

export interface DeploymentReport {
  application: string;
  deploymentGroup: string;
  deploymentId: string;
  state: CodeDeployStateEvent['detail']['state'];
  ended: boolean;
  succeeded: boolean;
  /** CodeDeploy's error information, when the deployment failed and said why. */
  error?: { code?: string; message: string };
}

export function deploymentReport({ detail }: CodeDeployStateEvent): DeploymentReport {
  return {
    application: detail.application,
    deploymentGroup: detail.deploymentGroup,
    deploymentId: detail.deploymentId,
    state: detail.state,
    ended: ['SUCCESS', 'FAILURE', 'STOP'].includes(detail.state),
    succeeded: detail.state === 'SUCCESS',
    error: detail.errorInformation === undefined ? undefined : parseErrorInformation(detail.errorInformation),
  };
}

// CodeDeploy sends errorInformation as a JSON string, e.g. "{\"ErrorCode\":\"...\",\"ErrorMessage\":\"...\"}"
function parseErrorInformation(text: string): { code?: string; message: string } {
  try {
    const parsed = JSON.parse(text) as { ErrorCode?: unknown; ErrorMessage?: unknown };
    return { code: typeof parsed.ErrorCode === 'string' ? parsed.ErrorCode : undefined, message: String(parsed.ErrorMessage ?? text) };
  } catch {
    return { message: text };
  }
}
