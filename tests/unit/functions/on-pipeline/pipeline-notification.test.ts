import { pipelineNotification } from '../../../../functions/on-pipeline/pipeline-notification';
import { CodePipelineEvent } from '../../../../shared/events';
import { sampleEvent } from '../../../support/samples';

const EXECUTION = '01234567-0123-0123-0123-012345678901';
const COMMIT = '5a6f0e1b2c3d4e5f60718293a4b5c6d7e8f90123';
const route = { team: 'platform', repository: 'MyDemoRepo' };
const event = (file: string, detail: Record<string, unknown> = {}) => sampleEvent(CodePipelineEvent, `codepipeline/${file}.json`, (changed) => Object.assign(changed.detail, detail));
const executionLink = { label: 'Pipeline execution', url: `https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/MyFirstPipeline/executions/${EXECUTION}/timeline?region=us-east-1` };
const commitLink = { label: 'Commit', url: `https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/MyDemoRepo/commit/${COMMIT}?region=us-east-1` };

describe('pipelineNotification', () => {
  it("tells a pipeline's state to the team, linking the execution, and what started it", () => {
    const started = event('pipeline-started');
    expect(pipelineNotification(started, route)).toEqual({
      id: started.id,
      kind: 'pipeline',
      severity: 'info',
      team: 'platform',
      at: started.time,
      region: 'us-east-1',
      result: 'STARTED',
      repository: 'MyDemoRepo',
      trigger: { type: 'StartPipelineExecution', detail: 'arn:aws:sts::123456789012:assumed-role/Admin/my-user' },
      pipeline: { name: 'MyFirstPipeline', executionId: EXECUTION },
      links: [executionLink],
    });
  });

  it('names the commit and links it once the revision is known, where the policy names the repository', () => {
    const revision = { commitId: COMMIT, variables: {} };
    expect(pipelineNotification(event('pipeline-succeeded'), route, revision)).toMatchObject({ commit: { id: COMMIT }, links: [executionLink, commitLink] });
    expect(pipelineNotification(event('pipeline-succeeded'), { team: 'unrouted' }, revision)).toMatchObject({ team: 'unrouted', commit: { id: COMMIT }, links: [executionLink] });
  });

  it.each([
    ['pipeline-succeeded', 'pipeline', 'success', 'SUCCEEDED', {}],
    ['pipeline-failed', 'pipeline', 'failure', 'FAILED', {}],
    ['stage-started', 'stage', 'info', 'STARTED', { stage: 'Prod' }],
    ['stage-failed', 'stage', 'failure', 'FAILED', { stage: 'Prod' }],
    ['action-started', 'action', 'info', 'STARTED', { stage: 'Prod', action: 'myAction' }],
    ['action-succeeded', 'action', 'success', 'SUCCEEDED', { stage: 'Prod', action: 'myAction', externalExecutionId: 'd-123456789' }],
    ['action-failed', 'action', 'failure', 'FAILED', { stage: 'Prod', action: 'myAction', externalExecutionId: 'd-123456789' }],
  ])('tells %s as a %s, %s, %s', (file, kind, severity, result, where) => {
    expect(pipelineNotification(event(file), route)).toMatchObject({ kind, severity, result, team: 'platform', pipeline: { name: 'MyFirstPipeline', executionId: EXECUTION, ...where }, links: [executionLink] });
  });

  it('tells a manual approval waiting as its own kind, a warning, and its end as an action', () => {
    const manual = { stage: 'Approval', action: 'ManualApproval', type: { owner: 'AWS', provider: 'Manual', category: 'Approval', version: '1' }, 'execution-result': undefined };
    expect(pipelineNotification(event('action-started', manual), route)).toMatchObject({ kind: 'approval', severity: 'warning', result: 'STARTED', pipeline: { stage: 'Approval', action: 'ManualApproval' } });
    expect(pipelineNotification(event('action-failed', manual), route)).toMatchObject({ kind: 'action', severity: 'failure', result: 'FAILED' });
  });
});
