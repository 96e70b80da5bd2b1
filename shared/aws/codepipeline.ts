import type { ProductionHistory } from '../dora';
import * as z from 'zod/mini';
import type { ConnectionCommit, Pipelines } from '../ports';
import type { AwsJsonCall } from './signed-call';

/** How far back `history` reads: 3 pages of 100 executions. */
const HISTORY_PAGES = 3;

const COMMIT_ID = /^[0-9a-f]{40}$/;

// What CodePipeline answers, as far as it is read; times in epoch seconds:
// https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_Types.html
interface ArtifactRevision {
  revisionId?: string;
  revisionSummary?: string;
  revisionUrl?: string;
  created?: number;
}
interface PipelineExecution {
  artifactRevisions?: ArtifactRevision[];
  variables?: { name?: string; resolvedValue?: string }[];
  trigger?: { triggerType?: string; triggerDetail?: string };
}
interface ActionExecutionDetail {
  pipelineExecutionId?: string;
  stageName?: string;
  actionName?: string;
  output?: { outputVariables?: Record<string, string>; executionResult?: { externalExecutionId?: string } };
}
interface PipelineExecutionSummary {
  pipelineExecutionId?: string;
  status?: string;
  startTime?: number;
  lastUpdateTime?: number;
  executionType?: string;
  sourceRevisions?: { actionName?: string; revisionId?: string }[];
}

const isoOf = (epochSeconds: number | undefined) => (epochSeconds === undefined ? undefined : new Date(epochSeconds * 1000).toISOString());

/** Every page of a CodePipeline list, `nextToken` after `nextToken`, up to `maxPages`. */
async function* pages<Page extends { nextToken?: string }>(call: AwsJsonCall, operation: string, input: object, maxPages = Infinity): AsyncGenerator<Page> {
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await call<Page>(operation, { ...input, nextToken });
    yield answer;
    nextToken = answer.nextToken;
    if (!nextToken) return;
  }
}

/** CodePipeline's JSON protocol, as `awsJsonService` takes it. */
export const CODEPIPELINE = { service: 'codepipeline', targetPrefix: 'CodePipeline_20150709', version: '1.1' } as const;

/** CodePipeline, each pipeline read and started through the client for where it lives. */
export function codePipelines(clientFor: (pipeline: string) => AwsJsonCall): Pipelines {
  const sourceOutput = async (pipelineName: string, pipelineExecutionId: string, sourceAction: string) => {
    for await (const page of pages<{ actionExecutionDetails?: ActionExecutionDetail[]; nextToken?: string }>(clientFor(pipelineName), 'ListActionExecutions', { pipelineName, filter: { pipelineExecutionId } })) {
      const action = page.actionExecutionDetails?.find(({ actionName }) => actionName === sourceAction);
      if (action) return { commitId: action.output?.outputVariables?.CommitId ?? action.output?.executionResult?.externalExecutionId, variables: action.output?.outputVariables ?? {} };
    }
    return undefined;
  };
  return {
    async start({ pipeline, clientRequestToken, variables, sourceRevision }) {
      const { pipelineExecutionId } = await clientFor(pipeline)<{ pipelineExecutionId?: string }>('StartPipelineExecution', {
        name: pipeline,
        clientRequestToken,
        variables: variables.length > 0 ? variables : undefined,
        sourceRevisions: sourceRevision && [{ actionName: sourceRevision.actionName, revisionType: 'COMMIT_ID', revisionValue: sourceRevision.commitId }],
      });
      return { executionId: pipelineExecutionId ?? 'unknown' };
    },
    async executionRevision(pipelineName, pipelineExecutionId, sourceAction, sourceProvider = 'CodeCommit') {
      const { pipelineExecution } = await clientFor(pipelineName)<{ pipelineExecution?: PipelineExecution }>('GetPipelineExecution', { pipelineName, pipelineExecutionId });
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
        committedAt: isoOf(revision.created),
        variables,
        connection: connected ? connectionCommit(revision, output?.variables ?? {}) : undefined,
        trigger: triggerType ? { type: triggerType, detail: triggerDetail } : undefined,
      };
    },
    async actionExecutions(pipelineName, pipelineExecutionId) {
      const actions = [];
      for await (const page of pages<{ actionExecutionDetails?: ActionExecutionDetail[]; nextToken?: string }>(clientFor(pipelineName), 'ListActionExecutions', { pipelineName, filter: { pipelineExecutionId } })) {
        for (const { stageName = '', actionName = '', output } of page.actionExecutionDetails ?? []) {
          actions.push({ stage: stageName, action: actionName, externalExecutionId: output?.executionResult?.externalExecutionId });
        }
      }
      return actions;
    },
    async history(pipeline, { before, sourceAction }) {
      const history: ProductionHistory = { deployments: [], rollbacks: [] };
      // newest first; what DORA asks about is recent, so a few pages reach back far enough
      for await (const page of pages<{ pipelineExecutionSummaries?: PipelineExecutionSummary[]; nextToken?: string }>(clientFor(pipeline), 'ListPipelineExecutions', { pipelineName: pipeline, maxResults: 100 }, HISTORY_PAGES)) {
        for (const { pipelineExecutionId: executionId, status, startTime, lastUpdateTime, executionType, sourceRevisions = [] } of page.pipelineExecutionSummaries ?? []) {
          const endedAt = isoOf(lastUpdateTime);
          if (status !== 'Succeeded' || !executionId || !endedAt || Date.parse(endedAt) > Date.parse(before)) continue;
          if (executionType === 'ROLLBACK') history.rollbacks.push({ pipeline, executionId, startedAt: isoOf(startTime) ?? endedAt, endedAt });
          else history.deployments.push({ pipeline, executionId, deployedAt: endedAt, commitId: sourceRevisions.find(({ actionName }) => actionName === sourceAction)?.revisionId });
        }
      }
      return history;
    },
    async findActionExecution(pipelineName, externalExecutionId) {
      // newest first: the action that ran a deployment being reported now is on the first page
      const { actionExecutionDetails = [] } = await clientFor(pipelineName)<{ actionExecutionDetails?: ActionExecutionDetail[] }>('ListActionExecutions', { pipelineName, maxResults: 100 });
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
