import { createHash, randomBytes } from 'node:crypto';
import type { Commit, SourceReader } from '../../shared/ports';

// What SourceReader.commitsBetween must answer, for any implementation: the in-memory fake
// (tests/support/fakes.ts), the local git adapter on a real repository and the CodeCommit adapter on
// a client answering from the same history. Each test builds its history and names its commits.

/** A commit of a test's history: its name (its message too), its parents' names, and the minute it was authored and committed at. */
export interface HistoryCommit {
  name: string;
  parents: string[];
  minute: number;
}

export const AUTHOR = { name: 'Mina Kim', email: 'mina@example.com' };
export const madeAt = (minute: number) => new Date(Date.UTC(2026, 10, 20, 9, minute)).toISOString();

/** A source holding `history` in `repository`, and the id each commit got there, by name. */
export type SourceOfHistory = (repository: string, history: HistoryCommit[]) => Promise<{ source: SourceReader; ids: Map<string, string> }>;

const commitIdOf = (name: string) => createHash('sha1').update(name).digest('hex');

/** Made-up ids by name, for the implementations that take the history as it is. */
export const historyIds = (history: HistoryCommit[]) => new Map(history.map(({ name }) => [name, commitIdOf(name)]));

/** The history as commits with their parents, under made-up ids. */
export const historyCommits = (history: HistoryCommit[]): (Commit & { parents: string[] })[] =>
  history.map(({ name, parents, minute }) => ({ commitId: commitIdOf(name), author: AUTHOR.name, authorEmail: AUTHOR.email, message: name, authoredAt: madeAt(minute), parents: parents.map(commitIdOf) }));

const commit = (name: string, minute: number, ...parents: string[]): HistoryCommit => ({ name, parents, minute });

// r ← a ← b ← c ← d
const LINE = [commit('r', 0), commit('a', 10, 'r'), commit('b', 20, 'a'), commit('c', 30, 'b'), commit('d', 40, 'c')];

// A branch forked from a long before c (the earlier revision), took b in, and was merged after d:
//   r ← a ← b ← c ← d ← m
//        \    \         /
//         f1 ← fb ← f2
const MERGED = [
  commit('r', 0),
  commit('a', 10, 'r'),
  commit('f1', 20, 'a'),
  commit('b', 30, 'a'),
  commit('fb', 35, 'f1', 'b'),
  commit('c', 40, 'b'),
  commit('f2', 45, 'fb'),
  commit('d', 50, 'c'),
  commit('m', 60, 'd', 'f2'),
];

// b's committer's clock ran ahead: b says it was made after x and c, its descendants; f forked from b.
//   a ← b ← x ← c ← m
//        \         /
//         f ──────
const SKEWED = [commit('a', 0), commit('b', 38, 'a'), commit('x', 30, 'b'), commit('c', 32, 'x'), commit('f', 40, 'b'), commit('m', 50, 'c', 'f')];

const REPOSITORY = 'MyDemoRepo';

export function sourceContract(build: SourceOfHistory): void {
  /** commitsBetween on the history, by names; the commits come back named too. */
  const between = async (history: HistoryCommit[], from: string | undefined, to: string, limit = 10) => {
    const { source, ids } = await build(REPOSITORY, history);
    const names = new Map([...ids].map(([name, id]) => [id, name]));
    const { commits, complete } = await source.commitsBetween(REPOSITORY, from && ids.get(from), ids.get(to)!, limit);
    return { names: commits.map((listed) => names.get(listed.commitId)), complete, commits, source, ids };
  };

  it('lists the commits after the earlier revision, newest first, each as getCommit reads it', async () => {
    const { names, complete, commits, source, ids } = await between(LINE, 'b', 'd');
    expect({ names, complete }).toEqual({ names: ['d', 'c'], complete: true });
    expect(commits[0]).toEqual({ commitId: ids.get('d'), author: AUTHOR.name, authorEmail: AUTHOR.email, message: 'd', authoredAt: madeAt(40) });
    expect(commits).toEqual(await Promise.all(commits.map((listed) => source.getCommit(REPOSITORY, listed.commitId))));
  });

  it("brings a merged branch whole, commits made before the earlier revision too, and nothing the earlier revision holds", async () => {
    expect(await between(MERGED, 'c', 'm')).toMatchObject({ names: ['m', 'd', 'f2', 'fb', 'f1'], complete: true });
  });

  it('lists what the earlier revision lacks when it was beside the new one, not behind it', async () => {
    expect(await between(MERGED, 'f2', 'd')).toMatchObject({ names: ['d', 'c'], complete: true });
  });

  it("does not trust the date of an ancestor of the earlier revision whose clock ran ahead of its child's", async () => {
    // a walk that believed b's date would count it in the range, three commits for a limit of two
    expect(await between(SKEWED, 'c', 'm', 2)).toMatchObject({ names: ['m', 'f'], complete: true });
  });

  it('stops at the limit with the newest, and says when there are more', async () => {
    expect(await between(LINE, 'a', 'd', 2)).toMatchObject({ names: ['d', 'c'], complete: false });
    expect(await between(LINE, 'a', 'd', 3)).toMatchObject({ names: ['d', 'c', 'b'], complete: true });
    expect(await between(MERGED, 'c', 'm', 3)).toMatchObject({ names: ['m', 'd', 'f2'], complete: false });
  });

  it('without an earlier revision lists the history, complete only when it is no longer than the limit', async () => {
    expect(await between(LINE, undefined, 'd', 5)).toMatchObject({ names: ['d', 'c', 'b', 'a', 'r'], complete: true });
    expect(await between(LINE, undefined, 'd', 2)).toMatchObject({ names: ['d', 'c'], complete: false });
    expect(await between(MERGED, undefined, 'm', 4)).toMatchObject({ names: ['m', 'd', 'f2', 'c'], complete: false });
  });

  it('lists nothing for the same revision again, nor for a rollback to an older one', async () => {
    expect(await between(LINE, 'd', 'd')).toMatchObject({ names: [], complete: true });
    expect(await between(LINE, 'd', 'b')).toMatchObject({ names: [], complete: true });
    expect(await between(MERGED, 'm', 'f1')).toMatchObject({ names: [], complete: true });
  });

  it('fails for a commit the repository does not hold', async () => {
    const { source, ids } = await build(REPOSITORY, LINE);
    await expect(source.commitsBetween(REPOSITORY, ids.get('b'), randomBytes(20).toString('hex'), 10)).rejects.toThrow();
  });
}
