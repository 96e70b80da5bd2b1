import type { ActionExecutionEvent, CodePipelineEvent, PipelineExecutionEvent, StageExecutionEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { startPipelines } from '../../shared/pipeline-starts';
import { findPipeline, teamFor } from '../../shared/policy-rules';
import type { Ledger, Notifications, Pipelines, SourceReader } from '../../shared/ports';
import type { ReleasePolicy } from '../../shared/release-policy';
import { linkAction } from './link-action';
import { pipelineNotification } from './pipeline-notification';
import { planPromotion } from './plan-promotion';
import { deploymentFacts, rollbackFacts, type DoraFact } from '../../shared/dora';
import { claimFacts } from '../../shared/dora-facts';

export interface OnPipelineDeps {
  policy: ReleasePolicy;
  pipelines: Pipelines;
  source: Pick<SourceReader, 'commitsBetween'>;
  ledger: Ledger;
  notifications: Notifications;
}

/**
 * How many commits one deployment's lead times read at most: CodeCommit gives a commit's parents
 * only, so a straight line of commits takes a BatchGetCommits call each, one after another.
 */
const COMMITS_PER_DEPLOYMENT = 30;

/** What one event of a pipeline may use: its team, its repository, and CodePipeline's reads when its role allows them. */
interface Scope {
  /** In release-policy.yml: its name may be a metric dimension, and its role may read it. */
  inPolicy: boolean;
  route: { team: string; repository?: string };
  production: boolean;
  sourceAction: string;
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
  const scope: Scope = { inPolicy: owner !== undefined, route: { team: teamFor(deps.policy, { pipeline }), repository: owner?.repository }, production: owner?.rule.production ?? false, sourceAction: owner?.rule.sourceAction ?? 'Source', lookups: owner ? deps.pipelines : unreadable };
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

async function executionEnded(event: PipelineExecutionEvent & { detail: { state: 'SUCCEEDED' | 'FAILED' } }, scope: Scope, deps: OnPipelineDeps) {
  const { pipeline, 'execution-id': executionId, state } = event.detail;
  const { policy, pipelines, ledger, notifications } = deps;
  logger.info('pipeline state', { state });
  const [, revision] = await Promise.all([ledger.recordStep(stepOf(event)), scope.lookups.executionRevision(pipeline, executionId, scope.sourceAction)]);
  const plan = planPromotion(event, policy, revision);
  const [, promoted] = await Promise.all([notifications.publish([pipelineNotification(event, scope.route, revision)]), startPipelines(plan, pipelines)]);
  if (scope.inPolicy) {
    metrics.addDimension('pipeline', pipeline);
    metrics.addMetric('PipelineSucceeded', MetricUnit.Count, state === 'SUCCEEDED' ? 1 : 0);
    metrics.addMetric('PipelineFailed', MetricUnit.Count, state === 'FAILED' ? 1 : 0);
  }
  const dora = scope.production && state === 'SUCCEEDED' ? await claimFacts(await deploymentFactsOf(event, revision?.commitId, scope, deps), ledger) : [];
  return { state, dora, promoted, skipped: plan.skipped };
}

/**
 * As CodePipeline lists the pipeline: a roll back says the deployment before it failed; anything
 * else is a deployment, with the lead time of each commit it brought since the previous deployment
 * (every retry of this event reads the same list, so counts the same).
 */
async function deploymentFactsOf(event: PipelineExecutionEvent, commitId: string | undefined, { route, sourceAction }: Scope, { pipelines, source }: OnPipelineDeps): Promise<DoraFact[]> {
  const { pipeline, 'execution-id': executionId } = event.detail;
  const { deployments, rollbacks } = await pipelines.history(pipeline, { before: event.time, sourceAction });
  const rollback = rollbacks.find((known) => known.executionId === executionId);
  if (rollback) return rollbackFacts(rollback, deployments);
  const deployment = { pipeline, executionId, deployedAt: event.time, commitId };
  if (!commitId || !route.repository) return deploymentFacts(deployment, []);
  const previous = deployments.find((earlier) => earlier.executionId !== executionId && earlier.commitId);
  // without an earlier deployment, only the commit itself: its history was never deployed here
  const { commits } = await source.commitsBetween(route.repository, previous?.commitId, commitId, previous ? COMMITS_PER_DEPLOYMENT : 1);
  return deploymentFacts(deployment, commits);
}
