import {
  type ActionExecutionStatus,
  ApprovalAlreadyCompletedException,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  RetryStageExecutionCommand,
  RollbackStageCommand,
  StageNotRetryableException,
  type GetPipelineStateCommandOutput,
} from '@aws-sdk/client-codepipeline';
import { CODEPIPELINE } from '../../../../shared/aws/codepipeline';
import { codePipelineControl } from '../../../../shared/aws/codepipeline-control';
import { awsOnLoopback } from '../../../support/aws-json-stub';

// CodePipeline on loopback, answering as each test arranges
const { codepipeline, client } = awsOnLoopback();
const control = codePipelineControl(client(CODEPIPELINE));
const EXECUTION = 'c53dbd42-d7b4-4e5f-8a8e-9d0a4cbb2d4c';
const TOKEN = '1a2b3c4d-573f-4ea7-a67E-XAMPLETOKEN';

// GetPipelineState as https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_GetPipelineState.html shapes it
const state = (status: ActionExecutionStatus, executionId = EXECUTION): Partial<GetPipelineStateCommandOutput> => ({
  pipelineName: 'MyFirstPipeline',
  pipelineVersion: 3,
  stageStates: [
    { stageName: 'Source', actionStates: [{ actionName: 'Source', latestExecution: { status: 'Succeeded' } }], latestExecution: { pipelineExecutionId: executionId, status: 'Succeeded' } },
    {
      stageName: 'Approval',
      actionStates: [{ actionName: 'ManualApproval', latestExecution: { actionExecutionId: 'a-1', status, token: status === 'InProgress' ? TOKEN : undefined, lastStatusChange: new Date() } }],
      latestExecution: { pipelineExecutionId: executionId, status: 'InProgress' },
    },
  ],
});

const decide = (approved = true) => control.decide({ pipeline: 'MyFirstPipeline', stage: 'Approval', action: 'ManualApproval', executionId: EXECUTION, approved, summary: 'Approved from Slack by ana (Slack U0ANA)' });

beforeEach(() => codepipeline.reset());

describe('codePipelineControl.decide', () => {
  it('reads the waiting approval\'s token at the moment of deciding and sends it with the summary', async () => {
    codepipeline.on(GetPipelineStateCommand, { name: 'MyFirstPipeline' }).resolves(state('InProgress'));
    codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: new Date() });
    expect(await decide()).toEqual({ done: true, detail: 'approved' });
    expect(codepipeline.commandCalls(PutApprovalResultCommand)[0]!.args[0].input).toEqual({
      pipelineName: 'MyFirstPipeline', stageName: 'Approval', actionName: 'ManualApproval', token: TOKEN, result: { status: 'Approved', summary: 'Approved from Slack by ana (Slack U0ANA)' },
    });
  });

  it('rejects with status Rejected', async () => {
    codepipeline.on(GetPipelineStateCommand).resolves(state('InProgress'));
    codepipeline.on(PutApprovalResultCommand).resolves({});
    expect(await decide(false)).toEqual({ done: true, detail: 'rejected' });
    expect(codepipeline.commandCalls(PutApprovalResultCommand)[0]!.args[0].input.result?.status).toBe('Rejected');
  });

  it.each([
    ['already decided', state('Succeeded')],
    ['expired or rejected', state('Failed')],
    ['waiting in a newer execution (this one superseded)', state('InProgress', 'a-newer-execution')],
  ])('refuses an approval that is %s, sending nothing', async (_, answer) => {
    codepipeline.on(GetPipelineStateCommand).resolves(answer);
    expect(await decide()).toEqual({ done: false, reason: 'the approval is no longer waiting (decided, expired or superseded)' });
    expect(codepipeline.commandCalls(PutApprovalResultCommand)).toHaveLength(0);
  });

  it('refuses when CodePipeline says the approval was decided in between', async () => {
    codepipeline.on(GetPipelineStateCommand).resolves(state('InProgress'));
    codepipeline.on(PutApprovalResultCommand).rejects(new ApprovalAlreadyCompletedException({ message: 'Approval already completed', $metadata: {} }));
    expect(await decide()).toEqual({ done: false, reason: 'the approval was already decided' });
  });

  it('lets a fault through, for a retry', async () => {
    codepipeline.on(GetPipelineStateCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(decide()).rejects.toThrow('Rate exceeded');
  });

  it('never says the token in an answer', async () => {
    codepipeline.on(GetPipelineStateCommand).resolves(state('InProgress'));
    codepipeline.on(PutApprovalResultCommand).rejects(new ApprovalAlreadyCompletedException({ message: `token ${TOKEN} done`, $metadata: {} }));
    expect(JSON.stringify(await decide())).not.toContain(TOKEN);
  });
});

describe('codePipelineControl.retry', () => {
  it('retries the failed actions of the stage in that execution', async () => {
    codepipeline.on(RetryStageExecutionCommand).resolves({ pipelineExecutionId: EXECUTION });
    expect(await control.retry({ pipeline: 'MyFirstPipeline', stage: 'Deploy', executionId: EXECUTION })).toEqual({ done: true, detail: `retrying the failed actions (execution ${EXECUTION})` });
    expect(codepipeline.commandCalls(RetryStageExecutionCommand)[0]!.args[0].input).toEqual({ pipelineName: 'MyFirstPipeline', stageName: 'Deploy', pipelineExecutionId: EXECUTION, retryMode: 'FAILED_ACTIONS' });
  });

  it('refuses a stage that cannot be retried', async () => {
    codepipeline.on(RetryStageExecutionCommand).rejects(new StageNotRetryableException({ message: 'no', $metadata: {} }));
    expect(await control.retry({ pipeline: 'MyFirstPipeline', stage: 'Deploy', executionId: EXECUTION })).toEqual({ done: false, reason: 'the stage cannot be retried now (it has not failed, or is still running)' });
  });
});

describe('codePipelineControl.rollback', () => {
  const summaries = [
    { pipelineExecutionId: 'newer', status: 'InProgress' },
    { pipelineExecutionId: EXECUTION, status: 'Failed' },
    { pipelineExecutionId: 'failed-before', status: 'Failed' },
    { pipelineExecutionId: 'good-before', status: 'Succeeded' },
    { pipelineExecutionId: 'good-long-before', status: 'Succeeded' },
  ] as const;

  it('rolls the stage back to the last execution that succeeded before this one', async () => {
    codepipeline.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [...summaries] });
    codepipeline.on(RollbackStageCommand).resolves({ pipelineExecutionId: 'rollback-1' });
    expect(await control.rollback({ pipeline: 'MyFirstPipeline', stage: 'Deploy', executionId: EXECUTION })).toEqual({ done: true, detail: 'rolling back to execution good-before (rollback execution rollback-1)' });
    expect(codepipeline.commandCalls(RollbackStageCommand)[0]!.args[0].input).toEqual({ pipelineName: 'MyFirstPipeline', stageName: 'Deploy', targetPipelineExecutionId: 'good-before' });
  });

  it('refuses when nothing succeeded before it, sending nothing', async () => {
    codepipeline.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: summaries.slice(0, 3) });
    expect(await control.rollback({ pipeline: 'MyFirstPipeline', stage: 'Deploy', executionId: EXECUTION })).toEqual({ done: false, reason: "no earlier successful execution among the pipeline's last 100" });
    expect(codepipeline.commandCalls(RollbackStageCommand)).toHaveLength(0);
  });
});
