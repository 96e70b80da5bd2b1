import type { Commit, SourceReader } from '../ports';
import type { AwsJsonCall } from './signed-call';

/** BatchGetCommits reads at most 100 commits a call. */
const BATCH_SIZE = 100;
/** How far a commit's date may run ahead of its descendants' (the committers' clocks disagree). */
const CLOCK_SKEW_SECONDS = 10 * 60;
/** Calls commitsBetween may make beyond its limit: for the clock skew, and for branches forked deep below the earlier revision. */
const SPARE_CALLS = 10;

// What CodeCommit answers, as far as it is read: https://docs.aws.amazon.com/codecommit/latest/APIReference/API_Commit.html
interface UserInfo {
  name?: string;
  email?: string;
  /** "<epoch seconds> <tz offset>", e.g. "1484167798 -0800" */
  date?: string;
}
interface CodeCommitCommit {
  commitId?: string;
  message?: string;
  parents?: string[];
  author?: UserInfo;
  committer?: UserInfo;
}
interface Differences {
  differences?: { beforeBlob?: { path?: string }; afterBlob?: { path?: string } }[];
  NextToken?: string;
}

/** CodeCommit's JSON protocol, as `awsJsonService` takes it. */
export const CODECOMMIT = { service: 'codecommit', targetPrefix: 'CodeCommit_20150413', version: '1.1' } as const;

/** CodeCommit, each repository read through the client for where it lives. */
export function codeCommitSource(clientFor: (repository: string) => AwsJsonCall): SourceReader {
  return {
    async getCommit(repositoryName, commitId) {
      const { commit } = await clientFor(repositoryName)<{ commit?: CodeCommitCommit }>('GetCommit', { repositoryName, commitId });
      return asCommit(commitId, commit);
    },
    async changedPaths(repositoryName, beforeCommitSpecifier, afterCommitSpecifier) {
      const paths = new Set<string>();
      let NextToken: string | undefined;
      do {
        const page = await clientFor(repositoryName)<Differences>('GetDifferences', { repositoryName, beforeCommitSpecifier, afterCommitSpecifier, NextToken });
        for (const difference of page.differences ?? []) {
          if (difference.beforeBlob?.path) paths.add(difference.beforeBlob.path);
          if (difference.afterBlob?.path) paths.add(difference.afterBlob.path);
        }
        NextToken = page.NextToken;
      } while (NextToken);
      return [...paths];
    },
    commitsBetween: (repositoryName, fromCommitId, toCommitId, limit) => commitsBetween(clientFor(repositoryName), repositoryName, fromCommitId, toCommitId, limit),
  };
}

interface ReadCommit {
  commit: Commit;
  parents: string[];
  /** The committer's date in epoch seconds: what rebases and merges renew, so it follows the graph. */
  committedAt: number;
}

/**
 * CodeCommit has no log: BatchGetCommits answers commits with their parents' ids, so a walk learns
 * the history one generation per call. This one walks down from both ends at once, as git does for
 * `git log to ^from`: the hidden side is what `from` reaches, the range what `to` reaches without
 * passing through it. Knowing everything `from` reaches would take reading the whole history, so the
 * walk trusts commit dates instead (a commit is no older than its ancestors, give or take
 * CLOCK_SKEW_SECONDS): a range commit newer than every hidden commit whose parents are still unread
 * (plus the skew) cannot be an ancestor of `from`, and is settled. Hidden commits are read down only
 * as far as the oldest range commit read. A branch forked long before `from` and merged now is so kept
 * whole: it ends where the hidden side reaches its fork point, not at `from`'s date.
 *
 * Each round is one call for at most 100 commits, the parents of the newest first; the range side
 * reads a generation a round, the hidden side in the same calls. A range n generations deep takes
 * about n calls (a line of commits cannot be read faster: each answer names the next parent), more
 * when a merged branch forked deeper below `from`, or when its commits are wider than 100 a
 * generation; whatever the history, the walk stops after limit + SPARE_CALLS calls with what is
 * settled, incomplete.
 */
async function commitsBetween(client: AwsJsonCall, repositoryName: string, fromCommitId: string | undefined, toCommitId: string, limit: number) {
  const read = new Map<string, ReadCommit>();
  const unread = (commitId: string) => !read.has(commitId);
  /** Every commit id `start` reaches through read commits, not entering `stop`: read ones and the unread parents at the edge. */
  const reach = (start: string, stop: Set<string>) => {
    const reached = new Set<string>();
    const queue = [start];
    for (const commitId of queue) {
      if (reached.has(commitId) || stop.has(commitId)) continue;
      reached.add(commitId);
      queue.push(...(read.get(commitId)?.parents ?? []));
    }
    return reached;
  };
  const readOf = (commitIds: Set<string>) => [...commitIds].flatMap((commitId) => read.get(commitId) ?? []);
  const newest = (commits: ReadCommit[]) => commits.reduce((date, commit) => Math.max(date, commit.committedAt), -Infinity);
  const oldest = (commits: ReadCommit[]) => commits.reduce((date, commit) => Math.min(date, commit.committedAt), Infinity);

  for (let calls = 0; ; calls++) {
    const hidden = fromCommitId ? reach(fromCommitId, new Set()) : new Set<string>();
    const range = reach(toCommitId, hidden);
    const rangeRead = readOf(range);
    const hiddenEdge = readOf(hidden).filter((commit) => commit.parents.some(unread));
    // every range commit still unread is an ancestor of a read one with unread parents, so no newer than the newest of them
    const rangeEdge = newest(rangeRead.filter((commit) => commit.parents.some((parent) => range.has(parent) && unread(parent))));
    const horizon = newest(hiddenEdge) + CLOCK_SKEW_SECONDS;
    const settled = rangeRead.filter((commit) => commit.committedAt > horizon && commit.committedAt >= rangeEdge).sort((a, b) => b.committedAt - a.committedAt);
    const whole = settled.length === range.size;
    if (whole || settled.length > limit || calls === limit + SPARE_CALLS) return { commits: settled.slice(0, limit).map(({ commit }) => commit), complete: whole && settled.length <= limit };

    // next: the range's parents, and those of the hidden commits that may still lead to a range commit
    const growing = [...rangeRead, ...hiddenEdge.filter((commit) => commit.committedAt + CLOCK_SKEW_SECONDS >= oldest(rangeRead))].sort((a, b) => b.committedAt - a.committedAt);
    const wanted = new Set([toCommitId, fromCommitId].filter((commitId): commitId is string => commitId !== undefined && unread(commitId)));
    for (const { commit, parents } of growing) {
      // a range commit's parents are in the range or hidden; a hidden commit's are all hidden
      for (const parent of parents) if (unread(parent) && (range.has(parent) || hidden.has(commit.commitId))) wanted.add(parent);
    }
    await readCommits(client, repositoryName, [...wanted].slice(0, BATCH_SIZE), read);
  }
}

async function readCommits(client: AwsJsonCall, repositoryName: string, commitIds: string[], read: Map<string, ReadCommit>) {
  const { commits = [], errors = [] } = await client<{ commits?: CodeCommitCommit[]; errors?: { commitId?: string; errorCode?: string }[] }>('BatchGetCommits', { repositoryName, commitIds });
  for (const commit of commits) {
    if (commit.commitId) read.set(commit.commitId, { commit: asCommit(commit.commitId, commit), parents: commit.parents ?? [], committedAt: epochSeconds((commit.committer ?? commit.author)?.date) });
  }
  const missing = commitIds.filter((commitId) => !read.has(commitId));
  if (missing.length > 0) {
    const reasons = missing.map((commitId) => errors.find((error) => error.commitId === commitId)?.errorCode ?? 'not answered');
    throw new Error(`BatchGetCommits could not read ${missing.map((commitId, i) => `${commitId} (${reasons[i]})`).join(', ')} in ${repositoryName}`);
  }
}

function asCommit(commitId: string, commit: CodeCommitCommit | undefined): Commit {
  return {
    commitId,
    author: commit?.author?.name ?? commit?.committer?.name ?? 'unknown',
    authorEmail: commit?.author?.email,
    message: commit?.message ?? '',
    authoredAt: epochToIso(commit?.author?.date),
  };
}

function epochSeconds(date: string | undefined): number {
  return Number(date?.split(' ')[0]);
}

function epochToIso(date: string | undefined): string | undefined {
  const seconds = epochSeconds(date);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}
