import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Commit, SourceReader } from '../ports';

// pure: a deployed bundle, which never reads git, drops it and child_process with it
const git = /* @__PURE__ */ promisify(execFile);

/** Each commit as five NUL-ended fields (with `-z`): id, author, author email, author date, message. */
const COMMIT_FORMAT = '--format=%H%x00%an%x00%ae%x00%aI%x00%B';
const FIELDS = 5;

/** CodeCommit reads answered by local bare repositories `<reposDir>/<repository>.git` (infra/local/codecommit.ts creates them and sends their pushes). */
export function gitSource(reposDir: string): SourceReader {
  const run = async (repository: string, args: string[]) =>
    (await git('git', ['--git-dir', join(reposDir, `${repository}.git`), ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  const log = async (repository: string, options: string[], revisions: string[]): Promise<Commit[]> => {
    const fields = (await run(repository, ['log', '-z', COMMIT_FORMAT, ...options, '--end-of-options', ...revisions, '--'])).split('\0');
    const commits: Commit[] = [];
    for (let at = 0; at + FIELDS <= fields.length; at += FIELDS) {
      const [commitId = '', author = 'unknown', authorEmail = '', authoredAt = '', message = ''] = fields.slice(at, at + FIELDS);
      commits.push({ commitId, author, authorEmail: authorEmail || undefined, message: message.trimEnd(), authoredAt: new Date(authoredAt).toISOString() });
    }
    return commits;
  };
  return {
    async getCommit(repository, commitId) {
      const [commit] = await log(repository, ['--max-count=1'], [commitId]);
      return { ...commit!, commitId };
    },
    async changedPaths(repository, before, after) {
      const output = await run(repository, ['diff', '--name-only', '--no-renames', '-z', before, after]);
      return output.split('\0').filter(Boolean);
    },
    async commitsBetween(repository, fromCommitId, toCommitId, limit) {
      // one more than the limit tells whether there are more
      const commits = await log(repository, [`--max-count=${limit + 1}`], [toCommitId, ...(fromCommitId ? [`^${fromCommitId}`] : [])]);
      return { commits: commits.slice(0, limit), complete: commits.length <= limit };
    },
  };
}
