import { randomBytes, randomUUID } from 'node:crypto';
import type { BuildRecord, CardStore, DeploymentRecord, Ledger, PushRecord } from '../../shared/ports';
import type { ReleaseNotification } from '../../shared/release-notification';

// What the ledger table's ports must do, through the ports alone, for any implementation: the
// in-memory fakes (tests/support/fakes.ts) and the DynamoDB adapters (shared/aws/ledger-table.ts,
// card-table.ts). Every test writes under names of its own, so one table can serve them all.

const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;
const commitId = () => randomBytes(20).toString('hex');

/** A ledger, with reads of what its port only writes: a build's and a deployment's stored state. */
export interface LedgerUnderTest extends Ledger {
  /** The pushes of a commit the ledger keeps, by branch. */
  pushes(commitId: string): Promise<PushRecord[]>;
  build(buildId: string): Promise<BuildRecord | undefined>;
  deployment(deploymentId: string): Promise<DeploymentRecord | undefined>;
}

export function ledgerContract(create: () => LedgerUnderTest | Promise<LedgerUnderTest>): void {
  let ledger: LedgerUnderTest;
  beforeEach(async () => {
    ledger = await create();
  });

  it('keeps a push once per commit and branch', async () => {
    const commit = commitId();
    const push = { repository: 'MyDemoRepo', commitId: commit, author: 'Mina Kim', title: 'Add files', branch: 'feature/a' };
    await ledger.recordPush({ ...push, pushedAt: '2026-11-20T12:00:00Z', eventId: 'e1' });
    await ledger.recordPush({ ...push, pushedAt: '2026-11-20T09:00:00Z', eventId: 'e2' });
    await ledger.recordPush({ ...push, branch: 'main', pushedAt: '2026-11-19T09:00:00Z', eventId: 'e3' });
    expect(await ledger.pushes(commit)).toEqual([expect.objectContaining({ branch: 'feature/a', eventId: 'e1' }), expect.objectContaining({ branch: 'main', eventId: 'e3' })]);
  });

  it("answers whether each event's record is new: false only for the same event recorded again", async () => {
    const commit = commitId();
    const push = { repository: 'MyDemoRepo', commitId: commit, branch: 'main', pushedAt: '2026-11-20T12:00:00Z' };
    expect(await ledger.recordPush({ ...push, eventId: 'p1' })).toBe(true);
    expect(await ledger.recordPush({ ...push, eventId: 'p1' })).toBe(false);
    // another event of the same push: new, and the first is kept
    expect(await ledger.recordPush({ ...push, eventId: 'p2' })).toBe(true);
    const step = { pipeline: unique('Steps'), executionId: 'x1', state: 'STARTED', at: '2026-11-21T09:50:00Z', eventId: 's1' };
    expect(await ledger.recordStep(step)).toBe(true);
    expect(await ledger.recordStep(step)).toBe(false);
    expect(await ledger.recordStep({ ...step, eventId: 's2' })).toBe(true);
    const build = { buildId: `${unique('project')}:${randomUUID()}`, project: 'project', status: 'SUCCEEDED', at: '2026-11-21T09:58:00Z', eventId: 'b1' };
    expect(await ledger.recordBuild(build)).toBe(true);
    expect(await ledger.recordBuild(build)).toBe(false);
    expect(await ledger.recordBuild({ ...build, status: 'IN_PROGRESS', at: '2026-11-21T09:56:00Z', eventId: 'b0' })).toBe(true);
    const deployment = { deploymentId: `d-${randomBytes(5).toString('hex').toUpperCase()}`, application: 'app', deploymentGroup: 'group', state: 'SUCCESS', at: '2026-11-21T10:05:00Z', eventId: 'd1' };
    expect(await ledger.recordDeployment(deployment)).toBe(true);
    expect(await ledger.recordDeployment(deployment)).toBe(false);
  });

  it('claims a DORA fact once per pipeline, whatever else the second claim says, and lists what was claimed', async () => {
    const pipeline = unique('Facts');
    const deployment = { kind: 'deployment', pipeline, executionId: 'x1', at: '2026-11-21T10:00:00Z' } as const;
    const failure = { kind: 'failed-deployment', pipeline, executionId: 'x1', at: '2026-11-21T10:00:00Z', signal: 'alarm:a:1' } as const;
    expect(await ledger.claimFact(deployment)).toBe(true);
    expect(await ledger.claimFact(deployment)).toBe(false);
    expect(await ledger.claimFact(failure)).toBe(true);
    // another signal blaming the same deployment is the same fact
    expect(await ledger.claimFact({ ...failure, signal: 'alarm:b:2' })).toBe(false);
    expect(await ledger.claimFact({ ...deployment, pipeline: unique('Other') })).toBe(true);
    expect(await ledger.facts(pipeline)).toEqual(expect.arrayContaining([deployment, failure]));
    expect(await ledger.facts(pipeline)).toHaveLength(2);
    expect(await ledger.facts(unique('Nothing'))).toEqual([]);
  });

  it('claims a deployment with the lead times it carries as one fact: all of them once, and lists each', async () => {
    const pipeline = unique('Carried');
    const deployment = { kind: 'deployment', pipeline, executionId: 'x1', at: '2026-11-21T10:00:00Z' } as const;
    const leadTimes = ['a', 'b'].map((commit) => ({ kind: 'lead-time', pipeline, executionId: 'x1', commitId: commit.repeat(40), at: '2026-11-21T10:00:00Z', seconds: 600 }) as const);
    expect(await ledger.claimFact(deployment, leadTimes)).toBe(true);
    expect(await ledger.claimFact(deployment, leadTimes)).toBe(false);
    expect(await ledger.claimFact(deployment)).toBe(false);
    expect(await ledger.facts(pipeline)).toEqual(expect.arrayContaining([deployment, ...leadTimes]));
    expect(await ledger.facts(pipeline)).toHaveLength(3);
  });

  it("keeps a build's newer state, found by CodeBuild's ARN or CodePipeline's project:uuid", async () => {
    const short = `${unique('project')}:${randomUUID()}`;
    const arn = `arn:aws:codebuild:us-west-2:123456789012:build/${short}`;
    await ledger.recordBuild({ buildId: arn, project: 'project', status: 'SUCCEEDED', at: '2026-11-21T09:58:00Z', durationSeconds: 114, pipeline: 'MyFirstPipeline', eventId: 'ev1' });
    await ledger.recordBuild({ buildId: arn, project: 'project', status: 'IN_PROGRESS', at: '2026-11-21T09:56:00Z', eventId: 'ev2' });
    expect(await ledger.build(short)).toMatchObject({ status: 'SUCCEEDED', durationSeconds: 114, pipeline: 'MyFirstPipeline' });
    await ledger.recordBuild({ buildId: short, project: 'project', status: 'FAILED', at: '2026-11-21T09:59:00Z', eventId: 'ev3' });
    expect(await ledger.build(arn)).toMatchObject({ status: 'FAILED', at: '2026-11-21T09:59:00Z' });
    expect(await ledger.build(`${unique('project')}:${randomUUID()}`)).toBeUndefined();
  });

  it("keeps a deployment's newer state, with CodeDeploy's error", async () => {
    const deploymentId = `d-${randomBytes(5).toString('hex').toUpperCase()}`;
    const deployment = { deploymentId, application: 'myApplication', deploymentGroup: 'myDeploymentGroup' };
    await ledger.recordDeployment({ ...deployment, state: 'FAILURE', at: '2026-11-21T10:05:00Z', durationSeconds: 125, error: { code: 'HEALTH_CONSTRAINTS', message: 'too many failed' }, eventId: 'ev4' });
    await ledger.recordDeployment({ ...deployment, state: 'START', at: '2026-11-21T10:00:00Z', eventId: 'ev5' });
    expect(await ledger.deployment(deploymentId)).toMatchObject({ state: 'FAILURE', durationSeconds: 125, error: { code: 'HEALTH_CONSTRAINTS', message: 'too many failed' } });
  });

  it('ties a build or a deployment to the execution that ran it, and only what was tied', async () => {
    const pipeline = unique('Linked');
    const short = `${unique('project')}:${randomUUID()}`;
    const deploymentId = `d-${randomBytes(5).toString('hex').toUpperCase()}`;
    await ledger.recordBuild({ buildId: short, project: 'project', status: 'SUCCEEDED', at: '2026-11-21T09:58:00Z', eventId: 'ev6' });
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

  it('records a notification and takes the free lease in one write, or does neither when the notification was seen or the card is held', async () => {
    expect(await cards.recordTaking(key, '#deploys', notification('n1'), lease('a'))).toEqual({ channel: '#deploys', inbox: [notification('n1')], version: 1, shownVersion: 0 });
    expect((await cards.get(key))?.lease).toMatchObject({ owner: 'a' });
    expect(await cards.recordTaking(key, '#deploys', notification('n2'), lease('b'))).toBeUndefined();
    expect(await cards.get(key)).toMatchObject({ inbox: [notification('n1')], version: 1 });
    expect(await cards.release(key, 'a', { state: { shown: 'n1' }, version: 1, folded: 1, message: { channel: 'C00000001', ts: '1764504000.000100' } })).toBe(true);
    expect(await cards.recordTaking(key, '#elsewhere', notification('n1'), lease('c'))).toBeUndefined();
    expect(await cards.recordTaking(key, '#elsewhere', notification('n2'), lease('c'))).toEqual({ channel: 'C00000001', ts: '1764504000.000100', state: { shown: 'n1' }, inbox: [notification('n2')], version: 2, shownVersion: 1 });
    expect((await cards.get(key))?.lease).toMatchObject({ owner: 'c' });
  });

  it('lets only the holder save what it showed and where the message is, which frees the card', async () => {
    await cards.record(key, '#deploys', notification('n1'));
    await cards.record(key, '#deploys', notification('n2'));
    const taken = await cards.acquire(key, lease('a'));
    await cards.record(key, '#deploys', notification('n3'));
    expect(await cards.release(key, 'b', { state: { shown: 'by b' }, version: 3, folded: 3, message: { channel: 'C00000009', ts: '1764504000.000009' } })).toBe(false);
    expect(await cards.release(key, 'a', { state: { shown: 'by a' }, version: taken!.version, folded: taken!.inbox.length, message: { channel: 'C00000001', ts: '1764504000.000100' } })).toBe(true);
    expect(await cards.get(key)).toEqual({ channel: 'C00000001', ts: '1764504000.000100', state: { shown: 'by a' }, inbox: [notification('n3')], version: 3, shownVersion: 2 });
    expect(await cards.release(key, 'a', { state: { shown: 'again' }, version: 3, folded: 1 })).toBe(false);
    // a holder that only updated the message keeps where it is
    await cards.acquire(key, lease('b'));
    expect(await cards.release(key, 'b', { state: { shown: 'by b' }, version: 3, folded: 1 })).toBe(true);
    expect(await cards.get(key)).toMatchObject({ channel: 'C00000001', ts: '1764504000.000100', inbox: [], shownVersion: 3 });
  });

  it('hands out a card for an update in place only when it is posted and idle, and saves that update only if nothing came in meanwhile', async () => {
    expect(await cards.updatable(key, 'n2')).toBeUndefined();
    await cards.record(key, '#deploys', notification('n1'));
    await cards.acquire(key, lease('a'));
    expect(await cards.updatable(key, 'n2')).toBeUndefined();
    await cards.release(key, 'a', { state: { shown: 'n1' }, version: 1, folded: 1, message: { channel: 'C00000001', ts: '1764504000.000100' } });
    const idle = { channel: 'C00000001', ts: '1764504000.000100', state: { shown: 'n1' }, inbox: [], version: 1, shownVersion: 1 };
    expect(await cards.updatable(key, 'n2')).toEqual(idle);
    expect(await cards.updatable(key, 'n1')).toBeUndefined();

    expect(await cards.saveUpdated(key, 1, { shown: 'n1 n2' }, 'n2')).toBe(true);
    expect(await cards.get(key)).toEqual({ ...idle, state: { shown: 'n1 n2' }, version: 2, shownVersion: 2 });
    // a second delivery that read the same card, a redelivery, an earlier version: nothing saved
    expect(await cards.saveUpdated(key, 1, { shown: 'n1 n3' }, 'n3')).toBe(false);
    expect(await cards.saveUpdated(key, 2, { shown: 'again' }, 'n2')).toBe(false);
    expect(await cards.updatable(key, 'n2')).toBeUndefined();
    // something recorded and not yet shown, or a lease, even one that ran out: the lease's path shows it
    await cards.record(key, '#deploys', notification('n4'));
    expect(await cards.updatable(key, 'n5')).toBeUndefined();
    expect(await cards.saveUpdated(key, 3, { shown: 'n5' }, 'n5')).toBe(false);
    await cards.acquire(key, lease('b', 1_000, 2_000));
    expect(await cards.updatable(key, 'n5')).toBeUndefined();
    expect(await cards.get(key)).toMatchObject({ state: { shown: 'n1 n2' }, version: 3, shownVersion: 2 });
  });

  it('ends a lease when its holder expires it, and only then, so the next delivery takes over at once', async () => {
    await cards.record(key, '#deploys', notification('n1'));
    await cards.acquire(key, lease('a'));
    expect(await cards.expire(key, 'b')).toBe(false);
    expect(await cards.acquire(key, lease('b'))).toBeUndefined();
    expect(await cards.expire(key, 'a')).toBe(true);
    expect((await cards.acquire(key, lease('b')))?.lease).toMatchObject({ owner: 'a' });
    expect(await cards.expire(key, 'a')).toBe(false);
    // a holder that failed after posting says where the message is
    expect(await cards.expire(key, 'b', { channel: 'C00000001', ts: '1764504000.000100' })).toBe(true);
    expect(await cards.acquire(key, lease('c'))).toMatchObject({ channel: 'C00000001', ts: '1764504000.000100', lease: { owner: 'b' } });
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
