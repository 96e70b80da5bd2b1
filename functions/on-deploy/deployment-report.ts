import type { CodeDeployStateEvent } from '../../shared/events';

export interface DeploymentReport {
  application: string;
  deploymentGroup: string;
  deploymentId: string;
  state: CodeDeployStateEvent['detail']['state'];
  ended: boolean;
  succeeded: boolean;
}

export function deploymentReport({ detail }: CodeDeployStateEvent): DeploymentReport {
  return {
    application: detail.application,
    deploymentGroup: detail.deploymentGroup,
    deploymentId: detail.deploymentId,
    state: detail.state,
    ended: ['SUCCESS', 'FAILURE', 'STOP'].includes(detail.state),
    succeeded: detail.state === 'SUCCESS',
  };
}
