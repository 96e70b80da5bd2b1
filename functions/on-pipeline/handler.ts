import policy from '../../release-policy.yml';
import { CodePipelineEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { withEvents } from '../../shared/event-middleware';
import { startPipelines } from '../../shared/pipeline-starts';
import { deadLetters, pipelines } from '../../shared/runtime';
import { planPromotion } from './plan-promotion';

const pipelineClient = pipelines();

/** A pipeline, stage or action changed state: log it, count pipeline results, announce approvals, promote successes. */
export const handler = withEvents('on-pipeline', CodePipelineEvent, deadLetters(), async (event) => {
  const { detail } = event;
  logger.appendKeys({ pipeline: detail.pipeline, executionId: detail['execution-id'] });
  switch (event['detail-type']) {
    case 'CodePipeline Action Execution State Change': {
      const { stage, action, state, type } = event.detail;
      if (type?.category === 'Approval' && state === 'STARTED') {
        logger.info('manual approval waiting', { stage, action });
        metrics.addMetric('ApprovalsRequested', MetricUnit.Count, 1);
      } else logger.info('action state', { stage, action, state, category: type?.category });
      return { state };
    }
    case 'CodePipeline Stage Execution State Change':
      logger.info('stage state', { stage: event.detail.stage, state: event.detail.state });
      return { state: event.detail.state };
    case 'CodePipeline Pipeline Execution State Change': {
      const { state } = event.detail;
      logger.info('pipeline state', { state });
      if (state === 'SUCCEEDED' || state === 'FAILED') {
        metrics.addDimension('pipeline', detail.pipeline);
        metrics.addMetric('PipelineSucceeded', MetricUnit.Count, state === 'SUCCEEDED' ? 1 : 0);
        metrics.addMetric('PipelineFailed', MetricUnit.Count, state === 'FAILED' ? 1 : 0);
      }
      const plan = await planPromotion(event, policy, pipelineClient);
      const promoted = await startPipelines(plan, pipelineClient);
      return { state, promoted, skipped: plan.skipped };
    }
  }
});
