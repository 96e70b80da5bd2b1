// BASELINE (benchmark only): on-pipeline by hand, with the function's calls (ledger, DORA for production pipelines, promotion).
import policy from '../../../release-policy.yml';
import { call, deadLetter, emf, log, publish, putItem, recordEvent, token } from './aws';

type Execution = { id: string; time: string; source: string; 'detail-type': string; detail: { pipeline?: string; 'execution-id'?: string; state?: string; stage?: string; action?: string; 'execution-result'?: { 'external-execution-id'?: string } } };
const rules = Object.values(policy.repositories).flatMap((repository) => repository.pipelines);

export const handler = (event: Execution) => handle(event);

async function handle(event: Execution): Promise<unknown> {
  const { pipeline, 'execution-id': executionId, state, stage, action } = event?.detail ?? {};
  if (event?.source !== 'aws.codepipeline' || !pipeline || !executionId || !state) return deadLetter('on-pipeline', 'not a CodePipeline state change', event);
  // the event's own record, written last as the functions write it
  const step = () => recordEvent({ pk: `EXECUTION#${pipeline}#${executionId}`, sk: `STEP#${event.time}#${event.id}`, state, stage, action, eventId: event.id });
  const notification = { id: event.id, kind: 'pipeline', severity: state === 'FAILED' ? 'failure' : 'info', team: 'platform', result: state, pipeline, executionId, stage, action };
  const external = event.detail['execution-result']?.['external-execution-id'];
  if (event['detail-type'] !== 'CodePipeline Pipeline Execution State Change' || (state !== 'SUCCEEDED' && state !== 'FAILED')) {
    // an action names its build or deployment: tie it to the execution
    const link = external ? putItem({ pk: `BUILD#${external}`, sk: `EXECUTION#${pipeline}#${executionId}`, pipeline, executionId, stage, action }) : undefined;
    await Promise.all([link, publish(notification)]);
    await step();
    return log('INFO', 'state', { state });
  }

  const rule = rules.find((candidate) => candidate.name === pipeline);
  const { pipelineExecution } = await call<{ pipelineExecution?: { artifactRevisions?: { revisionId?: string }[] } }>('CodePipeline_20150709.GetPipelineExecution', { pipelineName: pipeline, pipelineExecutionId: executionId });
  const commitId = pipelineExecution?.artifactRevisions?.find((revision) => /^[0-9a-f]{40}$/.test(revision.revisionId ?? ''))?.revisionId;
  // the previous deployment as CodePipeline lists it, and the commits since, for the card and the lead times
  let commits: { commitId: string; authoredAt: string }[] = [];
  if (rule?.production && commitId) {
    const { pipelineExecutionSummaries = [] } = await call<{ pipelineExecutionSummaries?: { status?: string; lastUpdateTime?: number; sourceRevisions?: { revisionId?: string }[] }[] }>('CodePipeline_20150709.ListPipelineExecutions', { pipelineName: pipeline, maxResults: 100 });
    const previous = pipelineExecutionSummaries.find((summary) => summary.status === 'Succeeded' && (summary.lastUpdateTime ?? 0) * 1000 < Date.parse(event.time))?.sourceRevisions?.[0]?.revisionId;
    const { commits: found = [] } = await call<{ commits?: { commitId: string; parents?: string[]; author?: { date?: string } }[] }>('CodeCommit_20150413.BatchGetCommits', { repositoryName: 'MyDemoRepo', commitIds: [commitId] });
    commits = found.filter((commit) => commit.commitId !== previous).map((commit) => ({ commitId: commit.commitId, authoredAt: new Date(Number(commit.author?.date?.split(' ')[0] ?? 0) * 1000).toISOString() }));
  }
  await publish({ ...notification, commitId, commits: commits.length });
  if (rule?.production && state === 'SUCCEEDED') {
    // the deployment claimed once, carrying its lead times, and counted by whoever claims it
    const seconds = (from: string) => (Date.parse(event.time) - Date.parse(from)) / 1000;
    const carried = JSON.stringify(commits.map((commit) => ({ commitId: commit.commitId, seconds: seconds(commit.authoredAt) })));
    if (await putItem({ pk: `DORA#${pipeline}`, sk: `FACT#deployment#${executionId}`, at: event.time, carried }, 'attribute_not_exists(pk)')) {
      emf({ ProductionDeployments: 1 }, { pipeline });
      for (const commit of commits) emf({ LeadTimeForChanges: seconds(commit.authoredAt) }, { pipeline });
    }
  }
  const target = state === 'SUCCEEDED' && rule?.promote ? rules.find((candidate) => candidate.name === rule.promote!.to) : undefined;
  if (target && commitId) {
    await call('CodePipeline_20150709.StartPipelineExecution', { name: target.name, clientRequestToken: token(event.id, target.name, commitId), sourceRevisions: [{ actionName: target.sourceAction, revisionType: 'COMMIT_ID', revisionValue: commitId }] });
  }
  if (await step()) emf({ PipelineSucceeded: state === 'SUCCEEDED' ? 1 : 0, PipelineFailed: state === 'FAILED' ? 1 : 0 }, { pipeline });
  return log('INFO', 'pipeline ended', { state, commitId });
}
