import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import type { Deployments } from '../ports';

/** The deployment state-change event says only the new state: the duration and the error come from GetDeployment. */
export function codeDeployDeployments(client: CodeDeployClient): Deployments {
  return {
    async outcome(deploymentId) {
      const { deploymentInfo } = await client.send(new GetDeploymentCommand({ deploymentId }));
      const { createTime, completeTime, errorInformation } = deploymentInfo ?? {};
      return {
        durationSeconds: createTime && completeTime ? (completeTime.getTime() - createTime.getTime()) / 1000 : undefined,
        error: errorInformation?.message ? { code: errorInformation.code, message: errorInformation.message } : undefined,
      };
    },
  };
}
