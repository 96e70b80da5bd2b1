import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { deploymentFacts, doraSummary, failureFacts, type Deployment } from '../../../shared/dora';
import { formatReport } from '../../../scripts/report';

const ROOT = join(__dirname, '..', '..', '..');

// `npm run report` as a newcomer runs it: before `npm start`, or against a ledger that is not there.
function report(...args: string[]) {
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/report.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stderr: run.stderr };
}

describe('npm run report without a ledger', () => {
  it('says to start the local stack, or which --table to name, when nothing answers', () => {
    const { status, stderr } = report('--endpoint', 'http://127.0.0.1:1');
    expect(status).toBe(1);
    expect(stderr).toBe('report: no DynamoDB answers at http://127.0.0.1:1: start the local stack (npm start) first, or name a deployed ledger with --table release-conductor-<stage>-ledger\n');
  });
});

describe("the report's table", () => {
  const from = new Date('2026-11-16T00:00:00Z');
  const to = new Date('2026-11-18T00:00:00Z');
  const deployment = (executionId: string, deployedAt: string): Deployment => ({ pipeline: 'MyFirstPipeline', executionId, deployedAt });
  const first = deployment('d1', '2026-11-16T10:00:00Z');
  const fix = deployment('d2', '2026-11-16T10:40:00Z');
  const next = deployment('d3', '2026-11-17T09:00:00Z');
  // d1 brings two commits and its alarm goes off 20 minutes later; d2, made while it is on, is rework; it clears at 10:50
  const facts = [
    ...deploymentFacts(first, [
      { commitId: 'c1', authoredAt: '2026-11-16T09:00:00Z' },
      { commitId: 'c2', authoredAt: '2026-11-16T08:00:00Z' },
    ]),
    ...deploymentFacts(fix, [{ commitId: 'c3', authoredAt: '2026-11-16T10:30:00Z' }]),
    ...deploymentFacts(next, [{ commitId: 'c4', authoredAt: '2026-11-17T08:00:00Z' }, { commitId: 'c5' }]),
    ...failureFacts({ id: 'alarm:MyCodePipelineDemo-unhealthy:2026-11-16T10:20:00Z', startedAt: '2026-11-16T10:20:00Z', endedAt: '2026-11-16T10:50:00Z' }, [first, fix], 60),
    // the day before the period: not counted
    ...deploymentFacts(deployment('d0', '2026-11-15T23:59:00Z'), []),
  ];
  const table = (of = facts) => formatReport(doraSummary(of, from, to), from, to, ['MyFirstPipeline']).split('\n');

  it('names the period and the production pipelines', () => {
    expect(table()[0]).toBe('DORA metrics, 2026-11-16 to 2026-11-17 (UTC), production pipelines: MyFirstPipeline');
  });

  it("prints DORA's five measures from the facts", () => {
    expect(table().slice(2, 9)).toEqual([
      '| metric | value |',
      '|---|---|',
      '| Deployment frequency | 3 (1.50 a day) |',
      // the median over c1's 1 h, c2's 2 h, c3's 10 min and c4's 1 h; c5 has no time
      '| Lead time for changes (median over commits) | 1 h 0 min |',
      '| Change fail rate | 33.3 % (1 of 3) |',
      '| Failed deployment recovery time (median) | 30 min |',
      '| Deployment rework rate | 33.3 % (1 of 3) |',
    ]);
  });

  it('counts each fact once, whatever order and how often the ledger gives it', () => {
    expect(table([...facts].reverse().concat(facts))).toEqual(table());
  });

  it('gives no rate and no median without deployments', () => {
    expect(table([]).slice(4, 9)).toEqual([
      '| Deployment frequency | 0 (0.00 a day) |',
      '| Lead time for changes (median over commits) | - |',
      '| Change fail rate | - |',
      '| Failed deployment recovery time (median) | - |',
      '| Deployment rework rate | - |',
    ]);
  });

  it('prints deployments and the median lead time of their commits per day', () => {
    expect(table().slice(-4)).toEqual(['| day | deployments | median lead time |', '|---|---|---|', '| 2026-11-16 | 2 | 1 h 0 min |', '| 2026-11-17 | 1 | 1 h 0 min |']);
  });
});
