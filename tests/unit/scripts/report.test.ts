import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { deploymentFacts, failureFacts, type Deployment, type DoraFact } from '../../../shared/dora';
import { parsePolicy, type ReleasePolicy } from '../../../shared/release-policy';
import { formatReport, summarise } from '../../../scripts/report';

const ROOT = join(__dirname, '..', '..', '..');
const POLICY = `
teams: { platform: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines: [{ name: MyFirstPipeline, branches: [main], production: true }]
`;

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

describe("the report's tables", () => {
  const from = new Date('2026-11-16T00:00:00Z');
  const to = new Date('2026-11-18T00:00:00Z');
  const deployment = (executionId: string, deployedAt: string, pipeline = 'MyFirstPipeline'): Deployment => ({ pipeline, executionId, deployedAt });
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
  const policy = parsePolicy(POLICY);
  const report = (of = facts) => formatReport(summarise(of, from, to, policy), from, to).split('\n');
  /** The rows of the table under a title. */
  const table = (lines: string[], title: string) => lines.slice(lines.indexOf(title) + 2, lines.indexOf(title) + 9);

  it('names the period, the production pipelines and where the bands come from', () => {
    expect(report().slice(0, 2)).toEqual([
      'DORA metrics, 2026-11-16 to 2026-11-17 (UTC), production pipelines: MyFirstPipeline',
      "Bands: DORA's 2024 performance levels (docs/dora.md); DORA publishes none for the rework rate.",
    ]);
  });

  it("prints DORA's five measures from the facts, each with its band", () => {
    expect(table(report(), 'All production pipelines')).toEqual([
      '| metric | value | band |',
      '|---|---|---|',
      '| Deployment frequency | 3 (1.50 a day) | elite |',
      // the median over c1's 1 h, c2's 2 h, c3's 10 min and c4's 1 h; c5 has no time
      '| Lead time for changes (median over commits) | 1 h 0 min | elite |',
      '| Change fail rate | 33.3 % (1 of 3) | low |',
      '| Failed deployment recovery time (median) | 30 min | elite |',
      '| Deployment rework rate | 33.3 % (1 of 3) | - |',
    ]);
  });

  it('counts each fact once, whatever order and how often the ledger gives it', () => {
    expect(report([...facts].reverse().concat(facts))).toEqual(report());
  });

  it('gives no rate, no median and no band for them without deployments; no deployments are low', () => {
    expect(table(report([]), 'All production pipelines').slice(2)).toEqual([
      '| Deployment frequency | 0 (0.00 a day) | low |',
      '| Lead time for changes (median over commits) | - | - |',
      '| Change fail rate | - | - |',
      '| Failed deployment recovery time (median) | - | - |',
      '| Deployment rework rate | - | - |',
    ]);
  });

  it('prints deployments and the median lead time of their commits per day, of all production pipelines', () => {
    const lines = report();
    const perDay = lines.indexOf('All production pipelines, per day');
    expect(lines.slice(perDay, perDay + 6)).toEqual(['All production pipelines, per day', '', '| day | deployments | median lead time |', '|---|---|---|', '| 2026-11-16 | 2 | 1 h 0 min |', '| 2026-11-17 | 1 | 1 h 0 min |']);
  });

  it('prints each deployment with how many commits it brought and their median lead time', () => {
    const lines = report();
    expect(lines.slice(lines.indexOf('All production pipelines, per deployment'))).toEqual([
      'All production pipelines, per deployment',
      '',
      '| deployed (UTC) | pipeline | execution | commits | median lead time |',
      '|---|---|---|---|---|',
      '| 2026-11-16 10:00 | MyFirstPipeline | d1 | 2 | 1 h 30 min |',
      '| 2026-11-16 10:40 | MyFirstPipeline | d2 | 1 | 10 min |',
      '| 2026-11-17 09:00 | MyFirstPipeline | d3 | 1 | 1 h 0 min |',
    ]);
  });

  describe('per team and per pipeline', () => {
    // web owns MyFirstPipeline and api-prod, data owns etl-prod, and docs no production pipeline
    const teams = parsePolicy(`
teams: { web: {}, data: {}, docs: {} }
repositories:
  site:
    team: web
    pipelines: [{ name: MyFirstPipeline, branches: [main], production: true }, { name: api-prod, branches: [main], production: true }]
  warehouse:
    team: data
    pipelines: [{ name: etl-prod, branches: [main], production: true }]
  handbook:
    team: docs
    pipelines: [{ name: handbook-preview, branches: [main] }]
`);
    // api-prod deploys once, a commit of three days before
    const all = [...facts, ...deploymentFacts(deployment('a1', '2026-11-17T12:00:00Z', 'api-prod'), [{ commitId: 'a', authoredAt: '2026-11-14T12:00:00Z' }])];
    const lines = formatReport(summarise(all, from, to, teams), from, to).split('\n');

    it('prints a table for all production pipelines, then each team with one, then each pipeline', () => {
      expect(lines.filter((line) => /^(All|Team|Pipeline) /.test(line))).toEqual([
        'All production pipelines',
        'Team web (MyFirstPipeline, api-prod)',
        'Team data (etl-prod)',
        'Pipeline MyFirstPipeline',
        'Pipeline api-prod',
        'Pipeline etl-prod',
        'All production pipelines, per day',
        'All production pipelines, per deployment',
      ]);
      expect(lines[0]).toBe('DORA metrics, 2026-11-16 to 2026-11-17 (UTC), production pipelines: MyFirstPipeline, api-prod, etl-prod');
    });

    it("adds up a team's pipelines' facts together, and bands each figure", () => {
      expect(table(lines, 'Team web (MyFirstPipeline, api-prod)').slice(2)).toEqual([
        '| Deployment frequency | 4 (2.00 a day) | elite |',
        // 10 min, 1 h, 1 h, 2 h and api-prod's 3 days
        '| Lead time for changes (median over commits) | 1 h 0 min | elite |',
        '| Change fail rate | 25.0 % (1 of 4) | low |',
        '| Failed deployment recovery time (median) | 30 min | elite |',
        '| Deployment rework rate | 25.0 % (1 of 4) | - |',
      ]);
      expect(table(lines, 'Team data (etl-prod)')[2]).toBe('| Deployment frequency | 0 (0.00 a day) | low |');
    });

    it("gives each pipeline its own facts' measures", () => {
      expect(table(lines, 'Pipeline api-prod').slice(2)).toEqual([
        '| Deployment frequency | 1 (0.50 a day) | high |',
        '| Lead time for changes (median over commits) | 3.0 days | high |',
        '| Change fail rate | 0.0 % (0 of 1) | elite |',
        '| Failed deployment recovery time (median) | - | - |',
        '| Deployment rework rate | 0.0 % (0 of 1) | - |',
      ]);
      expect(table(lines, 'Pipeline MyFirstPipeline')).toEqual(table(report(), 'All production pipelines'));
    });

    it("draws each one's figures over their bands, under the days' deployments and lead time (SVG)", () => {
      const svg = chartOf(all, from, to, teams);
      expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) => text);
      expect(texts).toEqual(expect.arrayContaining(['Deployment frequency and lead time for changes', "DORA's 2024 performance bands", 'Team web (MyFirstPipeline, api-prod)', 'Pipeline etl-prod', 'lead time', 'rework rate']));
      // the legend, and the band of each figure in its cell
      for (const band of ['elite', 'high', 'medium', 'low', 'no band']) expect(texts).toContain(band);
      expect(texts.filter((text) => text === 'elite').length).toBeGreaterThan(1);
      expect(texts).toContain('4 (2.00 a day)');
    });
  });
});

/** `chart()` in a child process: vega and vega-lite are ES modules, which jest's CommonJS cannot load. */
function chartOf(facts: DoraFact[], from: Date, to: Date, policy: ReleasePolicy): string {
  const script = `import { chart, summarise } from './scripts/report';
const [facts, from, to, policy] = ${JSON.stringify([facts, from, to, policy])};
chart(summarise(facts, new Date(from), new Date(to), policy), new Date(from), new Date(to)).then((svg) => process.stdout.write(svg));`;
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}
