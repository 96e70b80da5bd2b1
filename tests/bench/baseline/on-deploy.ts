// BASELINE (benchmark only): on-deploy by hand.
import policy from '../../../release-policy.yml';
import { deploymentNotification } from '../../../functions/on-deploy/deployment-notification';
import type { CodeDeployStateEvent } from '../../../shared/events';
import { teamFor } from '../../../shared/policy-rules';
import { appendKeys, call, deadLetter, emf, invocation, log, publish, putItem, query, recordEvent, type Context } from './aws';

const pipelines = Object.values(policy.repositories).flatMap((repository) => repository.pipelines.map((rule) => rule.name));

/** The execution that ran the deployment: the ledger's link, else the pipelines' recent actions (then linked). */
async function executionOf(deploymentId: string): Promise<{ pipeline: string; executionId: string } | undefined> {
  const [link] = await query(`DEPLOYMENT#${deploymentId}`, { prefix: 'EXECUTION#' });
  if (link) return { pipeline: link.pipeline!, executionId: link.executionId! };
  const found = await Promise.all(
    pipelines.map(async (pipelineName) => {
      const { actionExecutionDetails = [] } = await call<{ actionExecutionDetails?: { pipelineExecutionId: string; stageName: string; actionName: string; output?: { executionResult?: { externalExecutionId?: string } } }[] }>('CodePipeline_20150709.ListActionExecutions', { pipelineName, maxResults: 100 });
      const action = actionExecutionDetails.find((details) => details.output?.executionResult?.externalExecutionId === deploymentId);
      return action && { pipeline: pipelineName, executionId: action.pipelineExecutionId, stage: action.stageName, action: action.actionName };
    }),
  );
  const ran = found.find(Boolean);
  if (!ran) return undefined;
  await putItem({ pk: `DEPLOYMENT#${deploymentId}`, sk: `EXECUTION#${ran.pipeline}#${ran.executionId}`, kind: 'deployment', id: deploymentId, ...ran });
  return ran;
}

export const handler = (event: CodeDeployStateEvent, context: Context) => (invocation('on-deploy', context, event), handle(event));

async function handle(event: CodeDeployStateEvent): Promise<unknown> {
  const { application, deploymentGroup, deploymentId, state } = event?.detail ?? {};
  if (event?.source !== 'aws.codedeploy' || !application || !deploymentGroup || !deploymentId || !state) return deadLetter('on-deploy', 'not a CodeDeploy deployment state change', event);
  appendKeys({ deploymentId, application, deploymentGroup });
  const ended = ['SUCCESS', 'FAILURE', 'STOP'].includes(state);
  const [execution, { deploymentInfo }] = await Promise.all([
    executionOf(deploymentId),
    ended ? call<{ deploymentInfo?: { createTime?: number; completeTime?: number; errorInformation?: { code?: string; message?: string } } }>('CodeDeploy_20141006.GetDeployment', { deploymentId }) : { deploymentInfo: undefined },
  ]);
  const durationSeconds = deploymentInfo?.createTime && deploymentInfo.completeTime ? deploymentInfo.completeTime - deploymentInfo.createTime : undefined;
  const error = deploymentInfo?.errorInformation?.message ? { code: deploymentInfo.errorInformation.code, message: deploymentInfo.errorInformation.message } : undefined;
  await publish(deploymentNotification(event, { durationSeconds, error }, teamFor(policy, { pipeline: execution?.pipeline }), execution));
  // the event's own record last, as the functions write it
  const isNew = await recordEvent(
    { pk: `DEPLOYMENT#${deploymentId}`, sk: 'DEPLOYMENT', deploymentId, application, deploymentGroup, state, at: event.time, durationSeconds, error, eventId: event.id },
    { expression: 'attribute_not_exists(pk) OR #at <= :at', names: { '#at': 'at' }, values: { ':at': event.time } },
  );
  if (!ended) return log('INFO', 'deployment state', { state });
  if (isNew) emf({ DeploymentSucceeded: state === 'SUCCESS' ? 1 : 0, DeploymentFailed: state === 'FAILURE' ? 1 : 0, ...(durationSeconds === undefined ? {} : { DeploymentDuration: durationSeconds }) }, { application });
  return state === 'SUCCESS' ? log('INFO', 'deployment succeeded', { durationSeconds }) : log('WARN', 'deployment did not succeed', { state, error, durationSeconds });
}
