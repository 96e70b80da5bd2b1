// BASELINE (benchmark only): on-deploy by hand.
import policy from '../../../release-policy.yml';
import { call, deadLetter, emf, log, publish, query, recordEvent } from './aws';

const pipelines = Object.values(policy.repositories).flatMap((repository) => repository.pipelines.map((rule) => rule.name));

/** The execution that ran the deployment: the ledger's link, else the pipelines' recent actions. */
async function executionOf(deploymentId: string): Promise<string | undefined> {
  const [link] = await query(`DEPLOYMENT#${deploymentId}`, { prefix: 'EXECUTION#' });
  if (link) return link.executionId;
  const found = await Promise.all(
    pipelines.map((pipelineName) => call<{ actionExecutionDetails?: { pipelineExecutionId?: string; output?: { executionResult?: { externalExecutionId?: string } } }[] }>('CodePipeline_20150709.ListActionExecutions', { pipelineName, maxResults: 100 })),
  );
  return found.flatMap(({ actionExecutionDetails = [] }) => actionExecutionDetails).find((action) => action.output?.executionResult?.externalExecutionId === deploymentId)?.pipelineExecutionId;
}

type Deployment = { id: string; time: string; source: string; detail: { application?: string; deploymentGroup?: string; deploymentId?: string; state?: string } };

export const handler = (event: Deployment) => handle(event);

async function handle(event: Deployment): Promise<unknown> {
  const { application, deploymentGroup, deploymentId, state } = event?.detail ?? {};
  if (event?.source !== 'aws.codedeploy' || !application || !deploymentGroup || !deploymentId || !state) return deadLetter('on-deploy', 'not a CodeDeploy deployment state change', event);
  const ended = ['SUCCESS', 'FAILURE', 'STOP'].includes(state);
  const [executionId, { deploymentInfo }] = await Promise.all([
    executionOf(deploymentId),
    ended ? call<{ deploymentInfo?: { createTime?: number; completeTime?: number; errorInformation?: { message?: string } } }>('CodeDeploy_20141006.GetDeployment', { deploymentId }) : { deploymentInfo: undefined },
  ]);
  const duration = deploymentInfo?.createTime && deploymentInfo.completeTime ? deploymentInfo.completeTime - deploymentInfo.createTime : undefined;
  const notification = { id: event.id, kind: 'deployment', severity: state === 'FAILURE' ? 'failure' : 'info', team: 'platform', result: state, deploymentId, executionId, durationSeconds: duration, error: deploymentInfo?.errorInformation };
  await publish(notification);
  // the event's own record last, as the functions write it
  const isNew = await recordEvent({ pk: `DEPLOYMENT#${deploymentId}`, sk: 'DEPLOYMENT', state, at: event.time, durationSeconds: duration, eventId: event.id });
  if (!ended) return log('INFO', 'deployment state', { state });
  if (isNew) emf({ DeploymentSucceeded: state === 'SUCCESS' ? 1 : 0, DeploymentFailed: state === 'FAILURE' ? 1 : 0, ...(duration === undefined ? {} : { DeploymentDuration: duration }) }, { application });
  return log(state === 'SUCCESS' ? 'INFO' : 'WARN', 'deployment ended', { state, error: deploymentInfo?.errorInformation });
}
