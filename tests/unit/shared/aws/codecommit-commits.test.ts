import { BatchGetCommitsCommand, GetCommitCommand, type BatchGetCommitsInput, type Commit, type GetCommitInput } from '@aws-sdk/client-codecommit';
import { CODECOMMIT, codeCommitSource } from '../../../../shared/aws/codecommit';
import { awsOnLoopback } from '../../../support/aws-json-stub';
import { historyCommits, historyIds, sourceContract, type HistoryCommit } from '../../../support/source-contract';

// CodeCommit on loopback, answering as each test's history says
const { codecommit, client } = awsOnLoopback();
const source = codeCommitSource(client(CODECOMMIT));
const REPOSITORY = 'MyDemoRepo';

/**
 * CodeCommit holding `history`, answering BatchGetCommits and GetCommit as
 * https://docs.aws.amazon.com/codecommit/latest/APIReference/API_BatchGetCommits.html shapes them;
 * the ids of its commits, by name.
 */
function holding(repository: string, history: HistoryCommit[]) {
  codecommit.reset();
  const commits = new Map(
    historyCommits(history).map(({ commitId, author, authorEmail, message, authoredAt, parents }): [string, Commit] => {
      // "<epoch seconds> <offset>"
      const user = { name: author, email: authorEmail, date: `${Date.parse(authoredAt!) / 1000} -0800` };
      return [commitId, { commitId, treeId: '4b825dc642cb6eb9a060e54bf8d69288fbee4904', parents, message, author: user, committer: user, additionalData: '' }];
    }),
  );
  codecommit.on(BatchGetCommitsCommand, { repositoryName: repository }).callsFake(({ commitIds = [] }: BatchGetCommitsInput) => {
    if (commitIds.length > 100) throw new Error('CommitIdsListLimitExceededException');
    const missing = commitIds.filter((commitId) => !commits.has(commitId));
    return {
      commits: commitIds.flatMap((commitId) => commits.get(commitId) ?? []),
      errors: missing.map((commitId) => ({ commitId, errorCode: 'CommitIdDoesNotExistException', errorMessage: `Could not find commit ${commitId}` })),
    };
  });
  codecommit.on(GetCommitCommand, { repositoryName: repository }).callsFake(({ commitId }: GetCommitInput) => ({ commit: commits.get(commitId!) }));
  return historyIds(history);
}

const asked = () => codecommit.commandCalls(BatchGetCommitsCommand).map((call) => call.args[0].input.commitIds ?? []);
const HOUR = 60;

describe('codeCommitSource.commitsBetween', () => {
  sourceContract(async (repository, history) => ({ source, ids: holding(repository, history) }));

  /** c0 ← c1 ← … ← c<count>, an hour apart. */
  const line = (count: number): HistoryCommit[] => Array.from({ length: count + 1 }, (_, i) => ({ name: `c${i}`, parents: i ? [`c${i - 1}`] : [], minute: i * HOUR }));

  it('reads a line of commits a call each, up to the limit and one more, which tells there are more', async () => {
    const ids = holding(REPOSITORY, line(250));
    const { commits, complete } = await source.commitsBetween(REPOSITORY, ids.get('c0'), ids.get('c250')!, 100);
    expect(commits.map((commit) => commit.message)).toEqual(Array.from({ length: 100 }, (_, i) => `c${250 - i}`));
    expect(complete).toBe(false);
    expect(asked()).toHaveLength(101);
    expect(asked()[0]).toEqual([ids.get('c250'), ids.get('c0')]);
  });

  it('reads up to 100 commits a call: 250 branches merged at once take three calls after the first', async () => {
    const branches = Array.from({ length: 250 }, (_, i) => ({ name: `b${i}`, parents: ['base'], minute: i + 1 }));
    const ids = holding(REPOSITORY, [{ name: 'base', parents: [], minute: 0 }, ...branches, { name: 'm', parents: branches.map(({ name }) => name), minute: 5 * HOUR }]);
    const { commits, complete } = await source.commitsBetween(REPOSITORY, ids.get('base'), ids.get('m')!, 300);
    expect(commits.map((commit) => commit.message)).toEqual(['m', ...branches.map(({ name }) => name).reverse()]);
    expect(complete).toBe(true);
    expect(asked().map((commitIds) => commitIds.length)).toEqual([2, 100, 100, 50]);
  });

  // main: base ← m1 ← … ← m30 (the earlier revision) ← d ← merge; a branch f1 ← f2 forked from base
  const forkedDeep: HistoryCommit[] = [
    { name: 'base', parents: [], minute: 0 },
    ...line(30).slice(1).map(({ name, minute }, i) => ({ name: name.replace('c', 'm'), parents: [i ? `m${i}` : 'base'], minute })),
    { name: 'f1', parents: ['base'], minute: 2 * HOUR },
    { name: 'f2', parents: ['f1'], minute: 3 * HOUR },
    { name: 'd', parents: ['m30'], minute: 31 * HOUR },
    { name: 'merge', parents: ['d', 'f2'], minute: 32 * HOUR },
  ];

  it("walks the earlier revision's side down to where a merged branch forked, within the limit and 10 calls", async () => {
    const ids = holding(REPOSITORY, forkedDeep);
    const { commits, complete } = await source.commitsBetween(REPOSITORY, ids.get('m30'), ids.get('merge')!, 50);
    expect(commits.map((commit) => commit.message)).toEqual(['merge', 'd', 'f2', 'f1']);
    expect(complete).toBe(true);
    expect(asked().length).toBeLessThanOrEqual(50 + 10);
    // the first call, then one a generation down main from m30 to base
    expect(asked().length).toBe(31);
  });

  it('stops after the limit and 10 calls with the commits it is sure of, incomplete', async () => {
    const ids = holding(REPOSITORY, forkedDeep);
    const { commits, complete } = await source.commitsBetween(REPOSITORY, ids.get('m30'), ids.get('merge')!, 5);
    expect(commits.map((commit) => commit.message)).toEqual(['merge', 'd']);
    expect(complete).toBe(false);
    expect(asked()).toHaveLength(15);
  });

  it('names the commits BatchGetCommits could not read, and why', async () => {
    const ids = holding(REPOSITORY, line(3));
    await expect(source.commitsBetween(REPOSITORY, 'f'.repeat(40), ids.get('c3')!, 10)).rejects.toThrow(`BatchGetCommits could not read ${'f'.repeat(40)} (CommitIdDoesNotExistException) in MyDemoRepo`);
  });
});
