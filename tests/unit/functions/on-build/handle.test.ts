import { handle } from '../../../../functions/on-build/handle';
import { CodeBuildStateEvent } from '../../../../shared/events';
import { parsePolicy } from '../../../../shared/release-policy';
import { memoryLedger, memoryNotifications } from '../../../support/fakes';
import { emittedMetrics } from '../../../support/metrics';
import { sampleEvent } from '../../../support/samples';

const policy = parsePolicy(`
teams: { platform: {}, web: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines: [{ name: MyFirstPipeline, branches: [main] }]
  WebsiteRepo:
    team: web
    pipelines: [{ name: website, branches: [main] }]
`);
const onlyPlatform = parsePolicy(`
teams: { platform: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines: [{ name: MyFirstPipeline, branches: [main] }]
`);

const COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const BUILD_ID = 'my-sample-project:8745a7a9-c340-456a-9166-edf953571bEX';
/** The sample build, as CodePipeline's MyFirstPipeline starts it. */
const build = (file: string) =>
  sampleEvent(CodeBuildStateEvent, file, (event) => Object.assign(event.detail['additional-information'], { initiator: 'codepipeline/MyFirstPipeline', 'source-version': COMMIT }));

function setUp(buildPolicy = policy) {
  const fakes = { ledger: memoryLedger(), notifications: memoryNotifications() };
  return { ...fakes, deps: { policy: buildPolicy, ...fakes } };
}

describe('on-build handle', () => {
  it('keeps a failed build and tells the team of the pipeline that started it: the failing phase, the logs and the console link', async () => {
    const { deps, ledger, notifications } = setUp();
    const event = build('codebuild/build-failed.json');
    const { records } = await emittedMetrics(() => handle(event, deps));
    expect(await ledger.build(BUILD_ID)).toEqual({ buildId: `arn:aws:codebuild:us-west-2:123456789012:build/${BUILD_ID}`, project: 'my-sample-project', status: 'FAILED', at: event.time, commitId: COMMIT, pipeline: 'MyFirstPipeline', durationSeconds: 114, eventId: event.id });
    expect(notifications.published).toEqual([
      {
        id: event.id,
        kind: 'build',
        severity: 'failure',
        team: 'platform',
        at: event.time,
        region: 'us-west-2',
        result: 'FAILED',
        pipeline: { name: 'MyFirstPipeline' },
        build: {
          id: BUILD_ID,
          project: 'my-sample-project',
          failure: { phase: 'BUILD', message: 'COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1' },
          logsUrl: event.detail['additional-information']!.logs!['deep-link'],
        },
        durationSeconds: 114,
        links: [{ label: 'Build', url: `https://us-west-2.console.aws.amazon.com/codesuite/codebuild/projects/my-sample-project/build/${encodeURIComponent(BUILD_ID)}/?region=us-west-2` }],
      },
    ]);
    expect(records).toEqual([expect.objectContaining({ project: 'my-sample-project', BuildFailed: 1, BuildSucceeded: 0, BuildDuration: 114 })]);
  });

  it('handles a redelivered event again without counting it twice: the same record, the same notification (its card keeps it once)', async () => {
    const { deps, ledger, notifications } = setUp();
    const event = build('codebuild/build-failed.json');
    await handle(event, deps);
    const { records } = await emittedMetrics(() => handle(event, deps));
    expect(records).toEqual([]);
    expect(await ledger.build(BUILD_ID)).toMatchObject({ status: 'FAILED', eventId: event.id });
    expect(notifications.published.map(({ id }) => id)).toEqual([event.id, event.id]);
  });

  it('counts the build on the retry when the team could not be told the first time', async () => {
    const { deps } = setUp();
    const failing = { ...deps, notifications: memoryNotifications({ failures: 1 }) };
    const event = build('codebuild/build-failed.json');
    await expect(handle(event, failing)).rejects.toThrow('SNS unavailable');
    const { records } = await emittedMetrics(() => handle(event, failing));
    expect(records).toContainEqual(expect.objectContaining({ project: 'my-sample-project', BuildFailed: 1, BuildSucceeded: 0 }));
  });

  it('counts nothing while a build runs, and keeps its ended state when the running event comes last', async () => {
    const { deps, ledger, notifications } = setUp();
    await handle(build('codebuild/build-succeeded.json'), deps);
    const { result, records } = await emittedMetrics(() => handle(build('codebuild/build-in-progress.json'), deps));
    expect(result).toMatchObject({ status: 'IN_PROGRESS', ended: false });
    expect(records).toEqual([]);
    expect(await ledger.build(BUILD_ID)).toMatchObject({ status: 'SUCCEEDED', durationSeconds: 114 });
    expect(notifications.published.map(({ result, severity }) => ({ result, severity }))).toEqual([
      { result: 'SUCCEEDED', severity: 'success' },
      { result: 'IN_PROGRESS', severity: 'info' },
    ]);
  });

  it("sends a build no pipeline started to the policy's only team, or to no team when it has several", async () => {
    const event = sampleEvent(CodeBuildStateEvent, 'codebuild/build-succeeded.json');
    const several = setUp();
    const one = setUp(onlyPlatform);
    await handle(event, several.deps);
    await handle(event, one.deps);
    expect(several.notifications.published).toEqual([expect.objectContaining({ team: 'unrouted', result: 'SUCCEEDED' })]);
    expect(several.notifications.published[0]!.pipeline).toBeUndefined();
    expect(one.notifications.published).toEqual([expect.objectContaining({ team: 'platform' })]);
    expect(await several.ledger.build(BUILD_ID)).toMatchObject({ status: 'SUCCEEDED', pipeline: undefined, commitId: undefined });
  });
});
