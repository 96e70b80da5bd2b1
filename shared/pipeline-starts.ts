import { createHash } from 'node:crypto';
import { logger } from './logger';
import { metrics, MetricUnit } from './metrics';
import type { PipelineStart, Pipelines } from './ports';

export interface Skipped {
  pipeline: string;
  reason: string;
}

/** Which pipelines to start and which not, each with its reason: what a decision returns, and what the demo shows. */
export interface StartPlan {
  start: (PipelineStart & { reason: string })[];
  skipped: Skipped[];
}

/**
 * The same event, pipeline and commit always give the same token, so a redelivered event never
 * starts a second execution, and a token never stands for another commit. CodePipeline allows
 * `[a-zA-Z0-9-]+`, 1-128 characters.
 */
export function clientRequestToken(eventId: string, pipeline: string, commitId: string): string {
  return createHash('sha256').update(`${eventId}\n${pipeline}\n${commitId}`).digest('hex');
}

/** Carries out a plan: the one side effect of a decision. */
export async function startPipelines(plan: StartPlan, pipelines: Pick<Pipelines, 'start'>): Promise<{ pipeline: string; executionId: string }[]> {
  const started = [];
  for (const request of plan.start) {
    const { executionId } = await pipelines.start(request);
    logger.info('pipeline started', { pipeline: request.pipeline, executionId, commitId: request.context.commitId, reason: request.reason });
    started.push({ pipeline: request.pipeline, executionId });
  }
  for (const { pipeline, reason } of plan.skipped) logger.info('pipeline skipped', { pipeline, reason });
  if (plan.start.length > 0) metrics.addMetric('PipelinesStarted', MetricUnit.Count, plan.start.length);
  if (plan.skipped.length > 0) metrics.addMetric('PipelinesSkipped', MetricUnit.Count, plan.skipped.length);
  return started;
}
