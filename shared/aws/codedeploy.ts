import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import type { Deployments } from '../ports';

export function codeDeployDeployments(client: CodeDeployClient): Deployments {
  return {
    async durationSeconds(deploymentId) {
      const { deploymentInfo } = await client.send(new GetDeploymentCommand({ deploymentId }));
      const { createTime, completeTime } = deploymentInfo ?? {};
      return createTime && completeTime ? (completeTime.getTime() - createTime.getTime()) / 1000 : undefined;
    },
  };
}
