import policy from '../../release-policy.yml';
import { CodePipelineEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { withEvents } from '../../shared/event-middleware';
import { startPipelines } from '../../shared/pipeline-starts';
import { findPipeline, teamFor } from '../../shared/policy-rules';
import type { Pipelines } from '../../shared/ports';
import { deadLetters, idempotencyRecords, ledger, notifications, pipelines } from '../../shared/runtime';
import { linkAction } from './link-action';
import { pipelineNotification } from './pipeline-notification';
import { planPromotion } from './plan-promotion';
import { endedRelease, recordRelease } from './record-release';

const pipelineClient = pipelines();
const releases = ledger();
const notifier = notifications();
const unreadable: Pick<Pipelines, 'actionExecutions' | 'executionRevision'> = { actionExecutions: async () => [], executionRevision: async () => undefined };

/** A pipeline, stage or action changed state: log it in the ledger, tell the team, count results and DORA measures, announce approvals, promote successes. */
export const handler = withEvents({ functionName: 'on-pipeline', schema: CodePipelineEvent, deadLetters: deadLetters(), idempotency: idempotencyRecords('on-pipeline') }, async (event) => {
  const { detail } = event;
  logger.appendKeys({ pipeline: detail.pipeline, executionId: detail['execution-id'] });
  const step = { pipeline: detail.pipeline, executionId: detail['execution-id'], state: detail.state, at: event.time, eventId: event.id };
  const owner = findPipeline(policy, detail.pipeline);
  const route = { team: teamFor(policy, { pipeline: detail.pipeline }), repository: owner?.repository };
  // the role reads only the policy's pipelines: another pipeline's events are recorded and told, never looked up
  const lookups = owner ? pipelineClient : unreadable;
  if (!owner) {
    logger.info('pipeline outside release-policy.yml: nothing read from CodePipeline');
    // its own record: the pipeline's name is no dimension of ours
    metrics.singleMetric().addMetric('PipelineEventsOutsidePolicy', MetricUnit.Count, 1);
  }
  switch (event['detail-type']) {
    case 'CodePipeline Action Execution State Change': {
      const { stage, action, state, type } = event.detail;
      const [, link] = await Promise.all([
        releases.recordStep({ ...step, stage, action }),
        linkAction(event, lookups, releases),
        notifier.publish([pipelineNotification(event, route)]),
      ]);
      if (type?.category === 'Approval' && state === 'STARTED') {
        logger.info('manual approval waiting', { stage, action });
        metrics.addMetric('ApprovalsRequested', MetricUnit.Count, 1);
      } else logger.info('action state', { stage, action, state, category: type?.category, link });
      return { state, link };
    }
    case 'CodePipeline Stage Execution State Change':
      await Promise.all([releases.recordStep({ ...step, stage: event.detail.stage }), notifier.publish([pipelineNotification(event, route)])]);
      logger.info('stage state', { stage: event.detail.stage, state: event.detail.state });
      return { state: event.detail.state };
    case 'CodePipeline Pipeline Execution State Change': {
      const { state } = event.detail;
      logger.info('pipeline state', { state });
      if (state !== 'SUCCEEDED' && state !== 'FAILED') {
        await Promise.all([releases.recordStep(step), notifier.publish([pipelineNotification(event, route)])]);
        return { state };
      }

      const [, revision] = await Promise.all([releases.recordStep(step), lookups.executionRevision(detail.pipeline, detail['execution-id'])]);
      const plan = planPromotion(event, policy, revision);
      // the notification and the promotion first: once the end is recorded, a retry counts nothing
      const [, release, promoted] = await Promise.all([
        notifier.publish([pipelineNotification(event, route, revision)]),
        endedRelease({ ...event, detail: { ...event.detail, state } }, revision, owner?.rule.production ?? false, releases),
        startPipelines(plan, pipelineClient),
      ]);
      const measures = await recordRelease(release, releases);
      metrics.addDimension('pipeline', detail.pipeline);
      metrics.addMetric('PipelineSucceeded', MetricUnit.Count, state === 'SUCCEEDED' ? 1 : 0);
      metrics.addMetric('PipelineFailed', MetricUnit.Count, state === 'FAILED' ? 1 : 0);
      for (const { name, unit, value } of measures) {
        // its own EMF record: per pipeline and, as a second dimension set, for all pipelines
        const measure = metrics.singleMetric();
        measure.addDimension('pipeline', detail.pipeline);
        measure.addDimensions({});
        measure.addMetric(name, MetricUnit[unit], value);
      }
      if (measures.length > 0) logger.info('release recorded', { commitId: revision?.commitId, dora: measures });
      return { state, measures, promoted, skipped: plan.skipped };
    }
  }
});
