import { pushNotifications } from '../../../../functions/on-push/push-notifications';
import { CodeCommitReferenceEvent } from '../../../../shared/events';
import { sampleEvent } from '../../../support/samples';

const event = sampleEvent(CodeCommitReferenceEvent, 'codecommit/reference-updated-branch.json');
const COMMIT = event.detail.commitId!;
const push = { repository: 'MyDemoRepo', branch: 'myBranch', commitId: COMMIT, commit: { commitId: COMMIT, author: 'Mina Kim', message: 'Add sample application files' } };
const commitLink = { label: 'Commit', url: `https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/MyDemoRepo/commit/${COMMIT}?region=us-east-1` };
const executionLink = (pipeline: string, executionId: string) => ({ label: 'Pipeline execution', url: `https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/${pipeline}/executions/${executionId}/timeline?region=us-east-1` });

describe('pushNotifications', () => {
  it('tells each execution the push started, with the commit, its author and message, and both console pages', () => {
    const started = [
      { pipeline: 'MyFirstPipeline', executionId: 'exec-1', region: 'us-east-1' },
      { pipeline: 'feature-preview', executionId: 'exec-2', region: 'us-east-1' },
    ];
    expect(pushNotifications(event, push, started, 'platform')).toEqual(
      started.map(({ pipeline, executionId }) => ({
        id: `${event.id}/${pipeline}`,
        kind: 'push',
        severity: 'info',
        team: 'platform',
        at: event.time,
        region: 'us-east-1',
        result: 'STARTED',
        repository: 'MyDemoRepo',
        branch: 'myBranch',
        commit: { id: COMMIT, author: 'Mina Kim', message: 'Add sample application files' },
        pipeline: { name: pipeline, executionId },
        links: [commitLink, executionLink(pipeline, executionId)],
      })),
    );
  });

  it('tells nothing of a push that started nothing', () => {
    expect(pushNotifications(event, push, [], 'platform')).toEqual([]);
  });

  it('names the commit alone when it was not read', () => {
    const [notification] = pushNotifications(event, { ...push, commit: undefined }, [{ pipeline: 'MyFirstPipeline', executionId: 'exec-1', region: 'us-east-1' }], 'platform');
    expect(notification!.commit).toEqual({ id: COMMIT });
  });

  it('links a pipeline in another region than the repository to its own region\'s console', () => {
    const [notification] = pushNotifications(event, push, [{ pipeline: 'MyFirstPipeline', executionId: 'exec-1', region: 'eu-west-1' }], 'platform');
    expect(notification!.links).toEqual([commitLink, { label: 'Pipeline execution', url: 'https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/MyFirstPipeline/executions/exec-1/timeline?region=eu-west-1' }]);
  });
});
