import { CodeBuildStateEvent, CodeCommitReferenceEvent, CodeDeployStateEvent, CodePipelineEvent, describeIssues } from '../../../shared/events';
import { eventSampleFiles, sample } from '../../support/samples';

const SCHEMA_OF_SOURCE = {
  'aws.codecommit': CodeCommitReferenceEvent,
  'aws.codebuild': CodeBuildStateEvent,
  'aws.codedeploy': CodeDeployStateEvent,
  'aws.codepipeline': CodePipelineEvent,
} as const;

type Sample = { source: keyof typeof SCHEMA_OF_SOURCE; 'detail-type': string; id: string; detail: Record<string, unknown> };

describe('event schemas', () => {
  it('covers every source and every state the functions handle', () => {
    expect(eventSampleFiles()).toHaveLength(18);
  });

  it.each(eventSampleFiles())('parse AWS sample %s', (file) => {
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
});
