import { type ArtifactRevision, CodePipelineClient, GetPipelineExecutionCommand, ListActionExecutionsCommand, paginateListActionExecutions, paginateListPipelineExecutions, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import type { ProductionHistory } from '../dora';
import * as z from 'zod/mini';
import type { ConnectionCommit, Pipelines } from '../ports';

/** How far back `history` reads: 3 pages of 100 executions. */
const HISTORY_PAGES = 3;

const COMMIT_ID = /^[0-9a-f]{40}$/;

/** CodePipeline, each pipeline read and started through the client for where it lives. */
export function codePipelines(clientFor: (pipeline: string) => CodePipelineClient): Pipelines {
  const sourceOutput = async (pipelineName: string, pipelineExecutionId: string, sourceAction: string) => {
    for await (const page of paginateListActionExecutions({ client: clientFor(pipelineName) }, { pipelineName, filter: { pipelineExecutionId } })) {
      const action = page.actionExecutionDetails?.find(({ actionName }) => actionName === sourceAction);
      if (action) return { commitId: action.output?.outputVariables?.CommitId ?? action.output?.executionResult?.externalExecutionId, variables: action.output?.outputVariables ?? {} };
    }
    return undefined;
  };
  return {
    async start({ pipeline, clientRequestToken, variables, sourceRevision }) {
      const { pipelineExecutionId } = await clientFor(pipeline).send(
        new StartPipelineExecutionCommand({
          name: pipeline,
          clientRequestToken,
          variables: variables.length > 0 ? variables : undefined,
          sourceRevisions: sourceRevision && [{ actionName: sourceRevision.actionName, revisionType: 'COMMIT_ID', revisionValue: sourceRevision.commitId }],
        }),
      );
      return { executionId: pipelineExecutionId ?? 'unknown' };
    },
    async executionRevision(pipelineName, pipelineExecutionId, sourceAction, sourceProvider = 'CodeCommit') {
      const { pipelineExecution } = await clientFor(pipelineName).send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }));
      const commits = pipelineExecution?.artifactRevisions?.filter(({ revisionId }) => COMMIT_ID.test(revisionId ?? '')) ?? [];
      const connected = sourceProvider === 'CodeStarSourceConnection';
      // artifacts are named for their output, not their action: with several, the source action's own output says which;
      // a connection's output variables say what its revision does not (the author date, the branch, the repository)
      const output = commits.length > 1 || (connected && commits.length > 0) ? await sourceOutput(pipelineName, pipelineExecutionId, sourceAction) : undefined;
      const commitOfAction = commits.length > 1 ? output?.commitId : commits[0]?.revisionId;
      const revision = commits.find(({ revisionId }) => revisionId === commitOfAction);
      if (!revision?.revisionId) return undefined;
      const variables = Object.fromEntries((pipelineExecution?.variables ?? []).map((variable) => [variable.name ?? '', variable.resolvedValue ?? '']));
      const { triggerType, triggerDetail } = pipelineExecution?.trigger ?? {};
      return {
        commitId: revision.revisionId,
        committedAt: revision.created?.toISOString(),
        variables,
        connection: connected ? connectionCommit(revision, output?.variables ?? {}) : undefined,
        trigger: triggerType && { type: triggerType, detail: triggerDetail },
      };
    },
    async actionExecutions(pipelineName, pipelineExecutionId) {
      const actions = [];
      for await (const page of paginateListActionExecutions({ client: clientFor(pipelineName) }, { pipelineName, filter: { pipelineExecutionId } })) {
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
      for await (const page of paginateListPipelineExecutions({ client: clientFor(pipeline), pageSize: 100 }, { pipelineName: pipeline })) {
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
      const { actionExecutionDetails = [] } = await clientFor(pipelineName).send(new ListActionExecutionsCommand({ pipelineName, maxResults: 100 }));
      const found = actionExecutionDetails.find(({ output }) => output?.executionResult?.externalExecutionId === externalExecutionId);
      return found?.pipelineExecutionId ? { executionId: found.pipelineExecutionId, stage: found.stageName ?? '', action: found.actionName ?? '' } : undefined;
    },
  };
}

/**
 * A connection's revision summary is JSON, `{"ProviderType":"GitHub","CommitMessage":"..."}`; a
 * CodeCommit one is the message itself.
 */
const ConnectionSummary = z.object({ ProviderType: z.optional(z.string()), CommitMessage: z.optional(z.string()) });

function summaryOf(revisionSummary: string | undefined): z.infer<typeof ConnectionSummary> {
  try {
    return ConnectionSummary.safeParse(JSON.parse(revisionSummary ?? '')).data ?? {};
  } catch {
    return {};
  }
}

const isoDate = (text: string | undefined) => (text && !Number.isNaN(Date.parse(text)) ? new Date(text).toISOString() : undefined);

/** https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html (output variables) */
function connectionCommit(revision: ArtifactRevision, variables: Record<string, string>): ConnectionCommit {
  const summary = summaryOf(revision.revisionSummary);
  const commit: ConnectionCommit = {
    provider: summary.ProviderType,
    repository: variables.FullRepositoryName,
    branch: variables.BranchName,
    message: variables.CommitMessage ?? summary.CommitMessage,
    authoredAt: isoDate(variables.AuthorDate),
    url: revision.revisionUrl,
  };
  return Object.fromEntries(Object.entries(commit).filter(([, value]) => value)) as ConnectionCommit;
}
