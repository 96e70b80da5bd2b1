import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { logger } from '../logger';
import type { PipelineStart, Pipelines } from '../ports';

interface RecordedStart extends PipelineStart {
  executionId: string;
  recordedAt: string;
}

/**
 * Dry run: a pipeline start is logged and appended to a JSON-lines file, never sent to AWS.
 * The file also answers `executionRevision` for the executions it recorded, so a promotion can be
 * followed locally end to end.
 */
export function recordedPipelines(recordFile: string): Pipelines {
  return {
    async start(request) {
      // a fake execution id in CodePipeline's UUID shape, stable per request token (so a retry records the same id)
      const hex = createHash('sha256').update(request.clientRequestToken).digest('hex');
      const executionId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
      const recorded: RecordedStart = { ...request, executionId, recordedAt: new Date().toISOString() };
      logger.info('dry run: StartPipelineExecution not sent', { dryRun: recorded });
      await mkdir(dirname(recordFile), { recursive: true });
      await appendFile(recordFile, `${JSON.stringify(recorded)}\n`);
      return { executionId };
    },
    // nothing runs locally, so no action has an id of its provider's
    actionExecutions: async () => [],
    findActionExecution: async () => undefined,
    async executionRevision(pipeline, executionId) {
      const recorded = (await readRecordedStarts(recordFile)).find((start) => start.pipeline === pipeline && start.executionId === executionId);
      if (!recorded) return undefined;
      return { commitId: recorded.context.commitId, variables: Object.fromEntries(recorded.variables.map(({ name, value }) => [name, value])) };
    },
  };
}

export async function readRecordedStarts(recordFile: string): Promise<RecordedStart[]> {
  const text = await readFile(recordFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedStart);
}
