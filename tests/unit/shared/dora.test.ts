import { attributedDeployment, deploymentFacts, doraSummary, factKey, failureFacts, metricOf, type Deployment, type DoraFact } from '../../../shared/dora';

const PIPELINE = 'MyFirstPipeline';
const deployment = (executionId: string, deployedAt: string): Deployment => ({ pipeline: PIPELINE, executionId, deployedAt });
// a week of one production pipeline: d1 is fine, d2 breaks production (its alarm fires within the
// window), d3 is made while d2's alarm is still on (rework), the alarm clears, d4 is fine; d5 comes
// more than the window before its alarm, which no deployment is to blame for
const d1 = deployment('d1', '2026-11-16T10:00:00.000Z');
const d2 = deployment('d2', '2026-11-17T10:00:00.000Z');
const d3 = deployment('d3', '2026-11-17T10:40:00.000Z');
const d4 = deployment('d4', '2026-11-18T09:00:00.000Z');
const d5 = deployment('d5', '2026-11-19T09:00:00.000Z');
const week = [d1, d2, d3, d4, d5];
const outage = { id: 'alarm:MyCodePipelineDemo-unhealthy:2026-11-17T10:20:00.000Z', startedAt: '2026-11-17T10:20:00.000Z', endedAt: '2026-11-17T11:20:00.000Z' };

describe('deploymentFacts', () => {
  it('gives the deployment and the lead time of each of its commits that has a time', () => {
    const facts = deploymentFacts(d2, [
      { commitId: 'c2', authoredAt: '2026-11-17T08:00:00.000Z' },
      { commitId: 'c1', authoredAt: '2026-11-16T22:00:00.000Z' },
      { commitId: 'c0' },
    ]);
    expect(facts).toEqual([
      { kind: 'deployment', pipeline: PIPELINE, executionId: 'd2', at: d2.deployedAt },
      { kind: 'lead-time', pipeline: PIPELINE, executionId: 'd2', commitId: 'c2', at: d2.deployedAt, seconds: 7200 },
      { kind: 'lead-time', pipeline: PIPELINE, executionId: 'd2', commitId: 'c1', at: d2.deployedAt, seconds: 43_200 },
    ]);
  });
});

describe('attributedDeployment', () => {
  it('blames the last deployment before the failure, within the window after it', () => {
    expect(attributedDeployment(week, '2026-11-17T10:20:00.000Z', 60)).toBe(d2);
    expect(attributedDeployment(week, '2026-11-17T10:50:00.000Z', 60)).toBe(d3);
    // a failure at the very moment of a deployment is that deployment's
    expect(attributedDeployment(week, d4.deployedAt, 60)).toBe(d4);
  });

  it('blames nobody outside the window, or before the first deployment', () => {
    expect(attributedDeployment(week, '2026-11-19T10:01:00.000Z', 60)).toBeUndefined();
    expect(attributedDeployment(week, '2026-11-19T10:01:00.000Z', 61)).toBe(d5);
    expect(attributedDeployment(week, '2026-11-15T10:00:00.000Z', 60)).toBeUndefined();
  });

  it('answers the same whatever order the deployments are listed in', () => {
    expect(attributedDeployment([...week].reverse(), '2026-11-17T10:20:00.000Z', 60)).toBe(d2);
  });
});

describe('failureFacts', () => {
  it('while the signal is on: the deployment it is attributed to failed, at the time of that deployment', () => {
    expect(failureFacts({ id: outage.id, startedAt: outage.startedAt }, week, 60)).toEqual([{ kind: 'failed-deployment', pipeline: PIPELINE, executionId: 'd2', at: d2.deployedAt, signal: outage.id }]);
  });

  it('once it ended: the recovery, and each deployment made while it was on is rework', () => {
    expect(failureFacts(outage, week, 60)).toEqual([
      { kind: 'failed-deployment', pipeline: PIPELINE, executionId: 'd2', at: d2.deployedAt, signal: outage.id },
      { kind: 'recovery', pipeline: PIPELINE, executionId: 'd2', at: outage.endedAt, seconds: 3600, signal: outage.id },
      { kind: 'rework', pipeline: PIPELINE, executionId: 'd3', at: d3.deployedAt },
    ]);
  });

  it('says nothing of a signal no deployment is to blame for', () => {
    expect(failureFacts({ id: 'alarm:x:late', startedAt: '2026-11-19T12:00:00.000Z', endedAt: '2026-11-19T13:00:00.000Z' }, week, 60)).toEqual([]);
  });
});

describe('factKey and metricOf', () => {
  it('name a fact by what it is about, not by who found it', () => {
    const failure: DoraFact = { kind: 'failed-deployment', pipeline: PIPELINE, executionId: 'd2', at: d2.deployedAt, signal: 'alarm:a' };
    expect(factKey(failure)).toBe(factKey({ ...failure, signal: 'rollback:d-1' }));
    expect(factKey({ kind: 'recovery', pipeline: PIPELINE, executionId: 'd2', at: 'x', seconds: 1, signal: 'alarm:a' })).not.toBe(factKey({ kind: 'recovery', pipeline: PIPELINE, executionId: 'd2', at: 'x', seconds: 1, signal: 'alarm:b' }));
    expect(metricOf(failure)).toEqual({ name: 'FailedDeployments', unit: 'Count', value: 1 });
  });
});

describe('doraSummary', () => {
  const commits = (at: string, ...hoursBefore: number[]) => hoursBefore.map((hours, index) => ({ commitId: `${at}-${index}`, authoredAt: new Date(Date.parse(at) - hours * 3_600_000).toISOString() }));
  const facts = [
    ...deploymentFacts(d1, commits(d1.deployedAt, 1)),
    ...deploymentFacts(d2, commits(d2.deployedAt, 2, 4)),
    ...deploymentFacts(d3, commits(d3.deployedAt, 1)),
    ...deploymentFacts(d4, commits(d4.deployedAt, 10)),
    ...deploymentFacts(d5, []),
    ...failureFacts(outage, week, 60),
  ];
  const from = new Date('2026-11-16T00:00:00Z');
  const to = new Date('2026-11-20T00:00:00Z');

  it('gives the five measures over the period', () => {
    expect(doraSummary(facts, from, to)).toEqual({
      deployments: 5,
      failedDeployments: 1,
      changeFailRate: 0.2,
      reworkDeployments: 1,
      reworkRate: 0.2,
      medianLeadTimeSeconds: 2 * 3600,
      medianRecoverySeconds: 3600,
      days: [
        { day: '2026-11-16', deployments: 1, medianLeadTimeSeconds: 3600 },
        { day: '2026-11-17', deployments: 2, medianLeadTimeSeconds: 2 * 3600 },
        { day: '2026-11-18', deployments: 1, medianLeadTimeSeconds: 10 * 3600 },
        { day: '2026-11-19', deployments: 1, medianLeadTimeSeconds: undefined },
      ],
      perDeployment: [
        { pipeline: PIPELINE, executionId: 'd1', at: d1.deployedAt, commits: 1, medianLeadTimeSeconds: 3600 },
        { pipeline: PIPELINE, executionId: 'd2', at: d2.deployedAt, commits: 2, medianLeadTimeSeconds: 3 * 3600 },
        { pipeline: PIPELINE, executionId: 'd3', at: d3.deployedAt, commits: 1, medianLeadTimeSeconds: 3600 },
        { pipeline: PIPELINE, executionId: 'd4', at: d4.deployedAt, commits: 1, medianLeadTimeSeconds: 10 * 3600 },
        { pipeline: PIPELINE, executionId: 'd5', at: d5.deployedAt, commits: 0, medianLeadTimeSeconds: undefined },
      ],
    });
  });

  it('counts each fact once, whatever order and however often it comes', () => {
    const shuffled = [...facts, ...facts.slice(2, 6)].reverse();
    expect(doraSummary(shuffled, from, to)).toEqual(doraSummary(facts, from, to));
  });

  it('takes only the facts whose time falls in the period', () => {
    expect(doraSummary(facts, new Date('2026-11-17T00:00:00Z'), new Date('2026-11-18T00:00:00Z'))).toMatchObject({ deployments: 2, failedDeployments: 1, reworkDeployments: 1, changeFailRate: 0.5, reworkRate: 0.5, medianRecoverySeconds: 3600 });
  });

  it('has no rates without deployments', () => {
    expect(doraSummary([], from, to)).toMatchObject({ deployments: 0, changeFailRate: undefined, reworkRate: undefined, medianLeadTimeSeconds: undefined, medianRecoverySeconds: undefined });
  });
});
