import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { logger } from '../logger';
import type { PipelineControl } from '../ports';
import { readJsonLines } from './json-lines';

interface RecordedCall {
  call: string;
  pipeline: string;
  executionId: string;
  stage: string;
  action?: string;
}

/**
 * Dry run: an approval, retry or roll back is logged and appended to a JSON-lines file, never sent
 * to AWS. The file stands in for the pipeline's state too: an approval recorded as decided is no
 * longer waiting, as GetPipelineState would say.
 */
export function recordedControl(recordFile: string): PipelineControl {
  const record = async (call: string, request: object, detail: string) => {
    logger.info(`dry run: ${call} not sent`, { dryRun: request });
    await mkdir(dirname(recordFile), { recursive: true });
    await appendFile(recordFile, `${JSON.stringify({ call, ...request, recordedAt: new Date().toISOString() })}\n`);
    return { done: true as const, detail: `${detail} (dry run: recorded, not sent)` };
  };
  return {
    async decide(request) {
      const decided = (await readRecordedCalls(recordFile)).some(
        (recorded) => recorded.call === 'PutApprovalResult' && recorded.pipeline === request.pipeline && recorded.executionId === request.executionId && recorded.stage === request.stage && recorded.action === request.action,
      );
      if (decided) return { done: false, reason: 'the approval is no longer waiting (decided, expired or superseded)' };
      return record('PutApprovalResult', request, request.approved ? 'approved' : 'rejected');
    },
    retry: (request) => record('RetryStageExecution', { ...request, retryMode: 'FAILED_ACTIONS' }, 'retrying the failed actions'),
    rollback: (request) => record('RollbackStage', request, 'rolling back to the last successful execution'),
  };
}

export const readRecordedCalls = (recordFile: string) => readJsonLines<RecordedCall>(recordFile);
