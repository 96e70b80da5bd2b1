import { endedRelease, recordRelease } from '../../../../functions/on-pipeline/record-release';
import { PipelineExecutionEvent } from '../../../../shared/events';
import type { ExecutionRevision } from '../../../../shared/ports';
import { memoryLedger } from '../../../support/fakes';
import { sampleEvent } from '../../../support/samples';

type Ended = Parameters<typeof endedRelease>[0];

const EXECUTION = '01234567-0123-0123-0123-012345678901';
const COMMIT = '5a6f0e1b2c3d4e5f60718293a4b5c6d7e8f90123';
const revision: ExecutionRevision = { commitId: COMMIT, committedAt: '2026-11-24T16:00:00Z', variables: {} };
const ended = (file: 'pipeline-succeeded' | 'pipeline-failed', executionId = EXECUTION) =>
  sampleEvent(PipelineExecutionEvent, `codepipeline/${file}.json`, (event) => (event.detail['execution-id'] = executionId)) as Ended;
const unread = () => Promise.reject(new Error('not to be read'));

describe('endedRelease', () => {
  it("starts the change at the commit's first push to any branch, else at the commit itself", async () => {
    const ledger = memoryLedger();
    const event = ended('pipeline-succeeded');
    expect((await endedRelease(event, revision, true, ledger)).ended).toEqual({ pipeline: 'MyFirstPipeline', executionId: EXECUTION, result: 'SUCCEEDED', endedAt: event.time, commitId: COMMIT, changedAt: '2026-11-24T16:00:00Z' });
    await ledger.recordPush({ repository: 'MyDemoRepo', branch: 'feature/banner', commitId: COMMIT, pushedAt: '2026-11-24T17:00:00Z', eventId: 'p1' });
    await ledger.recordPush({ repository: 'MyDemoRepo', branch: 'main', commitId: COMMIT, pushedAt: '2026-11-25T09:00:00Z', eventId: 'p2' });
    expect((await endedRelease(event, revision, true, ledger)).ended.changedAt).toBe('2026-11-24T17:00:00Z');
  });

  it('knows no commit and no change time without a revision, and reads no push', async () => {
    const release = await endedRelease(ended('pipeline-failed'), undefined, true, { ...memoryLedger(), firstPushAt: unread });
    expect(release.ended).toEqual({ pipeline: 'MyFirstPipeline', executionId: EXECUTION, result: 'FAILED', endedAt: ended('pipeline-failed').time });
  });

  it('reads the executions around the end for a production pipeline only', async () => {
    const ledger = memoryLedger();
    const before = { pipeline: 'MyFirstPipeline', executionId: 'exec-0', result: 'FAILED' as const, endedAt: '2026-11-25T08:00:00Z' };
    await ledger.recordEnded(before);
    expect(await endedRelease(ended('pipeline-succeeded'), revision, true, ledger)).toMatchObject({ production: true, known: [before] });
    expect(await endedRelease(ended('pipeline-succeeded'), revision, false, { ...ledger, executionsAround: unread })).toMatchObject({ production: false, known: [] });
  });
});

describe('recordRelease', () => {
  it('records a production end and gives its DORA measures the first time only', async () => {
    const ledger = memoryLedger();
    await ledger.recordEnded({ pipeline: 'MyFirstPipeline', executionId: 'exec-0', result: 'FAILED', endedAt: '2026-11-25T09:00:02Z' });
    const release = await endedRelease(ended('pipeline-succeeded'), revision, true, ledger);
    expect(await recordRelease(release, ledger)).toEqual([
      { name: 'ProductionDeployments', unit: 'Count', value: 1 },
      { name: 'LeadTimeForChanges', unit: 'Seconds', value: (Date.parse(release.ended.endedAt) - Date.parse('2026-11-24T16:00:00Z')) / 1000 },
      { name: 'TimeToRestore', unit: 'Seconds', value: 23 * 60 },
    ]);
    expect(await recordRelease(release, ledger)).toEqual([]);
    expect(await ledger.endedExecutions('MyFirstPipeline')).toEqual([expect.objectContaining({ executionId: 'exec-0' }), release.ended]);
  });

  it('records the end of a pipeline that is not production, with no measure', async () => {
    const ledger = memoryLedger();
    const release = await endedRelease(ended('pipeline-failed'), revision, false, ledger);
    expect(await recordRelease(release, ledger)).toEqual([]);
    expect(await ledger.endedExecutions('MyFirstPipeline')).toEqual([release.ended]);
  });
});
