import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitSource } from '../../../shared/local/git-source';
import { AUTHOR, madeAt, sourceContract, type HistoryCommit } from '../../support/source-contract';

// The contract the unit tests' in-memory source keeps (tests/unit/support/memory-source.test.ts),
// held against the local adapter on real bare repositories, each history committed with git's plumbing.
const git = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'rc-git-source-'));
let repositories = 0;

async function repositoryOf(repository: string, history: HistoryCommit[]) {
  const reposDir = join(root, String(++repositories));
  const gitDir = join(reposDir, `${repository}.git`);
  await git('git', ['init', '--quiet', '--bare', gitDir]);
  const run = async (args: string[], env: Record<string, string> = {}) => (await git('git', ['--git-dir', gitDir, ...args], { env: { ...process.env, ...env } })).stdout.trim();
  const tree = await run(['write-tree']);
  const ids = new Map<string, string>();
  for (const { name, parents, minute } of history) {
    const by = (role: 'AUTHOR' | 'COMMITTER') => ({ [`GIT_${role}_NAME`]: AUTHOR.name, [`GIT_${role}_EMAIL`]: AUTHOR.email, [`GIT_${role}_DATE`]: madeAt(minute) });
    ids.set(name, await run(['commit-tree', tree, ...parents.flatMap((parent) => ['-p', ids.get(parent)!]), '-m', name], { ...by('AUTHOR'), ...by('COMMITTER') }));
  }
  return { source: gitSource(reposDir), ids };
}

describe('gitSource', () => {
  sourceContract(repositoryOf);
});
