import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitSource } from '../../../../shared/local/git-source';
import { readRecordedStarts, recordedPipelines } from '../../../../shared/local/recorded-pipelines';
import { fileDeadLetters } from '../../../../shared/local/file-dead-letters';
import { recordedDeployments, type RecordedDeployment } from '../../../../shared/local/recorded-deployments';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Mina Kim', '-c', 'user.email=mina@example.com', ...args], { cwd, encoding: 'utf8' }).trim();

describe('gitSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rc-git-'));
  const work = join(dir, 'work');
  let first = '';
  let second = '';

  beforeAll(() => {
    execFileSync('git', ['init', '--quiet', '--bare', join(dir, 'git', 'MyDemoRepo.git')]);
    execFileSync('git', ['init', '--quiet', '-b', 'main', work]);
    writeFileSync(join(work, 'index.html'), 'one');
    writeFileSync(join(work, 'old.sh'), 'echo');
    git(work, 'add', '-A');
    git(work, 'commit', '-qm', 'First');
    first = git(work, 'rev-parse', 'HEAD');
    git(work, 'mv', 'old.sh', 'new.sh');
    writeFileSync(join(work, 'index.html'), 'two');
    git(work, 'commit', '-qam', 'Second line one\n\nbody [skip ci]');
    second = git(work, 'rev-parse', 'HEAD');
    git(work, 'push', '-q', join(dir, 'git', 'MyDemoRepo.git'), 'main');
  });

  it('reads a commit as CodeCommit GetCommit would', async () => {
    const commit = await gitSource(join(dir, 'git')).getCommit('MyDemoRepo', second);
    expect(commit).toMatchObject({ commitId: second, author: 'Mina Kim', authorEmail: 'mina@example.com', message: 'Second line one\n\nbody [skip ci]' });
    expect(Date.parse(commit.authoredAt!)).toBeGreaterThan(0);
  });

  it('lists renamed files on both sides, like GetDifferences', async () => {
    expect((await gitSource(join(dir, 'git')).changedPaths('MyDemoRepo', first, second)).sort()).toEqual(['index.html', 'new.sh', 'old.sh']);
  });
});

describe('recordedPipelines', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'rc-record-')), 'starts.jsonl');
  const pipelines = recordedPipelines(file);
  const request = {
    pipeline: 'feature-preview',
    clientRequestToken: 'token-1',
    variables: [{ name: 'BRANCH', value: 'feature/x' }],
    context: { commitId: 'c'.repeat(40), branch: 'feature/x', reason: 'push' },
  };

  it('records a start instead of sending it, with a stable execution id per token', async () => {
    const first = await pipelines.start(request);
    const again = await pipelines.start(request);
    expect(first.executionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(again).toEqual(first);
    expect((await readRecordedStarts(file)).map((start) => start.pipeline)).toEqual(['feature-preview', 'feature-preview']);
  });

  it('answers the revision of an execution it recorded, and nothing for others', async () => {
    const { executionId } = await pipelines.start(request);
    expect(await pipelines.executionRevision('feature-preview', executionId, 'Source')).toEqual({ commitId: 'c'.repeat(40), variables: { BRANCH: 'feature/x' } });
    expect(await pipelines.executionRevision('feature-preview', 'other', 'Source')).toBeUndefined();
  });

  it("answers the deployments the laptop's runner ended, newest first, as ListPipelineExecutions would", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc-executions-'));
    const executions = join(dir, 'pipeline-executions.jsonl');
    const ended = (executionId: string, status: string, endedAt: string) => JSON.stringify({ pipeline: 'MyFirstPipeline', executionId, status, endedAt, commitId: executionId.padEnd(40, '0') });
    writeFileSync(executions, [ended('e1', 'Succeeded', '2026-11-25T09:00:00.000Z'), ended('e2', 'Failed', '2026-11-25T10:00:00.000Z'), ended('e3', 'Succeeded', '2026-11-25T11:00:00.000Z'), ended('e4', 'Succeeded', '2026-11-25T13:00:00.000Z')].join('\n'));
    const history = await recordedPipelines(join(dir, 'starts.jsonl'), undefined, executions).history('MyFirstPipeline', { before: '2026-11-25T12:00:00.000Z', sourceAction: 'Source' });
    expect(history).toEqual({
      deployments: [
        { pipeline: 'MyFirstPipeline', executionId: 'e3', deployedAt: '2026-11-25T11:00:00.000Z', commitId: 'e3'.padEnd(40, '0') },
        { pipeline: 'MyFirstPipeline', executionId: 'e1', deployedAt: '2026-11-25T09:00:00.000Z', commitId: 'e1'.padEnd(40, '0') },
      ],
      rollbacks: [],
    });
  });
});

describe('recordedDeployments', () => {
  it('answers a deployment as its last record says, rollback included', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rc-deployments-')), 'deployments.jsonl');
    const started: RecordedDeployment = { deploymentId: 'd-XYZ987654', application: 'MyDemoApplication', deploymentGroup: 'MyDemoDeploymentGroup', status: 'InProgress', createTime: '2026-11-25T10:00:00.000Z' };
    const ended: RecordedDeployment = { ...started, status: 'Succeeded', completeTime: '2026-11-25T10:01:30.000Z', rollback: { of: 'd-ABCDEF123' } };
    writeFileSync(file, [started, ended].map((record) => JSON.stringify(record)).join('\n') + '\n');
    expect(await recordedDeployments(file).outcome('d-XYZ987654', { account: '000000000000', region: 'us-east-1' })).toEqual({ durationSeconds: 90, error: undefined, rollback: { of: 'd-ABCDEF123' } });
  });
});

describe('fileDeadLetters', () => {
  it('appends the message SQS would get, one JSON line each', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rc-dlq-')), 'dead-letters.jsonl');
    await fileDeadLetters(file).send({ functionName: 'on-build', reason: 'detail.build-status: Invalid option', event: { id: 'e1' } });
    expect(JSON.parse(readFileSync(file, 'utf8').trim())).toEqual({ functionName: 'on-build', reason: 'detail.build-status: Invalid option', event: { id: 'e1' } });
  });
});
