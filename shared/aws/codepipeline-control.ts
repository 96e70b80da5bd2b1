import type { ControlOutcome, PipelineControl } from '../ports';
import type { AwsJsonCall } from './signed-call';

// What GetPipelineState and ListPipelineExecutions answer, as far as it is read:
// https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_GetPipelineState.html
interface StageState {
  stageName?: string;
  latestExecution?: { pipelineExecutionId?: string };
  actionStates?: { actionName?: string; latestExecution?: { status?: string; token?: string } }[];
}
interface ExecutionSummary {
  pipelineExecutionId?: string;
  status?: string;
}

// CodePipeline's refusals that mean "not now" (https://docs.aws.amazon.com/codepipeline/latest/APIReference/CommonErrors.html and each
// action's Errors): answered to the person, never retried. Anything else is a fault the worker's retries take.
const NOT_NOW: Record<string, string> = {
  ApprovalAlreadyCompletedException: 'the approval was already decided',
  InvalidApprovalTokenException: 'the approval is no longer waiting (decided, expired or superseded)',
  ActionNotFoundException: 'the pipeline has no such action',
  StageNotFoundException: 'the pipeline has no such stage',
  PipelineNotFoundException: 'there is no such pipeline',
  StageNotRetryableException: 'the stage cannot be retried now (it has not failed, or is still running)',
  NotLatestPipelineExecutionException: 'a newer execution has run the stage since',
  ConflictException: 'the stage is busy with another change',
  ConcurrentPipelineExecutionsLimitExceededException: 'the pipeline runs as many executions as it may',
  PipelineExecutionNotFoundException: 'there is no such execution',
  PipelineExecutionOutdatedException: 'the execution to roll back to is outdated',
  UnableToRollbackStageException: 'CodePipeline cannot roll this stage back',
  NoEarlierSuccess: "no earlier successful execution among the pipeline's last 100",
};

async function outcomeOf(call: () => Promise<string>): Promise<ControlOutcome> {
  try {
    return { done: true, detail: await call() };
  } catch (error) {
    const reason = error instanceof Error ? NOT_NOW[error.name] : undefined;
    if (reason) return { done: false, reason };
    throw error;
  }
}

// PutApprovalResult's summary: at most 512 characters
const clipSummary = (summary: string) => (summary.length <= 512 ? summary : `${summary.slice(0, 511)}…`);

/** Decisions, retries and roll backs, each through the client for where the pipeline lives. */
export function codePipelineControl(clientFor: (pipeline: string) => AwsJsonCall): PipelineControl {
  return {
    decide: ({ pipeline, stage, action, executionId, approved, summary }) =>
      outcomeOf(async () => {
        const client = clientFor(pipeline);
        // the token of the approval waiting now, read at the moment of deciding and never kept
        const { stageStates = [] } = await client<{ stageStates?: StageState[] }>('GetPipelineState', { name: pipeline });
        const stageState = stageStates.find((candidate) => candidate.stageName === stage);
        const latest = stageState?.actionStates?.find((candidate) => candidate.actionName === action)?.latestExecution;
        if (stageState?.latestExecution?.pipelineExecutionId !== executionId) throw Object.assign(new Error(), { name: 'InvalidApprovalTokenException' });
        if (latest?.status !== 'InProgress' || !latest.token) throw Object.assign(new Error(), { name: 'InvalidApprovalTokenException' });
        await client('PutApprovalResult', { pipelineName: pipeline, stageName: stage, actionName: action, token: latest.token, result: { status: approved ? 'Approved' : 'Rejected', summary: clipSummary(summary) } });
        return approved ? 'approved' : 'rejected';
      }),
    retry: ({ pipeline, stage, executionId }) =>
      outcomeOf(async () => {
        const { pipelineExecutionId } = await clientFor(pipeline)<{ pipelineExecutionId?: string }>('RetryStageExecution', { pipelineName: pipeline, stageName: stage, pipelineExecutionId: executionId, retryMode: 'FAILED_ACTIONS' });
        return `retrying the failed actions (execution ${pipelineExecutionId ?? executionId})`;
      }),
    rollback: ({ pipeline, stage, executionId }) =>
      outcomeOf(async () => {
        const client = clientFor(pipeline);
        // newest first: the last execution that succeeded before the one on the card
        const { pipelineExecutionSummaries = [] } = await client<{ pipelineExecutionSummaries?: ExecutionSummary[] }>('ListPipelineExecutions', { pipelineName: pipeline, maxResults: 100 });
        const index = pipelineExecutionSummaries.findIndex((summary) => summary.pipelineExecutionId === executionId);
        const target = index === -1 ? undefined : pipelineExecutionSummaries.slice(index + 1).find((summary) => summary.status === 'Succeeded');
        if (!target?.pipelineExecutionId) return Promise.reject(Object.assign(new Error(), { name: 'NoEarlierSuccess' }));
        const { pipelineExecutionId } = await client<{ pipelineExecutionId?: string }>('RollbackStage', { pipelineName: pipeline, stageName: stage, targetPipelineExecutionId: target.pipelineExecutionId });
        return `rolling back to execution ${target.pipelineExecutionId} (rollback execution ${pipelineExecutionId ?? 'started'})`;
      }),
  };
}
