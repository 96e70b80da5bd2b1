import { CodeBuildStateEvent } from '../../../../shared/events';
import { buildReport } from '../../../../functions/on-build/build-report';
import { sample } from '../../../support/samples';

const report = (file: string) => buildReport(CodeBuildStateEvent.parse(sample(file)));

describe('buildReport', () => {
  it('reads a build in progress as not ended, with no duration', () => {
    expect(report('codebuild/build-in-progress.json')).toMatchObject({ project: 'my-sample-project', status: 'IN_PROGRESS', ended: false, succeeded: false, durationSeconds: undefined, failure: undefined });
  });

  it('sums the phase durations of a succeeded build and links its logs', () => {
    expect(report('codebuild/build-succeeded.json')).toMatchObject({
      status: 'SUCCEEDED',
      ended: true,
      succeeded: true,
      durationSeconds: 114,
      logsUrl: expect.stringMatching(/^https:\/\/console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-west-2#logEvent:group=\/aws\/codebuild\/my-sample-project/),
      failure: undefined,
    });
  });

  it('names the failing phase of a failed build and what CodeBuild said', () => {
    expect(report('codebuild/build-failed.json')).toMatchObject({
      status: 'FAILED',
      ended: true,
      succeeded: false,
      failure: { phase: 'BUILD', message: 'COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1' },
    });
  });

  it('falls back to the status when a timed-out build names no phase', () => {
    const event = sample<{ detail: Record<string, unknown> }>('codebuild/build-in-progress.json');
    event.detail = { ...event.detail, 'build-status': 'TIMED_OUT' };
    expect(buildReport(CodeBuildStateEvent.parse(event)).failure).toEqual({ phase: 'SUBMITTED', message: 'TIMED_OUT' });
  });
});
