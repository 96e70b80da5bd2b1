import { releasesFromLedger, type ReleaseContext } from '../../../../../infra/local/console/releases';
import { keys } from '../../../../../shared/aws/ledger-table';
import { deploymentFacts, failureFacts, type Deployment, type DoraFact } from '../../../../../shared/dora';

const PIPELINE = 'MyFirstPipeline';
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 30, 9, minutes)).toISOString();
const step = (pipeline: string, executionId: string, minutes: number, state: string, stage?: string) => ({
  ...keys.step(pipeline, executionId, at(minutes), `event-${executionId}-${minutes}-${stage ?? ''}`),
  pipeline,
  executionId,
  ...(stage ? { stage } : {}),
  state,
  at: at(minutes),
});
// as the ledger keeps a claimed fact (shared/aws/ledger-table.ts)
const item = (fact: DoraFact) => ({ ...keys.fact(fact), fact, expiresAt: 0 });

describe('the releases view', () => {
  const shipped: Deployment = { pipeline: PIPELINE, executionId: 'exec-shipped', deployedAt: at(10) };
  const fix: Deployment = { pipeline: PIPELINE, executionId: 'exec-fix', deployedAt: at(30) };
  const alarm = { id: `alarm:MyCodePipelineDemo-unhealthy:${at(20)}`, startedAt: at(20), endedAt: at(40) };
  const facts = [...deploymentFacts(shipped, [{ commitId: 'c0ffee1', authoredAt: at(0) }]), ...deploymentFacts(fix, []), ...failureFacts(alarm, [shipped, fix], 60)];
  const ledger = [
    { ...keys.push('c0ffee1', 'MyDemoRepo', 'main'), repository: 'MyDemoRepo', branch: 'main', commitId: 'c0ffee1', author: 'Mina Kim', title: 'Show the banner', pushedAt: at(0) },
    step(PIPELINE, 'exec-shipped', 1, 'STARTED'),
    step(PIPELINE, 'exec-shipped', 2, 'STARTED', 'Build'),
    step(PIPELINE, 'exec-shipped', 9, 'SUCCEEDED', 'Build'),
    step(PIPELINE, 'exec-shipped', 10, 'SUCCEEDED'),
    step(PIPELINE, 'exec-fix', 25, 'STARTED'),
    step(PIPELINE, 'exec-fix', 30, 'SUCCEEDED'),
    step(PIPELINE, 'exec-broken', 41, 'STARTED'),
    step(PIPELINE, 'exec-broken', 45, 'FAILED'),
    step(PIPELINE, 'exec-running', 50, 'STARTED'),
    step('feature-preview', 'exec-preview', 3, 'STARTED'),
    step('feature-preview', 'exec-preview', 5, 'SUCCEEDED'),
    ...facts.map(item),
  ];
  const context: ReleaseContext = { productionPipelines: [PIPELINE], approvals: [], startedCommits: new Map([['exec-shipped', { commitId: 'c0ffee1', repository: 'MyDemoRepo', branch: 'main' }]]) };
  const releases = releasesFromLedger([...ledger].reverse(), context);
  const release = (executionId: string) => releases.find((candidate) => candidate.executionId === executionId)!;

  it('shows each execution, newest first, with its latest state and when it ended', () => {
    expect(releases.map(({ executionId, state, endedAt }) => ({ executionId, state, endedAt }))).toEqual([
      { executionId: 'exec-running', state: 'STARTED', endedAt: undefined },
      { executionId: 'exec-broken', state: 'FAILED', endedAt: at(45) },
      { executionId: 'exec-fix', state: 'SUCCEEDED', endedAt: at(30) },
      { executionId: 'exec-preview', state: 'SUCCEEDED', endedAt: at(5) },
      { executionId: 'exec-shipped', state: 'SUCCEEDED', endedAt: at(10) },
    ]);
    expect(release('exec-shipped')).toMatchObject({ startedAt: at(0), commit: { id: 'c0ffee1', repository: 'MyDemoRepo', branch: 'main', author: 'Mina Kim', title: 'Show the banner', pushedAt: at(0) } });
  });

  it("shows the DORA facts the ledger holds for each execution, as claimed: a deployment's lead times, its failure and recovery; the fix's rework", () => {
    expect(release('exec-shipped').dora).toEqual([
      { kind: 'deployment', pipeline: PIPELINE, executionId: 'exec-shipped', at: at(10) },
      { kind: 'lead-time', pipeline: PIPELINE, executionId: 'exec-shipped', commitId: 'c0ffee1', at: at(10), seconds: 600 },
      { kind: 'failed-deployment', pipeline: PIPELINE, executionId: 'exec-shipped', at: at(10), signal: alarm.id },
      { kind: 'recovery', pipeline: PIPELINE, executionId: 'exec-shipped', at: at(40), seconds: 1200, signal: alarm.id },
    ]);
    expect(release('exec-fix').dora.map(({ kind }) => kind)).toEqual(['deployment', 'rework']);
  });

  it('shows no fact for an execution that deployed nothing, nor for a pipeline that is not production', () => {
    expect(release('exec-broken')).toMatchObject({ production: true, dora: [] });
    expect(release('exec-running')).toMatchObject({ production: true, dora: [] });
    expect(release('exec-preview')).toMatchObject({ production: false, dora: [] });
  });
});
