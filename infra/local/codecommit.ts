/**
 * A local stand-in for CodeCommit: bare git repositories whose post-receive hook publishes
 * "CodeCommit Repository State Change" events, with the fields AWS sends, to the local EventBridge.
 *
 *   tsx infra/local/codecommit.ts create <RepositoryName>   # prints the repository path to push to
 *   (the hook runs `tsx infra/local/codecommit.ts publish <RepositoryName>` on every push)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { localFiles } from '../../shared/local/files';
import { DEFAULT_LOCAL_DIR, DEFAULT_PORTS, LOCAL_ACCOUNT, LOCAL_REGION, PROJECT_DIR } from './endpoints';
import { putEvents } from './event-bus-client';

const ZERO = /^0+$/;

/** Creates (or re-hooks) `<localDir>/git/<name>.git`; its hook publishes to `eventBridgeUrl`. */
export function createLocalRepository(localDir: string, name: string, eventBridgeUrl: string): string {
  const gitDir = join(localFiles(localDir).gitRepositories, `${name}.git`);
  if (!existsSync(gitDir)) {
    mkdirSync(gitDir, { recursive: true });
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', gitDir]);
  }
  const hook = join(gitDir, 'hooks', 'post-receive');
  const tsx = join(PROJECT_DIR, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  writeFileSync(
    hook,
    [
      '#!/bin/sh',
      '# Publishes this push to the local EventBridge as CodeCommit would (Release Conductor).',
      `RC_EVENTBRIDGE_URL="\${RC_EVENTBRIDGE_URL:-${eventBridgeUrl}}" exec "${process.execPath}" "${tsx}" "${join(PROJECT_DIR, 'infra', 'local', 'codecommit.ts')}" publish "${name}"`,
      '',
    ].join('\n'),
  );
  chmodSync(hook, 0o755);
  return gitDir;
}

/** The PutEvents entries CodeCommit would send for the `<old> <new> <ref>` lines git gives a post-receive hook. */
export function referenceChangeEntries(repositoryName: string, refLines: string, caller: string, now = new Date()): PutEventsRequestEntry[] {
  return refLines
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [oldCommitId = '', commitId = '', referenceFullName = ''] = line.trim().split(/\s+/);
      const referenceType = referenceFullName.startsWith('refs/tags/') ? 'tag' : 'branch';
      const event = ZERO.test(oldCommitId) ? 'referenceCreated' : ZERO.test(commitId) ? 'referenceDeleted' : 'referenceUpdated';
      const detail = {
        callerUserArn: `arn:aws:iam::${LOCAL_ACCOUNT}:user/${caller}`,
        ...(event === 'referenceDeleted' ? {} : { commitId }),
        event,
        ...(event === 'referenceCreated' ? {} : { oldCommitId }),
        referenceFullName,
        referenceName: referenceFullName.replace(/^refs\/(heads|tags)\//, ''),
        referenceType,
        repositoryId: uuidFrom(repositoryName),
        repositoryName,
      };
      return {
        Source: 'aws.codecommit',
        DetailType: 'CodeCommit Repository State Change',
        Detail: JSON.stringify(detail),
        Resources: [`arn:aws:codecommit:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${repositoryName}`],
        Time: now,
      };
    });
}

function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function main([command, name]: string[]): Promise<void> {
  const eventBridgeUrl = process.env.RC_EVENTBRIDGE_URL ?? `http://127.0.0.1:${DEFAULT_PORTS.eventBridge}`;
  if (command === 'create' && name) {
    const gitDir = createLocalRepository(resolve(process.env.RC_LOCAL_DIR ?? DEFAULT_LOCAL_DIR), name, eventBridgeUrl);
    process.stdout.write(`${gitDir}\n\nPush to it from any git work tree:\n  git push ${gitDir} HEAD:main\n`);
  } else if (command === 'publish' && name) {
    const entries = referenceChangeEntries(name, readFileSync(0, 'utf8'), process.env.USER ?? 'local-user');
    await putEvents(eventBridgeUrl, entries);
    for (const entry of entries) {
      const detail = JSON.parse(entry.Detail ?? '{}');
      process.stdout.write(`Release Conductor: published ${detail.event} ${detail.referenceType} ${detail.referenceName} to ${eventBridgeUrl}\n`);
    }
  } else {
    process.stderr.write('usage: tsx infra/local/codecommit.ts create|publish <RepositoryName>\n');
    process.exitCode = 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`Release Conductor: ${error.message}\n`);
    process.exitCode = 1;
  });
}
