import { CodePipelineClient, GetPipelineExecutionCommand, ListActionExecutionsCommand, paginateListActionExecutions, paginateListPipelineExecutions, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import type { Deployment } from '../dora';
import type { Pipelines } from '../ports';

/** How far back `deployments` reads: 3 pages of 100 executions. */
const DEPLOYMENT_PAGES = 3;

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
    async deployments(pipelineName, { before, sourceAction }) {
      const found: Deployment[] = [];
      let pages = 0;
      // newest first; what DORA asks about is recent, so a few pages reach back far enough
      for await (const page of paginateListPipelineExecutions({ client, pageSize: 100 }, { pipelineName })) {
        for (const { pipelineExecutionId, status, lastUpdateTime, sourceRevisions = [] } of page.pipelineExecutionSummaries ?? []) {
          const deployedAt = lastUpdateTime?.toISOString();
          if (status !== 'Succeeded' || !pipelineExecutionId || !deployedAt || deployedAt > before) continue;
          const commitId = sourceRevisions.find(({ actionName }) => actionName === sourceAction)?.revisionId;
          found.push({ pipeline: pipelineName, executionId: pipelineExecutionId, deployedAt, commitId });
        }
        if ((pages += 1) === DEPLOYMENT_PAGES) break;
      }
      return found;
    },
    async findActionExecution(pipelineName, externalExecutionId) {
      // newest first: the action that ran a deployment being reported now is on the first page
      const { actionExecutionDetails = [] } = await client.send(new ListActionExecutionsCommand({ pipelineName, maxResults: 100 }));
      const found = actionExecutionDetails.find(({ output }) => output?.executionResult?.externalExecutionId === externalExecutionId);
      return found?.pipelineExecutionId ? { executionId: found.pipelineExecutionId, stage: found.stageName ?? '', action: found.actionName ?? '' } : undefined;
    },
  };
}
