import type { DeploymentOutcome, Deployments } from '../ports';
import { readJsonLines } from './json-lines';

/** A deployment the local pipeline runner made (infra/local/pipeline-runner.ts), as CodeDeploy's GetDeployment would tell it. */
export interface RecordedDeployment {
  deploymentId: string;
  application: string;
  deploymentGroup: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  createTime: string;
  completeTime?: string;
  errorInformation?: { code: string; message: string };
  rollback?: DeploymentOutcome['rollback'];
}

/** Locally there is no CodeDeploy: the runner's deployments file answers what GetDeployment would. */
export function recordedDeployments(deploymentsFile: string): Deployments {
  return {
    async outcome(deploymentId) {
      const states = (await readJsonLines<RecordedDeployment>(deploymentsFile)).filter((deployment) => deployment.deploymentId === deploymentId);
      const { createTime, completeTime, errorInformation, rollback } = Object.assign({}, ...states) as Partial<RecordedDeployment>;
      return {
        durationSeconds: createTime && completeTime ? (Date.parse(completeTime) - Date.parse(createTime)) / 1000 : undefined,
        error: errorInformation && { code: errorInformation.code, message: errorInformation.message },
        rollback,
      };
    },
  };
}
