import { randomBytes, randomUUID } from 'node:crypto';
import type { EndedExecution } from '../../shared/dora';
import type { BuildRecord, CardStore, DeploymentRecord, Ledger } from '../../shared/ports';
import type { ReleaseNotification } from '../../shared/release-notification';

// What the ledger table's ports must do, through the ports alone, for any implementation: the
// in-memory fakes (tests/support/fakes.ts) and the DynamoDB adapters (shared/aws/ledger-table.ts,
// card-table.ts). Every test writes under names of its own, so one table can serve them all.

const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;
const commitId = () => randomBytes(20).toString('hex');

/** A ledger, with reads of what its port only writes: a build's and a deployment's stored state. */
export interface LedgerUnderTest extends Ledger {
  build(buildId: string): Promise<BuildRecord | undefined>;
  deployment(deploymentId: string): Promise<DeploymentRecord | undefined>;
}

export function ledgerContract(create: () => LedgerUnderTest | Promise<LedgerUnderTest>): void {
  let ledger: LedgerUnderTest;
  beforeEach(async () => {
    ledger = await create();
  });

  const ended = (pipeline: string, executionId: string, result: EndedExecution['result'], endedAt: string, more: Partial<EndedExecution> = {}): EndedExecution => ({ pipeline, executionId, result, endedAt, ...more });

  it('keeps the first push of a commit to a branch, and answers the earliest push of the commit to any branch', async () => {
    const commit = commitId();
    const push = { repository: 'MyDemoRepo', commitId: commit, author: 'Mina Kim', title: 'Add files' };
    await ledger.recordPush({ ...push, branch: 'feature/a', pushedAt: '2026-11-20T12:00:00Z', eventId: 'e1' });
    await ledger.recordPush({ ...push, branch: 'feature/a', pushedAt: '2026-11-20T09:00:00Z', eventId: 'e2' });
    expect(await ledger.firstPushAt(commit)).toBe('2026-11-20T12:00:00Z');
    await ledger.recordPush({ ...push, branch: 'main', pushedAt: '2026-11-19T09:00:00Z', eventId: 'e3' });
    expect(await ledger.firstPushAt(commit)).toBe('2026-11-19T09:00:00Z');
    expect(await ledger.firstPushAt(commitId())).toBeUndefined();
  });

  it("records an execution's end once: the same end again answers false", async () => {
    const pipeline = unique('Once');
    const end = ended(pipeline, 'x1', 'SUCCEEDED', '2026-11-21T10:00:00Z', { commitId: commitId(), changedAt: '2026-11-20T09:00:00Z' });
    expect(await ledger.recordEnded(end)).toBe(true);
    expect(await ledger.recordEnded(end)).toBe(false);
    expect(await ledger.recordEnded({ ...end, executionId: 'x2', endedAt: '2026-11-21T11:00:00Z' })).toBe(true);
    expect(await ledger.recordEnded(ended(unique('Other'), 'x1', 'FAILED', '2026-11-21T10:00:00Z'))).toBe(true);
  });

  it("lists a pipeline's ended executions oldest first (ties by execution id), and no other pipeline's", async () => {
    const pipeline = unique('History');
    const commit = commitId();
    const later = ended(pipeline, 'x2', 'SUCCEEDED', '2026-11-21T10:00:00Z', { commitId: commit, changedAt: '2026-11-20T09:00:00Z' });
    const tie = ended(pipeline, 'x1', 'FAILED', '2026-11-21T10:00:00Z', { commitId: commit });
    const first = ended(pipeline, 'x0', 'FAILED', '2026-11-20T10:00:00Z');
    for (const execution of [later, tie, first, ended(unique('Other'), 'y', 'SUCCEEDED', '2026-11-20T11:00:00Z')]) await ledger.recordEnded(execution);
    expect(await ledger.endedExecutions(pipeline)).toEqual([first, tie, later]);
    expect(await ledger.endedExecutions(unique('Nothing'))).toEqual([]);
  });

  it('reads around a time back to the last success before it and on to the first success from it', async () => {
    const pipeline = unique('Around');
    const at = (day: number, id: string, result: EndedExecution['result']) => ended(pipeline, id, result, `2026-11-${day}T10:00:00Z`);
    const history = [at(10, 'a', 'SUCCEEDED'), at(11, 'b', 'SUCCEEDED'), at(12, 'c', 'FAILED'), at(13, 'd', 'FAILED'), at(15, 'f', 'FAILED'), at(16, 'g', 'SUCCEEDED'), at(17, 'h', 'SUCCEEDED')];
    for (const execution of [...history].reverse()) await ledger.recordEnded(execution);
    const ids = async (time: string) => (await ledger.executionsAround(pipeline, time)).map((execution) => execution.executionId);
    expect(await ledger.executionsAround(pipeline, '2026-11-14T10:00:00Z')).toEqual(history.slice(1, 6));
    // an execution that ended at the time itself is read as after it
    expect(await ids('2026-11-13T10:00:00Z')).toEqual(['b', 'c', 'd', 'f', 'g']);
    expect(await ids('2026-11-16T10:00:00Z')).toEqual(['b', 'c', 'd', 'f', 'g']);
    expect(await ids('2026-11-11T10:00:00Z')).toEqual(['a', 'b']);
    expect(await ids('2026-11-01T10:00:00Z')).toEqual(['a']);
    expect(await ids('2026-11-18T10:00:00Z')).toEqual(['h']);
    expect(await ledger.executionsAround(unique('Nothing'), '2026-11-14T10:00:00Z')).toEqual([]);
  });

  it('reads an outage that no success bounds to its ends', async () => {
    const pipeline = unique('Outage');
    for (const [day, id] of [[12, 'c'], [13, 'd'], [15, 'f']] as const) await ledger.recordEnded(ended(pipeline, id, 'FAILED', `2026-11-${day}T10:00:00Z`));
    expect((await ledger.executionsAround(pipeline, '2026-11-14T10:00:00Z')).map((execution) => execution.executionId)).toEqual(['c', 'd', 'f']);
  });

  it("keeps a build's newer state, found by CodeBuild's ARN or CodePipeline's project:uuid", async () => {
    const short = `${unique('project')}:${randomUUID()}`;
    const arn = `arn:aws:codebuild:us-west-2:123456789012:build/${short}`;
    await ledger.recordBuild({ buildId: arn, project: 'project', status: 'SUCCEEDED', at: '2026-11-21T09:58:00Z', durationSeconds: 114, pipeline: 'MyFirstPipeline' });
    await ledger.recordBuild({ buildId: arn, project: 'project', status: 'IN_PROGRESS', at: '2026-11-21T09:56:00Z' });
    expect(await ledger.build(short)).toMatchObject({ status: 'SUCCEEDED', durationSeconds: 114, pipeline: 'MyFirstPipeline' });
    await ledger.recordBuild({ buildId: short, project: 'project', status: 'FAILED', at: '2026-11-21T09:59:00Z' });
    expect(await ledger.build(arn)).toMatchObject({ status: 'FAILED', at: '2026-11-21T09:59:00Z' });
    expect(await ledger.build(`${unique('project')}:${randomUUID()}`)).toBeUndefined();
  });

  it("keeps a deployment's newer state, with CodeDeploy's error", async () => {
    const deploymentId = `d-${randomBytes(5).toString('hex').toUpperCase()}`;
    const deployment = { deploymentId, application: 'myApplication', deploymentGroup: 'myDeploymentGroup' };
    await ledger.recordDeployment({ ...deployment, state: 'FAILURE', at: '2026-11-21T10:05:00Z', durationSeconds: 125, error: { code: 'HEALTH_CONSTRAINTS', message: 'too many failed' } });
    await ledger.recordDeployment({ ...deployment, state: 'START', at: '2026-11-21T10:00:00Z' });
    expect(await ledger.deployment(deploymentId)).toMatchObject({ state: 'FAILURE', durationSeconds: 125, error: { code: 'HEALTH_CONSTRAINTS', message: 'too many failed' } });
  });

  it('ties a build or a deployment to the execution that ran it, and only what was tied', async () => {
    const pipeline = unique('Linked');
    const short = `${unique('project')}:${randomUUID()}`;
    const deploymentId = `d-${randomBytes(5).toString('hex').toUpperCase()}`;
    await ledger.recordBuild({ buildId: short, project: 'project', status: 'SUCCEEDED', at: '2026-11-21T09:58:00Z' });
    expect(await ledger.executionOf('build', short)).toBeUndefined();
    const link = { kind: 'build' as const, id: short, pipeline, executionId: 'x1', stage: 'Build', action: 'Build' };
    await ledger.linkToExecution(link);
    await ledger.linkToExecution(link);
    await ledger.linkToExecution({ ...link, kind: 'deployment', id: deploymentId, stage: 'Prod', action: 'Deploy' });
    expect(await ledger.executionOf('build', short)).toEqual({ pipeline, executionId: 'x1' });
    expect(await ledger.executionOf('build', `arn:aws:codebuild:us-west-2:123456789012:build/${short}`)).toEqual({ pipeline, executionId: 'x1' });
    expect(await ledger.executionOf('deployment', deploymentId)).toEqual({ pipeline, executionId: 'x1' });
    expect(await ledger.executionOf('deployment', short)).toBeUndefined();
    expect(await ledger.executionOf('build', deploymentId)).toBeUndefined();
  });
}

const notification = (id: string): ReleaseNotification => ({ id, kind: 'build', severity: 'failure', team: 'platform', at: '2026-11-25T09:00:00Z', region: 'us-east-1', result: 'FAILED', links: [] });

export function cardStoreContract(create: () => CardStore<unknown> | Promise<CardStore<unknown>>): void {
  let cards: CardStore<unknown>;
  let key: string;
  beforeEach(async () => {
    cards = await create();
    key = unique('EXECUTION#MyFirstPipeline#x');
  });
  const lease = (owner: string, since = Date.now(), until = since + 60_000) => ({ owner, since, until });

  it('records each notification once, on a card for the first channel it was recorded for', async () => {
    expect(await cards.get(key)).toBeUndefined();
    expect(await cards.record(key, '#deploys', notification('n1'))).toBe(1);
    expect(await cards.record(key, '#elsewhere', notification('n2'))).toBe(2);
    expect(await cards.record(key, '#deploys', notification('n1'))).toBe(2);
    expect(await cards.get(key)).toEqual({ channel: '#deploys', inbox: [notification('n1'), notification('n2')], version: 2, shownVersion: 0 });
  });

  it('leases a card to one delivery at a time, and to another once the lease has run out', async () => {
    expect(await cards.acquire(key, lease('a', 1_000, 2_000))).toBeUndefined();
    await cards.record(key, '#deploys', notification('n1'));
    expect(await cards.acquire(key, lease('a', 1_000, 2_000))).toEqual({ channel: '#deploys', inbox: [notification('n1')], version: 1, shownVersion: 0 });
    expect(await cards.acquire(key, lease('b', 1_500, 3_000))).toBeUndefined();
    expect(await cards.acquire(key, lease('b', 2_000, 3_000))).toBeUndefined();
    expect((await cards.acquire(key, lease('b', 2_001, 3_000)))?.lease).toEqual(lease('a', 1_000, 2_000));
    expect((await cards.get(key))?.lease).toEqual(lease('b', 2_001, 3_000));
  });

  it('lets only the holder say where the message went and save what it showed, which frees the card', async () => {
    await cards.record(key, '#deploys', notification('n1'));
    await cards.record(key, '#deploys', notification('n2'));
    const taken = await cards.acquire(key, lease('a'));
    await cards.record(key, '#deploys', notification('n3'));
    expect(await cards.posted(key, 'b', { channel: 'C00000009', ts: '1764504000.000009' })).toBe(false);
    expect(await cards.posted(key, 'a', { channel: 'C00000001', ts: '1764504000.000100' })).toBe(true);
    expect(await cards.posted(key, 'a', { channel: 'C00000001' })).toBe(true);
    expect(await cards.release(key, 'b', { state: { shown: 'by b' }, version: 3, folded: 3 })).toBe(false);
    expect(await cards.release(key, 'a', { state: { shown: 'by a' }, version: taken!.version, folded: taken!.inbox.length })).toBe(true);
    expect(await cards.get(key)).toEqual({ channel: 'C00000001', ts: '1764504000.000100', state: { shown: 'by a' }, inbox: [notification('n3')], version: 3, shownVersion: 2 });
    expect(await cards.posted(key, 'a', { channel: 'C00000002', ts: '1764504000.000200' })).toBe(false);
    expect(await cards.release(key, 'a', { state: { shown: 'again' }, version: 3, folded: 1 })).toBe(false);
    expect(await cards.acquire(key, lease('b'))).toMatchObject({ inbox: [notification('n3')], shownVersion: 2 });
  });

  it('ends a lease when its holder expires it, and only then, so the next delivery takes over at once', async () => {
    await cards.record(key, '#deploys', notification('n1'));
    await cards.acquire(key, lease('a'));
    expect(await cards.expire(key, 'b')).toBe(false);
    expect(await cards.acquire(key, lease('b'))).toBeUndefined();
    expect(await cards.expire(key, 'a')).toBe(true);
    expect((await cards.acquire(key, lease('b')))?.lease).toMatchObject({ owner: 'a' });
    expect(await cards.expire(key, 'a')).toBe(false);
  });

  it("holds a build's notifications until its card is named, and hands them over each time it is named", async () => {
    const build = `${unique('my-sample-project')}:${randomUUID()}`;
    expect(await cards.cardOf(build)).toBeUndefined();
    expect(await cards.hold(build, notification('b1'))).toBeUndefined();
    expect(await cards.hold(build, notification('b2'))).toBeUndefined();
    expect(await cards.link(build, key)).toEqual([notification('b1'), notification('b2')]);
    expect(await cards.cardOf(build)).toBe(key);
    expect(await cards.hold(build, notification('b3'))).toBe(key);
    expect(await cards.link(build, key)).toEqual([notification('b1'), notification('b2')]);
    expect(await cards.link(unique('never-held'), key)).toEqual([]);
  });
}
