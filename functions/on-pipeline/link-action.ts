import type { ActionExecutionEvent } from '../../shared/events';
import type { ExecutionLink, Ledger, Pipelines } from '../../shared/ports';

const KIND = { CodeBuild: 'build', CodeDeploy: 'deployment' } as const;

/**
 * When a CodeBuild or CodeDeploy action ends, ties its build or deployment to the execution in the
 * ledger. The event names it in `execution-result`; where it does not, ListActionExecutions does.
 */
export async function linkAction(event: ActionExecutionEvent, pipelines: Pick<Pipelines, 'actionExecutions'>, ledger: Pick<Ledger, 'linkToExecution'>): Promise<ExecutionLink | undefined> {
  const { pipeline, 'execution-id': executionId, stage, action, state, type } = event.detail;
  const provider = type?.provider;
  if ((state !== 'SUCCEEDED' && state !== 'FAILED') || (provider !== 'CodeBuild' && provider !== 'CodeDeploy')) return undefined;
  const id =
    event.detail['execution-result']?.['external-execution-id'] ??
    (await pipelines.actionExecutions(pipeline, executionId)).find((candidate) => candidate.stage === stage && candidate.action === action)?.externalExecutionId;
  if (!id) return undefined;
  const link = { kind: KIND[provider], id, pipeline, executionId, stage, action };
  await ledger.linkToExecution(link);
  return link;
}
