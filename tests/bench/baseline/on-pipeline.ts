// BASELINE (benchmark only): on-pipeline by hand (ledger, DORA for production pipelines, promotion).
import policy from '../../../release-policy.yml';
import { call, deadLetter, emf, log, once, publish, putItem, query, token } from './aws';

type Execution = { id: string; time: string; source: string; 'detail-type': string; detail: { pipeline?: string; 'execution-id'?: string; state?: string; stage?: string; action?: string } };
const rules = Object.values(policy.repositories).flatMap((repository) => repository.pipelines);

export const handler = (event: Execution & { id?: string }) => (event?.id ? once('on-pipeline', event.id, () => handle(event)) : handle(event));

async function handle(event: Execution): Promise<unknown> {
  const { pipeline, 'execution-id': executionId, state, stage, action } = event?.detail ?? {};
  if (event?.source !== 'aws.codepipeline' || !pipeline || !executionId || !state) return deadLetter('on-pipeline', 'not a CodePipeline state change', event);
  const step = putItem({ pk: `EXECUTION#${pipeline}#${executionId}`, sk: `STEP#${event.time}#${event.id}`, state, stage, action });
  const notification = { id: event.id, kind: 'pipeline', severity: state === 'FAILED' ? 'failure' : 'info', team: 'platform', result: state, pipeline, executionId, stage, action };
  if (event['detail-type'] !== 'CodePipeline Pipeline Execution State Change' || (state !== 'SUCCEEDED' && state !== 'FAILED')) {
    await Promise.all([step, publish(notification)]);
    return log('INFO', 'state', { state });
  }

  const [, { pipelineExecution }] = await Promise.all([
    step,
    call<{ pipelineExecution?: { artifactRevisions?: { revisionId?: string; created?: number }[] } }>('CodePipeline_20150709.GetPipelineExecution', { pipelineName: pipeline, pipelineExecutionId: executionId }),
  ]);
  const commitId = pipelineExecution?.artifactRevisions?.find((revision) => /^[0-9a-f]{40}$/.test(revision.revisionId ?? ''))?.revisionId;
  const rule = rules.find((candidate) => candidate.name === pipeline);
  // the outage before this execution: one page back is enough for a baseline
  const [, pushes, history] = await Promise.all([
    publish({ ...notification, commitId }),
    commitId ? query(`COMMIT#${commitId}`, { prefix: 'PUSH#' }) : [],
    rule?.production ? query(`PIPELINE#${pipeline}`, { bound: `ENDED#${event.time}`, forward: false, limit: 25 }) : [],
  ]);
  const changedAt = pushes.map((push) => push.pushedAt!).sort()[0];
  await putItem({ pk: `PIPELINE#${pipeline}`, sk: `ENDED#${event.time}#${executionId}`, result: state, endedAt: event.time, commitId, changedAt });
  const first = await putItem({ pk: `EXECUTION#${pipeline}#${executionId}`, sk: 'RESULT', result: state, endedAt: event.time }, 'attribute_not_exists(pk)');
  emf({ PipelineSucceeded: state === 'SUCCEEDED' ? 1 : 0, PipelineFailed: state === 'FAILED' ? 1 : 0 }, { pipeline });
  if (first && rule?.production) {
    const previous = history.filter((ended) => ended.endedAt! < event.time).sort((a, b) => a.endedAt!.localeCompare(b.endedAt!));
    const outage = [];
    for (let i = previous.length - 1; i >= 0 && previous[i]!.result === 'FAILED'; i--) outage.unshift(previous[i]!);
    const seconds = (from: string) => (Date.parse(event.time) - Date.parse(from)) / 1000;
    if (state === 'FAILED') emf({ ProductionFailures: 1 }, { pipeline });
    else emf({ ProductionDeployments: 1, ...(changedAt ? { LeadTimeForChanges: seconds(changedAt) } : {}), ...(outage[0] ? { TimeToRestore: seconds(outage[0].endedAt!) } : {}) }, { pipeline });
  }
  const target = state === 'SUCCEEDED' && rule?.promote ? rules.find((candidate) => candidate.name === rule.promote!.to) : undefined;
  if (target && commitId) {
    await call('CodePipeline_20150709.StartPipelineExecution', { name: target.name, clientRequestToken: token(event.id, target.name, commitId), sourceRevisions: [{ actionName: target.sourceAction, revisionType: 'COMMIT_ID', revisionValue: commitId }] });
  }
  return log('INFO', 'pipeline ended', { state, commitId });
}
