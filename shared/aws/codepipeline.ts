import { CodePipelineClient, GetPipelineExecutionCommand, ListActionExecutionsCommand, paginateListActionExecutions, paginateListPipelineExecutions, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import type { ProductionHistory } from '../dora';
import type { Pipelines } from '../ports';

/** How far back `history` reads: 3 pages of 100 executions. */
const HISTORY_PAGES = 3;

export function codePipelines(client: CodePipelineClient): Pipelines {
  return {
    async start({ pipeline, clientRequestToken, variables, sourceRevision }) {
      const { pipelineExecutionId } = await client.send(
        new StartPipelineExecutionCommand({
          name: pipeline,
          clientRequestToken,
          variables: variables.length > 0 ? variables : undefined,
          sourceRevisions: sourceRevision && [{ actionName: sourceRevision.actionName, revisionType: 'COMMIT_ID', revisionValue: sourceRevision.commitId }],
        }),
      );
      return { executionId: pipelineExecutionId ?? 'unknown' };
    },
    async executionRevision(pipelineName, pipelineExecutionId) {
      const { pipelineExecution } = await client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }));
      const revision = pipelineExecution?.artifactRevisions?.find(({ revisionId }) => /^[0-9a-f]{40}$/.test(revisionId ?? ''));
      if (!revision?.revisionId) return undefined;
      const variables = Object.fromEntries((pipelineExecution?.variables ?? []).map((variable) => [variable.name ?? '', variable.resolvedValue ?? '']));
      return { commitId: revision.revisionId, committedAt: revision.created?.toISOString(), variables };
    },
    async actionExecutions(pipelineName, pipelineExecutionId) {
      const actions = [];
      for await (const page of paginateListActionExecutions({ client }, { pipelineName, filter: { pipelineExecutionId } })) {
        for (const { stageName = '', actionName = '', output } of page.actionExecutionDetails ?? []) {
          actions.push({ stage: stageName, action: actionName, externalExecutionId: output?.executionResult?.externalExecutionId });
        }
      }
      return actions;
    },
    async history(pipeline, { before, sourceAction }) {
      const history: ProductionHistory = { deployments: [], rollbacks: [] };
      let pages = 0;
      // newest first; what DORA asks about is recent, so a few pages reach back far enough
      for await (const page of paginateListPipelineExecutions({ client, pageSize: 100 }, { pipelineName: pipeline })) {
        for (const { pipelineExecutionId: executionId, status, startTime, lastUpdateTime, executionType, sourceRevisions = [] } of page.pipelineExecutionSummaries ?? []) {
          const endedAt = lastUpdateTime?.toISOString();
          if (status !== 'Succeeded' || !executionId || !endedAt || Date.parse(endedAt) > Date.parse(before)) continue;
          if (executionType === 'ROLLBACK') history.rollbacks.push({ pipeline, executionId, startedAt: startTime?.toISOString() ?? endedAt, endedAt });
          else history.deployments.push({ pipeline, executionId, deployedAt: endedAt, commitId: sourceRevisions.find(({ actionName }) => actionName === sourceAction)?.revisionId });
        }
        if ((pages += 1) === HISTORY_PAGES) break;
      }
      return history;
    },
    async findActionExecution(pipelineName, externalExecutionId) {
      // newest first: the action that ran a deployment being reported now is on the first page
      const { actionExecutionDetails = [] } = await client.send(new ListActionExecutionsCommand({ pipelineName, maxResults: 100 }));
      const found = actionExecutionDetails.find(({ output }) => output?.executionResult?.externalExecutionId === externalExecutionId);
      return found?.pipelineExecutionId ? { executionId: found.pipelineExecutionId, stage: found.stageName ?? '', action: found.actionName ?? '' } : undefined;
    },
  };
}
