import type { ActionExecutionEvent, CodePipelineEvent, PipelineExecutionEvent, StageExecutionEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { countOnce, metrics, MetricUnit, singleMetrics } from '../../shared/metrics';
import { startPipelines } from '../../shared/pipeline-starts';
import { findPipeline, teamFor } from '../../shared/policy-rules';
import type { ExecutionRevision, ExecutionStep, Ledger, Notifications, Pipelines, SourceReader } from '../../shared/ports';
import type { PipelineRule, ReleasePolicy } from '../../shared/release-policy';
import { linkAction } from './link-action';
import { pipelineNotification, triggerOf, type Brought } from './pipeline-notification';
import { planPromotion } from './plan-promotion';
import { deploymentFacts, rollbackFacts, type Deployment, type DoraFact, type Rollback } from '../../shared/dora';
import { claimFacts } from '../../shared/dora-facts';
import { clipText } from '../../shared/release-notification';

export interface OnPipelineDeps {
  policy: ReleasePolicy;
  pipelines: Pipelines;
  source: Pick<SourceReader, 'commitsBetween'>;
  ledger: Ledger;
  notifications: Notifications;
}

/**
 * How many commits one ended execution reads at most (for its lead times and the card): CodeCommit
 * gives a commit's parents only, so a straight line of commits takes a BatchGetCommits call each,
 * one after another.
 */
const COMMITS_PER_DEPLOYMENT = 30;

/** What one event of a pipeline may use: its team, its repository, and CodePipeline's reads when its role allows them. */
interface Scope {
  /** In release-policy.yml: its name may be a metric dimension, and its role may read it. */
  inPolicy: boolean;
  route: { team: string; repository?: string };
  production: boolean;
  sourceAction: string;
  sourceProvider: PipelineRule['sourceProvider'];
  lookups: Pick<Pipelines, 'actionExecutions' | 'executionRevision'>;
}

const unreadable: Scope['lookups'] = { actionExecutions: async () => [], executionRevision: async () => undefined };

/** A pipeline, stage or action changed state: log it in the ledger, tell the team, count results and DORA measures, announce approvals, promote successes. */
export async function handle(event: CodePipelineEvent, deps: OnPipelineDeps) {
  const { pipeline, 'execution-id': executionId } = event.detail;
  logger.appendKeys({ pipeline, executionId });
  const owner = findPipeline(deps.policy, pipeline, { account: event.account, region: event.region });
  if (!owner) {
    logger.info('pipeline outside release-policy.yml (or in another account or region than it says): nothing read from CodePipeline');
    // its own record: the pipeline's name is no dimension of ours
    singleMetrics.addMetric('PipelineEventsOutsidePolicy', MetricUnit.Count, 1);
  }
  // the role reads only the policy's pipelines: another pipeline's events are recorded and told, never looked up
  const scope: Scope = { inPolicy: owner !== undefined, route: { team: teamFor(deps.policy, { pipeline }), repository: owner?.repository }, production: owner?.rule.production ?? false, sourceAction: owner?.rule.sourceAction ?? 'Source', sourceProvider: owner?.rule.sourceProvider ?? 'CodeCommit', lookups: owner ? deps.pipelines : unreadable };
  switch (event['detail-type']) {
    case 'CodePipeline Action Execution State Change':
      return actionChanged(event, scope, deps);
    case 'CodePipeline Stage Execution State Change':
      return stageChanged(event, scope, deps);
    case 'CodePipeline Pipeline Execution State Change':
      return event.detail.state === 'SUCCEEDED' || event.detail.state === 'FAILED' ? executionEnded({ ...event, detail: { ...event.detail, state: event.detail.state } }, scope, deps) : executionChanged(event, scope, deps);
  }
}

const stepOf = (event: CodePipelineEvent): ExecutionStep => ({ pipeline: event.detail.pipeline, executionId: event.detail['execution-id'], state: event.detail.state, at: event.time, eventId: event.id, trigger: triggerOf(event) });

async function actionChanged(event: ActionExecutionEvent, { route, lookups }: Scope, { ledger, notifications }: OnPipelineDeps) {
  const { stage, action, state, type } = event.detail;
  const [link] = await Promise.all([linkAction(event, lookups, ledger), notifications.publish([pipelineNotification(event, route)])]);
  // the event's own record last: a delivery that failed before it left none, so its retry counts
  const isNew = await ledger.recordStep({ ...stepOf(event), stage, action });
  if (type?.category === 'Approval' && state === 'STARTED') {
    logger.info('manual approval waiting', { stage, action });
    metrics.addMetric('ApprovalsRequested', MetricUnit.Count, 1);
  } else logger.info('action state', { stage, action, state, category: type?.category, link });
  countOnce(isNew);
  return { state, link };
}

async function stageChanged(event: StageExecutionEvent, { route }: Scope, { ledger, notifications }: OnPipelineDeps) {
  await notifications.publish([pipelineNotification(event, route)]);
  await ledger.recordStep({ ...stepOf(event), stage: event.detail.stage });
  logger.info('stage state', { stage: event.detail.stage, state: event.detail.state });
  return { state: event.detail.state };
}

async function executionChanged(event: PipelineExecutionEvent, { route }: Scope, { ledger, notifications }: OnPipelineDeps) {
  logger.info('pipeline state', { state: event.detail.state });
  await notifications.publish([pipelineNotification(event, route)]);
  await ledger.recordStep(stepOf(event));
  return { state: event.detail.state };
}

async function executionEnded(event: PipelineExecutionEvent & { detail: { state: 'SUCCEEDED' | 'FAILED' } }, scope: Scope, deps: OnPipelineDeps) {
  const { pipeline, 'execution-id': executionId, state } = event.detail;
  const { policy, pipelines, ledger, notifications } = deps;
  logger.info('pipeline state', { state });
  const revision = await scope.lookups.executionRevision(pipeline, executionId, scope.sourceAction, scope.sourceProvider);
  const plan = planPromotion(event, policy, revision);
  // read once: the commits go to the team whatever the state, the DORA facts count a success
  const [listing, promoted] = await Promise.all([scope.production ? listingOf(event, revision, scope, deps) : undefined, startPipelines(plan, pipelines), recordConnectionCommit(event, revision, ledger)]);
  await notifications.publish([pipelineNotification(event, scope.route, revision, listing && !listing.rollback ? listing.brought : undefined)]);
  const dora = listing && state === 'SUCCEEDED' ? await claimFacts(doraFactsOf(event, revision?.commitId, listing), ledger) : [];
  // the event's own record last: a delivery that failed before it left none, so its retry counts
  const isNew = await ledger.recordStep(stepOf(event));
  if (scope.inPolicy) {
    metrics.addDimension('pipeline', pipeline);
    metrics.addMetric('PipelineSucceeded', MetricUnit.Count, state === 'SUCCEEDED' ? 1 : 0);
    metrics.addMetric('PipelineFailed', MetricUnit.Count, state === 'FAILED' ? 1 : 0);
  }
  countOnce(isNew);
  return { state, dora, promoted, skipped: plan.skipped };
}

/**
 * An ended execution of a production pipeline as CodePipeline lists it: a roll back, or a
 * deployment, with the commits whose lead time it gives and what the card tells of them.
 */
type Listing = { rollback: Rollback; deployments: Deployment[] } | { rollback?: undefined; timed: { commitId: string; authoredAt?: string }[]; brought?: Brought };

/**
 * As CodePipeline lists the pipeline: a roll back, or an execution bringing the commits since the
 * previous deployment, none when its commit or repository is unknown (every retry of this event
 * reads the same list, so counts the same).
 */
async function listingOf(event: PipelineExecutionEvent, revision: ExecutionRevision | undefined, { route, sourceAction, sourceProvider }: Scope, { pipelines, source }: OnPipelineDeps): Promise<Listing> {
  const { pipeline, 'execution-id': executionId } = event.detail;
  const { deployments, rollbacks } = await pipelines.history(pipeline, { before: event.time, sourceAction });
  const rollback = rollbacks.find((known) => known.executionId === executionId);
  if (rollback) return { rollback, deployments };
  const { repository } = route;
  if (!revision || !repository) return { timed: [] };
  const { commitId } = revision;
  // a connection's repository is not CodeCommit's: the revision itself, from its author date (else the revision's time) as CodePipeline gives it
  if (sourceProvider !== 'CodeCommit') return { timed: [{ commitId, authoredAt: revision.connection?.authoredAt ?? revision.committedAt }] };
  const previous = deployments.find((earlier) => earlier.executionId !== executionId && earlier.commitId);
  // without an earlier deployment, only the commit itself: its history was never deployed here
  const { commits, complete } = await source.commitsBetween(repository, previous?.commitId, commitId, previous ? COMMITS_PER_DEPLOYMENT : 1);
  return { timed: commits, brought: { repository, since: previous?.commitId, commitId, commits, complete } };
}

/**
 * A connection's commit comes with no push event: the ledger records it as on-push records a
 * CodeCommit push (the first record of it stays), pushed about when its execution started.
 */
async function recordConnectionCommit(event: PipelineExecutionEvent, revision: ExecutionRevision | undefined, ledger: Ledger) {
  const { repository, branch, message } = revision?.connection ?? {};
  if (!revision || !repository || !branch) return;
  const title = message === undefined ? undefined : clipText(message.split('\n')[0]!, 500);
  await ledger.recordPush({ repository, branch, commitId: revision.commitId, title, pushedAt: event.detail['start-time'] ?? event.time, eventId: event.id });
}

/** A roll back says the deployment before it failed; a deployment counts itself and the lead time of each commit it brought. */
function doraFactsOf(event: PipelineExecutionEvent, commitId: string | undefined, listing: Listing): DoraFact[] {
  if (listing.rollback) return rollbackFacts(listing.rollback, listing.deployments);
  const { pipeline, 'execution-id': executionId } = event.detail;
  return deploymentFacts({ pipeline, executionId, deployedAt: event.time, commitId }, listing.timed);
}
