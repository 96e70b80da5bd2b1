import { handle as onAlarm } from '../../../functions/on-alarm/handle';
import { handle as onPipeline } from '../../../functions/on-pipeline/handle';
import { doraSummary, type Deployment, type Rollback } from '../../../shared/dora';
import { AlarmStateChangeEvent, CodePipelineEvent } from '../../../shared/events';
import type { Commit, SourceReader } from '../../../shared/ports';
import { parsePolicy } from '../../../shared/release-policy';
import { median, seededRandom } from '../../support/generated-figures';
import { memoryLedger, memoryNotifications, memoryPipelines } from '../../support/fakes';
import { emittedMetrics } from '../../support/metrics';
import { sampleEvent } from '../../support/samples';

// A generated month of two teams' production pipelines (deployments, failed and retried executions,
// alarms, roll backs) goes through on-pipeline and on-alarm as AWS
// delivers it (every event in any order, a fifth twice, ten at a time), and `npm run report`'s
// arithmetic over the ledger and the metrics the functions emitted both give the figures the
// generator knows to be true: it decides which deployment each alarm is to blame for.
const WINDOW_MINUTES = 60;
const PIPELINES = [
  { pipeline: 'MyFirstPipeline', repository: 'MyDemoRepo', team: 'platform', alarm: 'MyCodePipelineDemo-unhealthy' },
  { pipeline: 'website', repository: 'WebsiteRepo', team: 'web', alarm: 'website-5xx' },
];
const policy = parsePolicy(`
teams: { platform: {}, web: {} }
repositories:
${PIPELINES.map(({ pipeline, repository, team, alarm }) => `  ${repository}:
    team: ${team}
    pipelines:
      - { name: ${pipeline}, branches: [main], production: true, signals: { alarms: [${alarm}], windowMinutes: ${WINDOW_MINUTES} } }`).join('\n')}
`);

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const cloudWatchTime = (ms: number) => iso(ms).replace('Z', '+0000');

interface Truth {
  deployments: Deployment[];
  commits: Map<string, Commit[]>;
  leadTimes: number[];
  failed: Set<string>;
  rework: Set<string>;
  recoveries: number[];
  rollbacks: Rollback[];
  events: { kind: 'pipeline' | 'alarm'; event: unknown }[];
}

function generateMonth(): Truth {
  const pick = seededRandom(20261130);
  const truth: Truth = { deployments: [], commits: new Map(), leadTimes: [], failed: new Set(), rework: new Set(), recoveries: [], rollbacks: [], events: [] };
  const monthStart = Date.parse('2026-10-01T00:00:00Z');
  let serial = 0;
  const pipelineEvent = (pipeline: string, executionId: string, state: 'SUCCEEDED' | 'FAILED', at: number, attempt: number) =>
    sampleEvent(CodePipelineEvent, `codepipeline/pipeline-${state === 'SUCCEEDED' ? 'succeeded' : 'failed'}.json`, (event) => {
      event.id = `event-${(serial += 1)}`;
      event.time = iso(at).replace(/\.\d{3}Z$/, 'Z');
      Object.assign(event.detail, { pipeline, 'execution-id': executionId, 'pipeline-execution-attempt': attempt });
    });
  const alarmEvent = (alarm: string, state: 'ALARM' | 'OK', at: number, previousAt: number) =>
    sampleEvent(AlarmStateChangeEvent, `cloudwatch/alarm-${state === 'ALARM' ? 'in-alarm' : 'ok'}.json`, (event) => {
      event.id = `event-${(serial += 1)}`;
      event.time = iso(at).replace(/\.\d{3}Z$/, 'Z');
      event.detail.alarmName = alarm;
      Object.assign(event.detail.state, { value: state, timestamp: cloudWatchTime(at) });
      Object.assign(event.detail.previousState, { value: state === 'ALARM' ? 'OK' : 'ALARM', timestamp: cloudWatchTime(previousAt) });
    });

  for (const { pipeline, alarm } of PIPELINES) {
    const deployed: Deployment[] = [];
    let previousHead: string | undefined;
    for (let day = 0; day < 30; day += 1) {
      let at = monthStart + day * 1440 * MINUTE + 9 * 60 * MINUTE;
      for (let run = pick(1, 3); run > 0; run -= 1) {
        at += pick(40, 180) * MINUTE;
        const executionId = `${pipeline}-${day}-${run}`;
        const outcome = pick(1, 10);
        if (outcome === 1) {
          truth.events.push({ kind: 'pipeline', event: pipelineEvent(pipeline, executionId, 'FAILED', at, 1) });
          continue;
        }
        if (outcome === 2) {
          // a stage retried to success: the same execution, attempt 2
          truth.events.push({ kind: 'pipeline', event: pipelineEvent(pipeline, executionId, 'FAILED', at, 1) });
          at += 20 * MINUTE;
        }
        const deployedAt = iso(Math.floor(at / 1000) * 1000);
        truth.events.push({ kind: 'pipeline', event: pipelineEvent(pipeline, executionId, 'SUCCEEDED', at, outcome === 2 ? 2 : 1) });
        const brought = Array.from({ length: previousHead ? pick(1, 3) : 1 }, (_, index): Commit => ({
          commitId: `${executionId}-${index}`.padEnd(40, '0'),
          author: 'Mina Kim',
          message: 'change',
          authoredAt: iso(Date.parse(deployedAt) - pick(30, 2880) * MINUTE),
        }));
        truth.commits.set(`${previousHead ?? ''}..${brought[0]!.commitId}`, brought);
        truth.leadTimes.push(...brought.map((commit) => (Date.parse(deployedAt) - Date.parse(commit.authoredAt!)) / 1000));
        previousHead = brought[0]!.commitId;
        deployed.push({ pipeline, executionId, deployedAt, commitId: previousHead });
      }
    }
    truth.deployments.push(...deployed);

    // a quarter of the deployments break production before the next one comes; each alarm lasts 10 minutes to 2 hours
    let quietUntil = 0;
    deployed.forEach((deployment, index) => {
      const startedAt = Date.parse(deployment.deployedAt) + pick(5, WINDOW_MINUTES - 5) * MINUTE;
      const next = deployed[index + 1];
      if (pick(1, 4) !== 1 || startedAt <= quietUntil || (next && startedAt >= Date.parse(next.deployedAt))) return;
      const endedAt = startedAt + pick(10, 120) * MINUTE;
      quietUntil = endedAt;
      truth.failed.add(deployment.executionId);
      truth.recoveries.push((endedAt - startedAt) / 1000);
      for (const fix of deployed) if (Date.parse(fix.deployedAt) > startedAt && Date.parse(fix.deployedAt) < endedAt) truth.rework.add(fix.executionId);
      truth.events.push({ kind: 'alarm', event: alarmEvent(alarm, 'ALARM', startedAt, startedAt - 3 * 60 * MINUTE) }, { kind: 'alarm', event: alarmEvent(alarm, 'OK', endedAt, startedAt) });
    });
    // an eighth of the others are rolled back (CodePipeline's ROLLBACK execution) before the next deployment
    deployed.forEach((deployment, index) => {
      const startedAt = Date.parse(deployment.deployedAt) + 10 * MINUTE;
      const endedAt = startedAt + 10 * MINUTE;
      const next = deployed[index + 1];
      if (truth.failed.has(deployment.executionId) || pick(1, 8) !== 1 || (next && endedAt >= Date.parse(next.deployedAt)) || (startedAt <= quietUntil && endedAt >= quietUntil)) return;
      const executionId = `${deployment.executionId}-rollback`;
      truth.failed.add(deployment.executionId);
      truth.recoveries.push((endedAt - startedAt) / 1000);
      truth.rollbacks.push({ pipeline, executionId, startedAt: iso(startedAt), endedAt: iso(endedAt) });
      truth.events.push({ kind: 'pipeline', event: pipelineEvent(pipeline, executionId, 'SUCCEEDED', endedAt, 1) });
    });
    // and one alarm no deployment is to blame for: hours after the last one
    const late = Date.parse(deployed.at(-1)!.deployedAt) + 5 * 60 * MINUTE;
    truth.events.push({ kind: 'alarm', event: alarmEvent(alarm, 'ALARM', late, late - MINUTE) }, { kind: 'alarm', event: alarmEvent(alarm, 'OK', late + 30 * MINUTE, late) });
  }
  return truth;
}

describe('a generated month of production deployments and alarms', () => {
  it('gives the true five measures through the functions, in the ledger and in the metrics, whatever the order, duplicates and concurrency', async () => {
    const truth = generateMonth();
    const source: Pick<SourceReader, 'commitsBetween'> = {
      async commitsBetween(_repository, from, to, limit) {
        const commits = truth.commits.get(`${from ?? ''}..${to}`);
        if (!commits) throw new Error(`no commits between ${from} and ${to} in the generated month`);
        return { commits: commits.slice(0, limit), complete: commits.length <= limit };
      },
    };
    const pipelines = memoryPipelines({
      deployments: truth.deployments,
      rollbacks: truth.rollbacks,
      revisions: truth.deployments.map(({ pipeline, executionId, commitId }) => ({ pipeline, executionId, commitId: commitId!, variables: {} })),
    });
    const ledger = memoryLedger();
    const deps = { policy, pipelines, source, ledger, notifications: memoryNotifications() };

    const pick = seededRandom(7);
    const deliveries = [...truth.events, ...truth.events.filter(() => pick(1, 5) === 1)];
    for (let i = deliveries.length - 1; i > 0; i -= 1) {
      const j = pick(0, i);
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    const { records } = await emittedMetrics(async () => {
      for (let i = 0; i < deliveries.length; i += 10) {
        await Promise.all(deliveries.slice(i, i + 10).map(({ kind, event }) => (kind === 'pipeline' ? onPipeline(event as CodePipelineEvent, deps) : onAlarm(event as AlarmStateChangeEvent, deps))));
      }
    });

    const deployments = truth.deployments.length;
    expect(truth.failed.size).toBeGreaterThan(5);
    expect(truth.rework.size).toBeGreaterThan(0);
    expect(truth.rollbacks.length).toBeGreaterThan(2);
    const expected = {
      deployments,
      failedDeployments: truth.failed.size,
      changeFailRate: truth.failed.size / deployments,
      reworkDeployments: truth.rework.size,
      reworkRate: truth.rework.size / deployments,
      medianLeadTimeSeconds: median(truth.leadTimes),
      medianRecoverySeconds: median(truth.recoveries),
    };
    const facts = (await Promise.all(PIPELINES.map(({ pipeline }) => ledger.facts(pipeline)))).flat();
    expect(doraSummary(facts, new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'))).toMatchObject(expected);

    // per pipeline, every fact counted once: the sums and the values CloudWatch gets
    const perPipeline = records.filter((record) => typeof record.pipeline === 'string');
    const values = (name: string) => perPipeline.flatMap((record) => (typeof record[name] === 'number' ? [record[name]] : []));
    const sum = (name: string) => values(name).reduce((total, value) => total + value, 0);
    expect(sum('ProductionDeployments')).toBe(deployments);
    expect(sum('FailedDeployments')).toBe(truth.failed.size);
    expect(sum('ReworkDeployments')).toBe(truth.rework.size);
    expect(values('LeadTimeForChanges').sort((a, b) => a - b)).toEqual([...truth.leadTimes].sort((a, b) => a - b));
    expect(values('FailedDeploymentRecoveryTime').sort((a, b) => a - b)).toEqual([...truth.recoveries].sort((a, b) => a - b));
  });
});
