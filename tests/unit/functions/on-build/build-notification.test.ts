import { buildNotification } from '../../../../functions/on-build/build-notification';
import { buildReport } from '../../../../functions/on-build/build-report';
import { CodeBuildStateEvent } from '../../../../shared/events';
import { sampleEvent } from '../../../support/samples';

const BUILD_ID = 'my-sample-project:8745a7a9-c340-456a-9166-edf953571bEX';
const buildLink = { label: 'Build', url: 'https://us-west-2.console.aws.amazon.com/codesuite/codebuild/projects/my-sample-project/build/my-sample-project%3A8745a7a9-c340-456a-9166-edf953571bEX/?region=us-west-2' };
const notificationOf = (file: string, change?: Parameters<typeof sampleEvent>[2]) => {
  const event = sampleEvent(CodeBuildStateEvent, `codebuild/${file}.json`, change);
  return { event, notification: buildNotification(event, buildReport(event), 'platform') };
};

describe('buildNotification', () => {
  it('tells a failed build with its failing phase, what CodeBuild said, its logs, its duration and its console page', () => {
    const { event, notification } = notificationOf('build-failed');
    expect(notification).toEqual({
      id: event.id,
      kind: 'build',
      severity: 'failure',
      team: 'platform',
      at: event.time,
      region: 'us-west-2',
      result: 'FAILED',
      pipeline: undefined,
      build: {
        id: BUILD_ID,
        project: 'my-sample-project',
        failure: { phase: 'BUILD', message: 'COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1' },
        logsUrl: 'https://console.aws.amazon.com/cloudwatch/home?region=us-west-2#logEvent:group=/aws/codebuild/my-sample-project;stream=8745a7a9-c340-456a-9166-edf953571bEX',
      },
      durationSeconds: 114,
      links: [buildLink],
    });
  });

  it.each([
    ['build-succeeded', 'success', 'SUCCEEDED', 114],
    ['build-in-progress', 'info', 'IN_PROGRESS', undefined],
  ])('tells %s as %s, %s, without a failure', (file, severity, result, durationSeconds) => {
    const { notification } = notificationOf(file);
    expect(notification).toMatchObject({ kind: 'build', severity, result, durationSeconds, build: { id: BUILD_ID, failure: undefined }, links: [buildLink] });
  });

  it('names the pipeline that started the build, not yet its execution', () => {
    const { notification } = notificationOf('build-succeeded', (event) => (event.detail['additional-information'].initiator = 'codepipeline/MyFirstPipeline'));
    expect(notification.pipeline).toEqual({ name: 'MyFirstPipeline' });
  });
});
