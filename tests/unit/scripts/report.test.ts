import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

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
