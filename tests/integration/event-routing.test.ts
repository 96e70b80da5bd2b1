import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecordedStarts } from '../../shared/local/recorded-pipelines';
import { localFiles } from '../../shared/local/files';
import { createLocalRepository } from '../../infra/local/codecommit';
import { putEvents } from '../../infra/local/event-bus-client';
import { entryFromEvent, readEvents } from '../../scripts/replay';
import { eventBridgeUrl, linesAfter, localDir } from '../support/local-stack-env';
import { eventSampleFiles, FUNCTION_OF_SOURCE, SAMPLES_DIR } from '../support/samples';

// Every sample goes through the local EventBridge with the real SDK, and the rules in
// serverless.yml decide which function runs, as they would in AWS; what it publishes to the SNS
// topic then runs notify-slack (a push to a branch no pipeline follows publishes nothing).
const routes = eventSampleFiles().map((file) => [file, file === 'codecommit/reference-created-tag.json' ? undefined : FUNCTION_OF_SOURCE[file.split('/')[0] as keyof typeof FUNCTION_OF_SOURCE]] as const);

describe('EventBridge rules on the local bus', () => {
  it.each(routes)('%s runs %s', async (file, expected) => {
    let ids: string[] = [];
    const all = await linesAfter(async () => (ids = await putEvents(eventBridgeUrl(), readEvents(join(SAMPLES_DIR, file)).map(entryFromEvent))));
    // this event's lines only: other test files share the stack ("<event id>/<pipeline>" for a push's notifications)
    const ours = (id: unknown) => typeof id === 'string' && ids.some((eventId) => id === eventId || id.startsWith(`${eventId}/`));
    const lines = all.filter((line) => ours(line.eventId) || ours(line.notificationId));
    // which functions ran, whichever logged first (a function may log only once it has published)
    const ran = [...new Set(lines.map((line) => line.function))].sort();
    const notifies = expected !== undefined && expected !== 'on-push';
    expect(ran).toEqual((expected ? [expected, ...(notifies ? ['notify-slack'] : [])] : []).sort());
    expect(lines.filter((line) => line.level === 'ERROR')).toEqual([]);
  });
});

describe('the local EventBridge', () => {
  it('delivers an event with the id PutEvents answered, the same to every retry and rule', async () => {
    let ids: string[] = [];
    const lines = await linesAfter(async () => {
      ids = await putEvents(eventBridgeUrl(), readEvents(join(SAMPLES_DIR, 'codebuild/build-failed.json')).map(entryFromEvent));
    });
    expect(ids).toEqual([expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)]);
    expect(new Set(lines.filter((line) => line.function === 'on-build').map((line) => line.eventId))).toEqual(new Set(ids));
  });
});

describe('git push to the local CodeCommit', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Mina Kim', '-c', 'user.email=mina@example.com', ...args], { cwd, encoding: 'utf8' }).trim();

  it('publishes the push from the post-receive hook, and on-push records a start of MyFirstPipeline on the pushed commit', async () => {
    const bare = createLocalRepository(localDir(), 'MyDemoRepo', eventBridgeUrl());
    const work = mkdtempSync(join(tmpdir(), 'rc-push-'));
    git(work, 'init', '--quiet', '--initial-branch=main');
    writeFileSync(join(work, 'index.html'), '<h1>Congratulations</h1>\n');
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', 'Add sample application files');
    const commitId = git(work, 'rev-parse', 'HEAD');

    const lines = await linesAfter(async () => void git(work, 'push', '--quiet', '--force', bare, 'main'));
    expect(lines).toContainEqual(expect.objectContaining({ function: 'on-push', message: 'pipeline started', pipeline: 'MyFirstPipeline', commitId }));
    const starts = await readRecordedStarts(localFiles(localDir()).pipelineStarts);
    expect(starts.filter((start) => start.context.commitId === commitId)).toEqual([
      expect.objectContaining({ pipeline: 'MyFirstPipeline', variables: [{ name: 'BRANCH', value: 'main' }, { name: 'COMMIT_ID', value: commitId }] }),
    ]);

    const tag = await linesAfter(async () => void git(work, 'push', '--quiet', bare, 'HEAD:refs/tags/v1.0.0'));
    expect(tag).toEqual([]);
  });
});
