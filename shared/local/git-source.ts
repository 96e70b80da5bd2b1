import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SourceReader } from '../ports';

const git = promisify(execFile);

/** CodeCommit reads answered by local bare repositories `<reposDir>/<repository>.git` (infra/local/codecommit.ts creates them and their push hook). */
export function gitSource(reposDir: string): SourceReader {
  const run = async (repository: string, args: string[]) =>
    (await git('git', ['--git-dir', join(reposDir, `${repository}.git`), ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  return {
    async getCommit(repository, commitId) {
      const [author = 'unknown', authorEmail = '', authoredAt = '', ...message] = (await run(repository, ['show', '-s', '--format=%an%x00%ae%x00%aI%x00%B', commitId])).split('\0');
      return { commitId, author, authorEmail: authorEmail || undefined, message: message.join('\0').trimEnd(), authoredAt: new Date(authoredAt).toISOString() };
    },
    async changedPaths(repository, before, after) {
      const output = await run(repository, ['diff', '--name-only', '--no-renames', '-z', before, after]);
      return output.split('\0').filter(Boolean);
    },
  };
}
