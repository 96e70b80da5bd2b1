import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { logger } from '../logger';
import type { PipelineControl } from '../ports';

/** Dry run: an approval, retry or roll back is logged and appended to a JSON-lines file, never sent to AWS. */
export function recordedControl(recordFile: string): PipelineControl {
  const record = async (call: string, request: object, detail: string) => {
    logger.info(`dry run: ${call} not sent`, { dryRun: request });
    await mkdir(dirname(recordFile), { recursive: true });
    await appendFile(recordFile, `${JSON.stringify({ call, ...request, recordedAt: new Date().toISOString() })}\n`);
    return { done: true as const, detail: `${detail} (dry run: recorded, not sent)` };
  };
  return {
    decide: (request) => record('PutApprovalResult', request, request.approved ? 'approved' : 'rejected'),
    retry: (request) => record('RetryStageExecution', { ...request, retryMode: 'FAILED_ACTIONS' }, 'retrying the failed actions'),
    rollback: (request) => record('RollbackStage', request, 'rolling back to the last successful execution'),
  };
}
