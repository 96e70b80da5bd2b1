import type { ActionExecutionEvent, CodePipelineEvent, PipelineExecutionEvent, StageExecutionEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { startPipelines } from '../../shared/pipeline-starts';
import { findPipeline, teamFor } from '../../shared/policy-rules';
import type { Ledger, Notifications, Pipelines } from '../../shared/ports';
import type { ReleasePolicy } from '../../shared/release-policy';
import { linkAction } from './link-action';
import { pipelineNotification } from './pipeline-notification';
import { planPromotion } from './plan-promotion';
import { endedRelease, recordRelease } from './record-release';
import { countRelease } from './release-metrics';

export interface OnPipelineDeps {
  policy: ReleasePolicy;
  pipelines: Pipelines;
  ledger: Ledger;
  notifications: Notifications;
}

/** What one event of a pipeline may use: its team, its repository, and CodePipeline's reads when its role allows them. */
interface Scope {
  /** In release-policy.yml: its name may be a metric dimension, and its role may read it. */
  inPolicy: boolean;
  route: { team: string; repository?: string };
  production: boolean;
  lookups: Pick<Pipelines, 'actionExecutions' | 'executionRevision'>;
}

const unreadable: Scope['lookups'] = { actionExecutions: async () => [], executionRevision: async () => undefined };

/** A pipeline, stage or action changed state: log it in the ledger, tell the team, count results and DORA measures, announce approvals, promote successes. */
export async function handle(event: CodePipelineEvent, deps: OnPipelineDeps) {
  const { pipeline, 'execution-id': executionId } = event.detail;
  logger.appendKeys({ pipeline, executionId });
  const owner = findPipeline(deps.policy, pipeline);
  if (!owner) {
    logger.info('pipeline outside release-policy.yml: nothing read from CodePipeline');
    // its own record: the pipeline's name is no dimension of ours
    metrics.singleMetric().addMetric('PipelineEventsOutsidePolicy', MetricUnit.Count, 1);
  }
  // the role reads only the policy's pipelines: another pipeline's events are recorded and told, never looked up
  const scope: Scope = { inPolicy: owner !== undefined, route: { team: teamFor(deps.policy, { pipeline }), repository: owner?.repository }, production: owner?.rule.production ?? false, lookups: owner ? deps.pipelines : unreadable };
  switch (event['detail-type']) {
    case 'CodePipeline Action Execution State Change':
      return actionChanged(event, scope, deps);
    case 'CodePipeline Stage Execution State Change':
      return stageChanged(event, scope, deps);
    case 'CodePipeline Pipeline Execution State Change':
      return event.detail.state === 'SUCCEEDED' || event.detail.state === 'FAILED' ? executionEnded({ ...event, detail: { ...event.detail, state: event.detail.state } }, scope, deps) : executionChanged(event, scope, deps);
  }
}

const stepOf = (event: CodePipelineEvent) => ({ pipeline: event.detail.pipeline, executionId: event.detail['execution-id'], state: event.detail.state, at: event.time, eventId: event.id });

async function actionChanged(event: ActionExecutionEvent, { route, lookups }: Scope, { ledger, notifications }: OnPipelineDeps) {
  const { stage, action, state, type } = event.detail;
  const [, link] = await Promise.all([ledger.recordStep({ ...stepOf(event), stage, action }), linkAction(event, lookups, ledger), notifications.publish([pipelineNotification(event, route)])]);
  if (type?.category === 'Approval' && state === 'STARTED') {
    logger.info('manual approval waiting', { stage, action });
    metrics.addMetric('ApprovalsRequested', MetricUnit.Count, 1);
  } else logger.info('action state', { stage, action, state, category: type?.category, link });
  return { state, link };
}

async function stageChanged(event: StageExecutionEvent, { route }: Scope, { ledger, notifications }: OnPipelineDeps) {
  await Promise.all([ledger.recordStep({ ...stepOf(event), stage: event.detail.stage }), notifications.publish([pipelineNotification(event, route)])]);
  logger.info('stage state', { stage: event.detail.stage, state: event.detail.state });
  return { state: event.detail.state };
}

async function executionChanged(event: PipelineExecutionEvent, { route }: Scope, { ledger, notifications }: OnPipelineDeps) {
  logger.info('pipeline state', { state: event.detail.state });
  await Promise.all([ledger.recordStep(stepOf(event)), notifications.publish([pipelineNotification(event, route)])]);
  return { state: event.detail.state };
}

async function executionEnded(event: PipelineExecutionEvent & { detail: { state: 'SUCCEEDED' | 'FAILED' } }, { inPolicy, route, production, lookups }: Scope, { policy, pipelines, ledger, notifications }: OnPipelineDeps) {
  const { pipeline, 'execution-id': executionId, state } = event.detail;
  logger.info('pipeline state', { state });
  const [, revision] = await Promise.all([ledger.recordStep(stepOf(event)), lookups.executionRevision(pipeline, executionId)]);
  const plan = planPromotion(event, policy, revision);
  // the notification and the promotion first: once the end is recorded, a retry counts nothing
  const [, release, promoted] = await Promise.all([notifications.publish([pipelineNotification(event, route, revision)]), endedRelease(event, revision, production, ledger), startPipelines(plan, pipelines)]);
  const measures = await recordRelease(release, ledger);
  if (inPolicy) countRelease(pipeline, state, measures);
  if (measures.length > 0) logger.info('release recorded', { commitId: revision?.commitId, dora: measures });
  return { state, measures, promoted, skipped: plan.skipped };
}
