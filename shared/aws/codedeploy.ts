import type { Place } from '../policy-rules';
import type { Deployments } from '../ports';
import type { AwsJsonCall } from './signed-call';

// What GetDeployment answers, as far as it is read; times in epoch seconds:
// https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentInfo.html
interface DeploymentInfo {
  createTime?: number;
  completeTime?: number;
  errorInformation?: { code?: string; message?: string };
  rollbackInfo?: { rollbackDeploymentId?: string; rollbackTriggeringDeploymentId?: string; rollbackMessage?: string };
}

/** CodeDeploy's JSON protocol, as `awsJsonService` takes it. */
export const CODEDEPLOY = { service: 'codedeploy', targetPrefix: 'CodeDeploy_20141006', version: '1.1' } as const;

/**
 * The deployment state-change event says only the new state: the duration, the error and whether it
 * is a rollback (or was rolled back) come from GetDeployment.
 */
export function codeDeployDeployments(clientAt: (place: Place) => AwsJsonCall): Deployments {
  return {
    async outcome(deploymentId, at) {
      const { deploymentInfo } = await clientAt(at)<{ deploymentInfo?: DeploymentInfo }>('GetDeployment', { deploymentId });
      const { createTime, completeTime, errorInformation, rollbackInfo } = deploymentInfo ?? {};
      const of = rollbackInfo?.rollbackTriggeringDeploymentId;
      const by = rollbackInfo?.rollbackDeploymentId;
      return {
        durationSeconds: createTime !== undefined && completeTime !== undefined ? completeTime - createTime : undefined,
        error: errorInformation?.message ? { code: errorInformation.code, message: errorInformation.message } : undefined,
        // a message alone (a deployment that could not be rolled back) names no rollback
        rollback: of || by ? { of, by, message: rollbackInfo?.rollbackMessage } : undefined,
      };
    },
  };
}
