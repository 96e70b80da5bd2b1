// BASELINE (benchmark only): on-deploy by hand.
import { call, deadLetter, emf, log, putItem } from './aws';

type Deployment = { time: string; source: string; detail: { application?: string; deploymentGroup?: string; deploymentId?: string; state?: string } };

export async function handler(event: Deployment): Promise<unknown> {
  const { application, deploymentGroup, deploymentId, state } = event?.detail ?? {};
  if (event?.source !== 'aws.codedeploy' || !application || !deploymentGroup || !deploymentId || !state) return deadLetter('on-deploy', 'not a CodeDeploy deployment state change', event);
  if (!['SUCCESS', 'FAILURE', 'STOP'].includes(state)) {
    await putItem({ pk: `DEPLOYMENT#${deploymentId}`, sk: 'DEPLOYMENT', state, at: event.time });
    return log('INFO', 'deployment state', { state });
  }
  const { deploymentInfo } = await call<{ deploymentInfo?: { createTime?: number; completeTime?: number; errorInformation?: { message?: string } } }>('CodeDeploy_20141006.GetDeployment', { deploymentId });
  const duration = deploymentInfo?.createTime && deploymentInfo.completeTime ? deploymentInfo.completeTime - deploymentInfo.createTime : undefined;
  await putItem({ pk: `DEPLOYMENT#${deploymentId}`, sk: 'DEPLOYMENT', state, at: event.time, durationSeconds: duration });
  emf({ DeploymentSucceeded: state === 'SUCCESS' ? 1 : 0, DeploymentFailed: state === 'FAILURE' ? 1 : 0, ...(duration === undefined ? {} : { DeploymentDuration: duration }) }, { application });
  return log(state === 'SUCCESS' ? 'INFO' : 'WARN', 'deployment ended', { state, error: deploymentInfo?.errorInformation });
}
