// BASELINE (benchmark only): on-pipeline by hand, with the function's calls (ledger, DORA for production pipelines, promotion).
import policy from '../../../release-policy.yml';
import { pipelineNotification, triggerOf, type Brought } from '../../../functions/on-pipeline/pipeline-notification';
import { deploymentFacts, factKey, metricOf, type DoraFact } from '../../../shared/dora';
import type { CodePipelineEvent } from '../../../shared/events';
import { findPipeline, teamFor } from '../../../shared/policy-rules';
import { appendKeys, call, deadLetter, emf, invocation, log, publish, putItem, recordEvent, token, type Context } from './aws';

const rules = Object.values(policy.repositories).flatMap((repository) => repository.pipelines);
const epochIso = (seconds: number | string | undefined) => new Date(Number(seconds ?? 0) * 1000).toISOString();

export const handler = (event: CodePipelineEvent, context: Context) => (invocation('on-pipeline', context, event), handle(event));

async function handle(event: CodePipelineEvent): Promise<unknown> {
  const { pipeline, 'execution-id': executionId, state } = event?.detail ?? {};
  if (event?.source !== 'aws.codepipeline' || !pipeline || !executionId || !state) return deadLetter('on-pipeline', 'not a CodePipeline state change', event);
  appendKeys({ pipeline, executionId });
  const owner = findPipeline(policy, pipeline, { account: event.account, region: event.region });
  const route = { team: teamFor(policy, { pipeline }), repository: owner?.repository };
  // the event's own record, written last as the functions write it
  const step = (more: Record<string, unknown> = {}) => recordEvent({ pk: `EXECUTION#${pipeline}#${executionId}`, sk: `STEP#${event.time}#${event.id}`, pipeline, executionId, state, at: event.time, eventId: event.id, trigger: triggerOf(event), ...more });
  if (event['detail-type'] === 'CodePipeline Action Execution State Change') {
    const { stage, action } = event.detail;
    // an action names its build or deployment: tie it to the execution
    const external = event.detail['execution-result']?.['external-execution-id'];
    const link = external ? { kind: 'build', id: external, pipeline, executionId, stage, action } : undefined;
    await Promise.all([link && putItem({ pk: `BUILD#${external}`, sk: `EXECUTION#${pipeline}#${executionId}`, ...link }), publish(pipelineNotification(event, route))]);
    await step({ stage, action });
    return log('INFO', 'action state', { stage, action, state, category: event.detail.type?.category, link });
  }
  if (event['detail-type'] === 'CodePipeline Stage Execution State Change') {
    await publish(pipelineNotification(event, route));
    await step({ stage: event.detail.stage });
    return log('INFO', 'stage state', { stage: event.detail.stage, state });
  }
  log('INFO', 'pipeline state', { state });
  if (state !== 'SUCCEEDED' && state !== 'FAILED') {
    await publish(pipelineNotification(event, route));
    return step();
  }

  const rule = owner?.rule;
  const { pipelineExecution } = await call<{ pipelineExecution?: { artifactRevisions?: { revisionId?: string; created?: number }[]; variables?: { name: string; resolvedValue: string }[] } }>('CodePipeline_20150709.GetPipelineExecution', { pipelineName: pipeline, pipelineExecutionId: executionId });
  const artifact = pipelineExecution?.artifactRevisions?.find((revision) => /^[0-9a-f]{40}$/.test(revision.revisionId ?? ''));
  const revision = artifact && { commitId: artifact.revisionId!, committedAt: epochIso(artifact.created), variables: Object.fromEntries((pipelineExecution?.variables ?? []).map(({ name, resolvedValue }) => [name, resolvedValue])) };
  // the previous deployment as CodePipeline lists it, and the commits since, for the card and the lead times
  let brought: Brought | undefined;
  if (rule?.production && revision && route.repository) {
    const { pipelineExecutionSummaries = [] } = await call<{ pipelineExecutionSummaries?: { status?: string; lastUpdateTime?: number; sourceRevisions?: { revisionId?: string }[] }[] }>('CodePipeline_20150709.ListPipelineExecutions', { pipelineName: pipeline, maxResults: 100 });
    const previous = pipelineExecutionSummaries.find((summary) => summary.status === 'Succeeded' && (summary.lastUpdateTime ?? 0) * 1000 < Date.parse(event.time))?.sourceRevisions?.[0]?.revisionId;
    const { commits: found = [] } = await call<{ commits?: { commitId: string; message?: string; parents?: string[]; author?: { name?: string; email?: string; date?: string } }[] }>('CodeCommit_20150413.BatchGetCommits', { repositoryName: route.repository, commitIds: [revision.commitId] });
    const commits = found.filter((commit) => commit.commitId !== previous).map((commit) => ({ commitId: commit.commitId, author: commit.author?.name ?? '', authorEmail: commit.author?.email, message: commit.message ?? '', authoredAt: epochIso(commit.author?.date?.split(' ')[0]) }));
    brought = { repository: route.repository, since: previous, commitId: revision.commitId, commits, complete: true };
  }
  await publish(pipelineNotification(event, route, revision, brought));
  if (brought && state === 'SUCCEEDED') {
    // the deployment claimed once, carrying its lead times, and counted by whoever claims it
    const [deployment, ...leadTimes] = deploymentFacts({ pipeline, executionId, deployedAt: event.time, commitId: revision?.commitId }, brought.commits);
    if (await putItem({ pk: `DORA#${pipeline}`, sk: `FACT#${factKey(deployment!)}`, fact: deployment, carried: leadTimes }, { expression: 'attribute_not_exists(pk)' })) {
      const claimed: DoraFact[] = [deployment!, ...leadTimes];
      for (const fact of claimed) {
        const { name, value } = metricOf(fact);
        emf({ [name]: value }, { pipeline }, { at: Date.parse(fact.at), alsoByService: true });
      }
      log('INFO', 'DORA facts counted', { dora: claimed });
    }
  }
  const target = state === 'SUCCEEDED' && rule?.promote ? rules.find((candidate) => candidate.name === rule.promote!.to) : undefined;
  if (target && revision) {
    await call('CodePipeline_20150709.StartPipelineExecution', { name: target.name, clientRequestToken: token(event.id, target.name, revision.commitId), sourceRevisions: [{ actionName: target.sourceAction, revisionType: 'COMMIT_ID', revisionValue: revision.commitId }] });
  }
  if (await step()) emf({ PipelineSucceeded: state === 'SUCCEEDED' ? 1 : 0, PipelineFailed: state === 'FAILED' ? 1 : 0 }, { pipeline });
  return { state };
}
