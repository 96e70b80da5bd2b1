import { AlarmStateChangeEvent, CodeBuildStateEvent, CodeCommitReferenceEvent, CodeDeployStateEvent, CodePipelineEvent, describeIssues, PipelineExecutionEvent } from '../../../shared/events';
import { eventSampleFiles, sample } from '../../support/samples';

const SCHEMA_OF_SOURCE = {
  'aws.codecommit': CodeCommitReferenceEvent,
  'aws.codebuild': CodeBuildStateEvent,
  'aws.codedeploy': CodeDeployStateEvent,
  'aws.codepipeline': CodePipelineEvent,
  'aws.cloudwatch': AlarmStateChangeEvent,
} as const;
const SAMPLE_FILES = eventSampleFiles();

type Sample = { source: keyof typeof SCHEMA_OF_SOURCE; 'detail-type': string; id: string; detail: Record<string, unknown> };

describe('event schemas', () => {
  it('covers every sampled source and state', () => {
    expect(SAMPLE_FILES).toHaveLength(21);
  });

  it.each(SAMPLE_FILES)('parse AWS sample %s', (file) => {
    const event = sample<Sample>(file);
    const parsed = SCHEMA_OF_SOURCE[event.source].safeParse(event);
    expect(parsed.success ? [] : describeIssues(parsed.error)).toEqual([]);
    expect(parsed.data).toMatchObject({ id: event.id, 'detail-type': event['detail-type'] });
  });

  const rejects = (schema: (typeof SCHEMA_OF_SOURCE)[keyof typeof SCHEMA_OF_SOURCE], event: unknown) => {
    const parsed = schema.safeParse(event);
    if (parsed.success) throw new Error('expected the event to be rejected');
    return describeIssues(parsed.error);
  };

  it('names every problem of a malformed push with its path', () => {
    const event = sample<Sample>('codecommit/reference-updated-branch.json');
    event.detail = { ...event.detail, commitId: 'HEAD', referenceType: 'note', repositoryName: 'no spaces allowed' };
    expect(rejects(CodeCommitReferenceEvent, event).split('; ').sort()).toEqual([
      'detail.commitId: expected a 40-character hex commit id',
      'detail.referenceType: Invalid option: expected one of "branch"|"tag"',
      'detail.repositoryName: expected a CodeCommit repository name',
    ]);
  });

  it('wants a commit id on a created or updated reference, but not on a deleted one', () => {
    const updated = sample<Sample>('codecommit/reference-updated-branch.json');
    delete updated.detail.commitId;
    expect(rejects(CodeCommitReferenceEvent, updated)).toBe('detail.commitId: expected a commitId for a created or updated reference');
    expect(CodeCommitReferenceEvent.safeParse(sample('codecommit/reference-deleted-branch.json')).success).toBe(true);
  });

  it('rejects an event from another source or of another detail type, and a time that is not ISO-8601', () => {
    const build = sample<Sample & { time: string }>('codebuild/build-failed.json');
    expect(rejects(CodeDeployStateEvent, build)).toMatch(/^detail-type: .*; source: /);
    build.time = 'Sep 1, 2017 4:12:29 PM';
    expect(rejects(CodeBuildStateEvent, build)).toBe('time: Invalid ISO datetime');
  });

  it('rejects an unknown pipeline state and an event with no detail', () => {
    const failed = sample<Sample>('codepipeline/pipeline-failed.json');
    failed.detail.state = 'EXPLODED';
    expect(rejects(CodePipelineEvent, failed)).toMatch(/^detail\.state: Invalid option/);
    const bare: Partial<Sample> = sample<Sample>('codedeploy/deployment-start.json');
    delete bare.detail;
    expect(rejects(CodeDeployStateEvent, bare)).toBe('detail: Invalid input: expected object, received undefined');
    expect(rejects(CodePipelineEvent, 'not json')).toMatch(/^\(event\): /);
  });

  it('keeps what an alarm event says of the alarm, and drops its configuration', () => {
    expect(AlarmStateChangeEvent.parse(sample('cloudwatch/alarm-in-alarm.json')).detail).toEqual({
      alarmName: 'MyCodePipelineDemo-unhealthy',
      state: {
        value: 'ALARM',
        reason: 'Threshold Crossed: 1 out of the last 1 datapoints [99.50160229693434 (02/10/19 16:59:00)] was greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition).',
        timestamp: '2019-10-02T17:04:40.989+0000',
      },
      previousState: { value: 'OK', timestamp: '2019-10-01T13:56:40.987+0000' },
    });
  });

  it('refuses an alarm event without an alarm name, or in a state CloudWatch does not have', () => {
    const nameless = sample<Sample>('cloudwatch/alarm-in-alarm.json');
    delete nameless.detail.alarmName;
    expect(rejects(AlarmStateChangeEvent, nameless)).toBe('detail.alarmName: Invalid input: expected string, received undefined');
    const unknown = sample<Sample & { detail: { state: Record<string, unknown> } }>('cloudwatch/alarm-ok.json');
    unknown.detail.state.value = 'RECOVERED';
    expect(rejects(AlarmStateChangeEvent, unknown)).toBe('detail.state.value: Invalid option: expected one of "OK"|"ALARM"|"INSUFFICIENT_DATA"');
    const untimed = sample<Sample & { detail: { state: Record<string, unknown> } }>('cloudwatch/alarm-ok.json');
    untimed.detail.state.timestamp = 'Oct 2, 2019 5:14:40 PM';
    expect(rejects(AlarmStateChangeEvent, untimed)).toBe('detail.state.timestamp: expected a timestamp such as 2019-10-02T17:04:40.989+0000');
  });

  it('keeps the execution attempt on pipeline, stage and action events, and the trigger of an execution', () => {
    const retried = PipelineExecutionEvent.parse(sample('codepipeline/pipeline-succeeded-retry.json'));
    expect(retried.detail).toMatchObject({ state: 'SUCCEEDED', 'pipeline-execution-attempt': 2 });
    for (const file of ['codepipeline/stage-failed.json', 'codepipeline/action-failed.json']) {
      expect(CodePipelineEvent.parse(sample(file)).detail['pipeline-execution-attempt']).toBe(1);
    }
    expect(PipelineExecutionEvent.parse(sample('codepipeline/pipeline-started.json')).detail['execution-trigger']).toEqual({
      'trigger-type': 'StartPipelineExecution',
      'trigger-detail': 'arn:aws:sts::123456789012:assumed-role/Admin/my-user',
    });
  });

  it('accepts the trigger of a Git-triggered execution, which AWS sends without a trigger-type', () => {
    const tagged = sample<Sample>('codepipeline/pipeline-succeeded.json');
    tagged.detail['execution-trigger'] = { 'provider-type': 'GitLab', 'tag-name': 'gitlab-v4.2.1', 'author-display-name': 'Mary Major' };
    expect(PipelineExecutionEvent.parse(tagged).detail['execution-trigger']).toEqual({});
    tagged.detail['execution-trigger'] = { 'trigger-type': 7 };
    expect(rejects(CodePipelineEvent, tagged)).toBe('detail.execution-trigger.trigger-type: Invalid input: expected string, received number');
  });
});
