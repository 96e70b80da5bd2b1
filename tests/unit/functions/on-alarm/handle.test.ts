import { handle } from '../../../../functions/on-alarm/handle';
import { AlarmStateChangeEvent } from '../../../../shared/events';
import { placePolicy } from '../../../../shared/policy-rules';
import { parsePolicy } from '../../../../shared/release-policy';
import { memoryLedger, memoryNotifications, memoryPipelines } from '../../../support/fakes';
import { emittedMetrics } from '../../../support/metrics';
import { sampleEvent } from '../../../support/samples';

const ALARM = 'MyCodePipelineDemo-unhealthy';
const policy = parsePolicy(`
teams: { platform: {}, web: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - name: MyFirstPipeline
        branches: [main]
        production: true
        signals: { alarms: [${ALARM}], windowMinutes: 60 }
  WebsiteRepo:
    team: web
    pipelines: [{ name: website, branches: [main] }]
`);

// CodePipeline's list: d2 breaks production at 10:20 (within its hour), d3 is made at 10:40 while
// the alarm is on, and the alarm clears at 11:20
const deployment = (executionId: string, deployedAt: string) => ({ pipeline: 'MyFirstPipeline', executionId, deployedAt, commitId: executionId.padEnd(40, '0') });
const deployments = [deployment('d1', '2026-11-24T10:00:00.000Z'), deployment('d2', '2026-11-25T10:00:00.000Z'), deployment('d3', '2026-11-25T10:40:00.000Z')];

const alarmEvent = (file: 'alarm-in-alarm' | 'alarm-ok', state: { value: string; timestamp: string }, previous: { value: string; timestamp: string }, id: string = file) =>
  sampleEvent(AlarmStateChangeEvent, `cloudwatch/${file}.json`, (event) => {
    event.id = id;
    event.time = state.timestamp.replace(/\.\d+\+0000$/, 'Z');
    Object.assign(event.detail.state, state);
    Object.assign(event.detail.previousState, previous);
  });
const wentOff = alarmEvent('alarm-in-alarm', { value: 'ALARM', timestamp: '2026-11-25T10:20:00.000+0000' }, { value: 'OK', timestamp: '2026-11-25T09:00:00.000+0000' });
const cleared = alarmEvent('alarm-ok', { value: 'OK', timestamp: '2026-11-25T11:20:00.000+0000' }, { value: 'ALARM', timestamp: '2026-11-25T10:20:00.000+0000' });

function setUp() {
  const fakes = { pipelines: memoryPipelines({ deployments }), ledger: memoryLedger(), notifications: memoryNotifications() };
  return { ...fakes, deps: { policy, ...fakes } };
}

const failed = { kind: 'failed-deployment', pipeline: 'MyFirstPipeline', executionId: 'd2', at: '2026-11-25T10:00:00.000Z', signal: `alarm:${ALARM}:2026-11-25T10:20:00.000Z` };
const recovery = { kind: 'recovery', pipeline: 'MyFirstPipeline', executionId: 'd2', at: '2026-11-25T11:20:00.000Z', seconds: 3600, signal: `alarm:${ALARM}:2026-11-25T10:20:00.000Z` };
const rework = { kind: 'rework', pipeline: 'MyFirstPipeline', executionId: 'd3', at: '2026-11-25T10:40:00.000Z' };

describe('on-alarm handle', () => {
  it('a declared alarm going off within the window after a deployment: that deployment failed, and its card and team hear of it', async () => {
    const { deps, ledger, notifications, pipelines } = setUp();
    const { result, records } = await emittedMetrics(() => handle(wentOff, deps));
    expect(result).toEqual({ state: 'ALARM', watchedBy: ['MyFirstPipeline'], dora: [failed] });
    expect(pipelines.reads).toEqual(['history MyFirstPipeline 2026-11-25T10:20:00.000Z']);
    expect(await ledger.facts('MyFirstPipeline')).toEqual([failed]);
    expect(records).toContainEqual(expect.objectContaining({ pipeline: 'MyFirstPipeline', FailedDeployments: 1 }));
    expect(notifications.published).toEqual([
      expect.objectContaining({
        id: `${wentOff.id}/platform`,
        kind: 'alarm',
        severity: 'failure',
        team: 'platform',
        result: 'ALARM',
        alarm: { name: ALARM, previous: 'OK', reason: wentOff.detail.state.reason, since: '2026-11-25T10:20:00.000Z' },
        pipeline: { name: 'MyFirstPipeline', executionId: 'd2' },
        links: [
          { label: 'Alarm', url: `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/${ALARM}` },
          { label: 'Pipeline execution', url: 'https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/MyFirstPipeline/executions/d2/timeline?region=us-east-1' },
        ],
      }),
    ]);
  });

  it('the alarm back to OK: the recovery, and the deployment made meanwhile was rework; it needs no earlier event', async () => {
    const { deps, ledger, notifications } = setUp();
    const { result, records } = await emittedMetrics(() => handle(cleared, deps));
    expect(result).toMatchObject({ state: 'OK', dora: [failed, recovery, rework] });
    expect(await ledger.facts('MyFirstPipeline')).toEqual(expect.arrayContaining([failed, recovery, rework]));
    expect(records).toContainEqual(expect.objectContaining({ FailedDeploymentRecoveryTime: 3600 }));
    expect(records).toContainEqual(expect.objectContaining({ ReworkDeployments: 1 }));
    expect(notifications.published[0]).toMatchObject({ severity: 'success', result: 'OK', alarm: { since: '2026-11-25T10:20:00.000Z', previous: 'ALARM' } });
  });

  it('counts each fact once, whatever order the events come in and however often', async () => {
    const inOrder = setUp();
    for (const event of [wentOff, cleared]) await handle(event, inOrder.deps);
    const shuffled = setUp();
    const { records } = await emittedMetrics(() => Promise.all([cleared, wentOff, alarmEvent('alarm-ok', { value: 'OK', timestamp: '2026-11-25T11:20:00.000+0000' }, { value: 'ALARM', timestamp: '2026-11-25T10:20:00.000+0000' }, 'redelivered'), cleared].map((event) => handle(event, shuffled.deps))));
    expect(await shuffled.ledger.facts('MyFirstPipeline')).toEqual(await inOrder.ledger.facts('MyFirstPipeline'));
    expect(records.filter((record) => 'FailedDeployments' in record && 'pipeline' in record)).toHaveLength(1);
    expect(records.filter((record) => 'ReworkDeployments' in record && 'pipeline' in record)).toHaveLength(1);
  });

  it('blames no deployment outside the window, yet tells the team', async () => {
    const { deps, ledger, notifications } = setUp();
    const late = alarmEvent('alarm-in-alarm', { value: 'ALARM', timestamp: '2026-11-25T12:00:00.000+0000' }, { value: 'OK', timestamp: '2026-11-25T11:20:00.000+0000' }, 'late');
    expect(await handle(late, deps)).toMatchObject({ dora: [] });
    expect(await ledger.facts('MyFirstPipeline')).toEqual([]);
    expect(notifications.published).toEqual([expect.objectContaining({ kind: 'alarm', team: 'platform' })]);
    expect(notifications.published[0]).not.toHaveProperty('pipeline');
  });

  it("an alarm no pipeline declares (this stack's own): told, with no CodePipeline read and no fact", async () => {
    const { deps, pipelines, notifications } = setUp();
    const own = alarmEvent('alarm-in-alarm', { value: 'ALARM', timestamp: '2026-11-25T10:20:00.000+0000' }, { value: 'OK', timestamp: '2026-11-25T09:00:00.000+0000' }, 'own');
    own.detail.alarmName = 'release-conductor-prod-DeadLetterQueueAlarm-1A2B3C';
    expect(await handle(own, deps)).toEqual({ state: 'ALARM', watchedBy: [], dora: [] });
    expect(pipelines.reads).toEqual([]);
    // two teams in the policy: nobody's in particular
    expect(notifications.published).toEqual([expect.objectContaining({ team: 'unrouted', severity: 'failure' })]);
  });

  it('INSUFFICIENT_DATA starts and ends nothing', async () => {
    const { deps, pipelines } = setUp();
    const unknown = alarmEvent('alarm-in-alarm', { value: 'INSUFFICIENT_DATA', timestamp: '2026-11-25T10:20:00.000+0000' }, { value: 'OK', timestamp: '2026-11-25T09:00:00.000+0000' }, 'unknown');
    expect(await handle(unknown, deps)).toMatchObject({ state: 'INSUFFICIENT_DATA', dora: [] });
    expect(pipelines.reads).toEqual([]);
  });
});

describe('on-alarm handle, in an organization', () => {
  const member = placePolicy(policy, { account: '123456789012', region: 'us-east-1' });
  // MyFirstPipeline lives in a member account
  member.repositories.MyDemoRepo!.pipelines[0]!.account = '111122223333';

  it('counts a declared alarm only from the account and region of the pipeline that declares it', async () => {
    const { deps, ledger, pipelines } = setUp();
    // AWS's sample comes from 123456789012: another account's alarm of the same name
    expect(await handle(wentOff, { ...deps, policy: member })).toMatchObject({ watchedBy: [], dora: [] });
    expect(pipelines.reads).toEqual([]);
    const fromMember = { ...wentOff, id: 'from-member', account: '111122223333' };
    expect(await handle(fromMember, { ...deps, policy: member })).toMatchObject({ watchedBy: ['MyFirstPipeline'], dora: [failed] });
    expect(await ledger.facts('MyFirstPipeline')).toEqual([failed]);
  });
});
