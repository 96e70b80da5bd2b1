import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import type { Place } from '../policy-rules';
import type { Deployments } from '../ports';

/**
 * The deployment state-change event says only the new state: the duration, the error and whether it
 * is a rollback (or was rolled back) come from GetDeployment.
 */
export function codeDeployDeployments(clientAt: (place: Place) => CodeDeployClient): Deployments {
  return {
    async outcome(deploymentId, at) {
      const { deploymentInfo } = await clientAt(at).send(new GetDeploymentCommand({ deploymentId }));
      const { createTime, completeTime, errorInformation, rollbackInfo } = deploymentInfo ?? {};
      const of = rollbackInfo?.rollbackTriggeringDeploymentId;
      const by = rollbackInfo?.rollbackDeploymentId;
      return {
        durationSeconds: createTime && completeTime ? (completeTime.getTime() - createTime.getTime()) / 1000 : undefined,
        error: errorInformation?.message ? { code: errorInformation.code, message: errorInformation.message } : undefined,
        // a message alone (a deployment that could not be rolled back) names no rollback
        rollback: of || by ? { of, by, message: rollbackInfo?.rollbackMessage } : undefined,
      };
    },
  };
}
