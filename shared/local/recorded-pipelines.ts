import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { logger } from '../logger';
import type { Place } from '../policy-rules';
import type { PipelineStart, Pipelines } from '../ports';
import { readJsonLines } from './json-lines';

export interface RecordedStart extends PipelineStart {
  executionId: string;
  recordedAt: string;
  /** Where the start would have gone: the account and region the policy places the pipeline in. */
  account?: string;
  region?: string;
}

/**
 * One state of an action the local pipeline runner ran (infra/local/pipeline-runner.ts), with the id
 * its provider gave it: what ListActionExecutions would list.
 */
export interface RecordedAction {
  pipeline: string;
  executionId: string;
  stage: string;
  action: string;
  actionExecutionId: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  /** The commit, CodeBuild build id (`project:uuid`) or CodeDeploy deployment id. */
  externalExecutionId?: string;
  at: string;
}

/** An execution the local pipeline runner ended: what ListPipelineExecutions would list. */
export interface RecordedExecution {
  pipeline: string;
  executionId: string;
  status: 'Succeeded' | 'Failed';
  endedAt: string;
  commitId: string;
}

/**
 * Dry run: a pipeline start is logged and appended to a JSON-lines file, never sent to AWS. The file
 * answers `executionRevision` for the executions it recorded, and the actions file, which the local
 * pipeline runner writes as it runs them, answers what ListActionExecutions would, and the
 * executions file, which it writes as each execution ends, what ListPipelineExecutions would.
 */
export function recordedPipelines(recordFile: string, actionsFile?: string, executionsFile?: string, placeOf?: (pipeline: string) => Place): Pipelines {
  return {
    async start(request) {
      // a fake execution id in CodePipeline's UUID shape, stable per request token (so a retry records the same id)
      const hex = createHash('sha256').update(request.clientRequestToken).digest('hex');
      const executionId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
      const recorded: RecordedStart = { ...request, ...placeOf?.(request.pipeline), executionId, recordedAt: new Date().toISOString() };
      logger.info('dry run: StartPipelineExecution not sent', { dryRun: recorded });
      await mkdir(dirname(recordFile), { recursive: true });
      await appendFile(recordFile, `${JSON.stringify(recorded)}\n`);
      return { executionId };
    },
    async actionExecutions(pipeline, executionId) {
      const actions = await latestActions(actionsFile);
      return actions
        .filter((action) => action.pipeline === pipeline && action.executionId === executionId)
        .map(({ stage, action, externalExecutionId }) => ({ stage, action, externalExecutionId }));
    },
    async history(pipeline, { before }) {
      const ended = executionsFile ? await readJsonLines<RecordedExecution>(executionsFile) : [];
      const deployments = ended
        .filter((execution) => execution.pipeline === pipeline && execution.status === 'Succeeded' && Date.parse(execution.endedAt) <= Date.parse(before))
        .sort((a, b) => Date.parse(b.endedAt) - Date.parse(a.endedAt))
        .map(({ executionId, endedAt, commitId }) => ({ pipeline, executionId, deployedAt: endedAt, commitId }));
      // the laptop's runner rolls nothing back: a roll back pressed in Slack is recorded, not run
      return { deployments, rollbacks: [] };
    },
    async findActionExecution(pipeline, externalExecutionId) {
      // as ListActionExecutions with maxResults 100: the pipeline's newest actions first
      const newest = (await latestActions(actionsFile)).filter((action) => action.pipeline === pipeline).reverse().slice(0, 100);
      const found = newest.find((action) => action.externalExecutionId === externalExecutionId);
      return found && { executionId: found.executionId, stage: found.stage, action: found.action };
    },
    async executionRevision(pipeline, executionId) {
      // the laptop's pipelines have one source each
      const recorded = (await readRecordedStarts(recordFile)).find((start) => start.pipeline === pipeline && start.executionId === executionId);
      if (!recorded) return undefined;
      return { commitId: recorded.context.commitId, variables: Object.fromEntries(recorded.variables.map(({ name, value }) => [name, value])) };
    },
  };
}

export async function readRecordedStarts(recordFile: string): Promise<RecordedStart[]> {
  return readJsonLines<RecordedStart>(recordFile);
}

/** Each action's latest state, in the order the actions started. */
async function latestActions(actionsFile: string | undefined): Promise<RecordedAction[]> {
  const latest = new Map<string, RecordedAction>();
  for (const action of actionsFile ? await readJsonLines<RecordedAction>(actionsFile) : []) latest.set(action.actionExecutionId, { ...latest.get(action.actionExecutionId), ...action });
  return [...latest.values()];
}
