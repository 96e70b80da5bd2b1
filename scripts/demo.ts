/**
 * `npm run demo`: the whole release story on a laptop. Starts the local stack, creates the local
 * CodeCommit repository MyDemoRepo, pushes the seed's sample application and feature-branch
 * changes with real `git push`, then replays the AWS sample events that would follow (build,
 * deployment, pipeline) and shows what every function decided and why. Nothing is sent to AWS.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ledgerTable } from '../shared/aws/ledger-table';
import { doraReport } from '../shared/dora';
import { readRecordedStarts } from '../shared/local/recorded-pipelines';
import { localFiles } from '../shared/local/files';
import { createLocalRepository, putEvents } from './local-codecommit';
import { PROJECT_DIR, startLocalStack, type LocalStack } from './local-stack';
import { slackMessageAsText } from './local-slack';
import { approveFromSlack } from './demo-approval';
import { entryFromEvent, readEvents, type SavedEvent } from './replay';
import { duration, formatReport } from './report';
import { LOCAL_CREDENTIALS, LOCAL_LEDGER_TABLE } from './local-dynamodb';


const SAMPLES = join(PROJECT_DIR, 'events', 'samples');
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

/** A structured log line as the functions write it; only the fields the story needs are typed. */
interface LogLine {
  function?: string;
  message?: string;
  failure?: { phase?: string; message?: string };
  error?: { code?: string; message?: string };
  [field: string]: unknown;
}

/** One readable line per thing a function decided. */
export function describe(line: LogLine): string | undefined {
  const fn = String(line.function ?? '').padEnd(11);
  switch (line.message) {
    case 'pipeline started':
      return `${fn} ▶ start ${line.pipeline}: ${line.reason}`;
    case 'pipeline skipped':
      return `${fn} · skip  ${line.pipeline}: ${line.reason}`;
    case 'push ignored':
      return `${fn} · ignored: ${line.reason}`;
    case 'build in progress':
      return `${fn} build ${line.project} in progress`;
    case 'build ended':
      return `${fn} build ${line.project} ${line.status} in ${line.durationSeconds ?? '?'} s`;
    case 'build failed':
      return `${fn} ✗ build ${line.project} ${line.status} in phase ${line.failure?.phase}: ${line.failure?.message}\n${' '.repeat(14)}logs: ${line.logsUrl ?? '(none)'}`;
    case 'deployment state':
      return `${fn} deployment ${line.deploymentId} of ${line.application}/${line.deploymentGroup}: ${line.state}`;
    case 'deployment succeeded':
      return `${fn} ✓ deployment ${line.deploymentId} of ${line.application}/${line.deploymentGroup} succeeded`;
    case 'deployment did not succeed':
      return `${fn} ✗ deployment ${line.deploymentId} of ${line.application}: ${line.state}${line.error ? ` (${line.error.code ?? ''} ${line.error.message})` : ''}`;
    case 'pipeline state':
      return `${fn} pipeline ${line.pipeline} execution ${String(line.executionId).slice(0, 8)}: ${line.state}`;
    case 'stage state':
      return `${fn}   stage ${line.stage}: ${line.state}`;
    case 'action state':
      return `${fn}   action ${line.stage}/${line.action}: ${line.state}`;
    case 'manual approval waiting':
      return `${fn} ⏸ manual approval waiting: ${line.stage}/${line.action}`;
    case 'release recorded':
      return `${fn} ◆ DORA: ${(line.dora as { name: string; value: number; unit: string }[]).map(({ name, value, unit }) => `${name} ${unit === 'Seconds' ? duration(value) : value}`).join(', ')}`;
    case 'malformed event: dead-lettered':
      return `${fn} ✗ malformed event dead-lettered: ${line.reason}`;
    default:
      return undefined;
  }
}

class StoryTeller {
  private seen = 0;
  private slackSeen = 0;
  constructor(private readonly stack: LocalStack) {}

  /** Waits until the functions have gone quiet after an action (or 3 s pass with none running), then prints what they decided. */
  async tell(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let count = this.seen;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = this.stack.logLines().length;
      if (now !== count) [count, quietSince] = [now, Date.now()];
      else if (Date.now() - quietSince > (count > this.seen ? 800 : 3000)) break;
    }
    const lines = this.stack.logLines().slice(this.seen);
    this.seen = lines.length + this.seen;
    const told = lines.map(describe).filter((text) => text !== undefined);
    for (const text of told.length > 0 ? told : ['(no function ran)']) process.stdout.write(`    ${text}\n`);
    this.showSlack();
  }

  /** The Slack messages notify-slack sent since last time, as a person would read them. */
  private showSlack(): void {
    const calls = this.stack.slack.calls().slice(this.slackSeen);
    this.slackSeen += calls.length;
    for (const call of calls) {
      const what = call.thread_ts ? `reply in the thread of ${call.thread_ts}` : call.method === 'chat.update' ? `chat.update of ${call.ts} (the same message, in place)` : `chat.postMessage → ${call.ts}`;
      process.stdout.write(`    Slack ${call.channel}: ${what}\n${slackMessageAsText(call.blocks).replace(/^/gm, '      │ ')}\n`);
    }
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Mina Kim', '-c', 'user.email=mina@example.com', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

async function replay(title: string, events: SavedEvent[], story: StoryTeller, eventBridgeUrl: string): Promise<void> {
  process.stdout.write(`\n${bold(title)}\n`);
  for (const event of events) {
    // as it would happen now, after the pushes above
    await putEvents(eventBridgeUrl, [entryFromEvent({ ...event, time: new Date().toISOString() })]);
    await story.tell();
  }
}

function sample(path: string): SavedEvent {
  const [event] = readEvents(join(SAMPLES, path));
  if (!event) throw new Error(`no event in events/samples/${path}`);
  return event;
}

async function main(): Promise<void> {
  const localDir = join(PROJECT_DIR, '.local', 'demo');
  rmSync(localDir, { recursive: true, force: true });
  process.stdout.write(`${bold('Release Conductor demo')} (dry run: nothing is sent to AWS)\n\n1. Starting the local stack...`);
  const stack = await startLocalStack(localDir);
  const story = new StoryTeller(stack);
  try {
    process.stdout.write(` API ${stack.httpUrl}, EventBridge ${stack.eventBridgeUrl}, SNS ${stack.snsUrl}, Slack ${stack.slack.url}\n   Console (while the demo runs): ${stack.consoleUrl}\n`);
    const bare = createLocalRepository(localDir, 'MyDemoRepo', stack.eventBridgeUrl);
    process.stdout.write(`2. Local CodeCommit repository MyDemoRepo: ${bare}\n   release-policy.yml: MyFirstPipeline on main (production), feature-preview on feature/** when scripts/** or index.html change\n`);

    const work = mkdtempSync(join(tmpdir(), 'MyDemoRepo-'));
    cpSync(join(PROJECT_DIR, 'scripts', 'demo-app'), work, { recursive: true });
    git(work, 'init', '--quiet', '--initial-branch=main');
    git(work, 'remote', 'add', 'origin', bare);
    const push = async (title: string, ...args: string[]) => {
      process.stdout.write(`\n${bold(title)}\n    $ git push origin ${args.join(' ')}\n`);
      git(work, 'push', '--quiet', 'origin', ...args);
      await story.tell();
    };

    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', 'Add sample application files');
    await push('3. Push the sample application (appspec.yml, index.html, scripts/) to main', 'main');

    git(work, 'checkout', '--quiet', '-b', 'feature/banner');
    writeFileSync(join(work, 'index.html'), readFileSync(join(work, 'index.html'), 'utf8').replace('<h1>Congratulations</h1>', '<h1>Congratulations, again</h1>'));
    git(work, 'commit', '--quiet', '-am', 'Say congratulations again');
    await push('4. A new feature branch: every path counts as changed', 'feature/banner');

    writeFileSync(join(work, 'NOTES.md'), '# Notes\n');
    git(work, 'add', 'NOTES.md');
    git(work, 'commit', '--quiet', '-m', 'Add notes');
    await push('5. A change outside the pipeline paths', 'feature/banner');

    writeFileSync(join(work, 'scripts', 'start_server'), '#!/bin/bash\nservice httpd start\nservice httpd status\n');
    git(work, 'commit', '--quiet', '-am', 'Check the server after starting it');
    await push('6. A change under scripts/', 'feature/banner');

    writeFileSync(join(work, 'index.html'), readFileSync(join(work, 'index.html'), 'utf8').replace('again', 'once more'));
    git(work, 'commit', '--quiet', '-am', 'Fix a typo [skip ci]');
    await push('7. A commit that says [skip ci]', 'feature/banner');

    git(work, 'tag', 'v1.0.0');
    await push('8. A tag: the rule matches branches only, so nothing runs', 'v1.0.0');

    const starts = await readRecordedStarts(localFiles(localDir).pipelineStarts);
    const preview = starts.filter((start) => start.pipeline === 'feature-preview').at(-1);
    await replay('9. What AWS sends next, replayed from events/samples (AWS documentation examples)', [
      sample('codebuild/build-in-progress.json'),
      sample('codebuild/build-failed.json'),
      sample('codebuild/build-succeeded.json'),
      sample('codedeploy/deployment-start.json'),
      sample('codedeploy/deployment-failure.json'),
      sample('codepipeline/pipeline-started.json'),
      sample('codepipeline/stage-failed.json'),
      sample('codepipeline/action-failed.json'),
      sample('codepipeline/pipeline-failed.json'),
    ], story, stack.eventBridgeUrl);

    const now = () => new Date().toISOString();
    if (preview) {
      const succeeded = sample('codepipeline/pipeline-succeeded.json');
      succeeded.detail = { ...(succeeded.detail as object), pipeline: 'feature-preview', 'execution-id': preview.executionId };
      await replay(`10. feature-preview succeeds (execution ${preview.executionId.slice(0, 8)}): promote its commit to MyFirstPipeline`, [succeeded], story, stack.eventBridgeUrl);
    }
    const promoted = (await readRecordedStarts(localFiles(localDir).pipelineStarts)).find((start) => start.context.reason.startsWith('promoted'));
    if (promoted) {
      await approveFromSlack(stack, promoted.executionId, () => story.tell(), '10b. A manual approval waits in MyFirstPipeline: approved from Slack, the card says by whom');
      const deployed = sample('codepipeline/pipeline-succeeded.json');
      deployed.detail = { ...(deployed.detail as object), 'execution-id': promoted.executionId };
      await replay('11. MyFirstPipeline (production) deploys the promoted commit: the ledger measures it', [deployed], story, stack.eventBridgeUrl);
      const ledger = ledgerTable(DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoDbUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS })), LOCAL_LEDGER_TABLE, 1);
      const today = new Date(`${now().slice(0, 10)}T00:00:00Z`);
      const report = doraReport(await ledger.endedExecutions('MyFirstPipeline'), today, new Date(today.getTime() + 86_400_000));
      process.stdout.write(`\n${bold('12. npm run report, for today:')}\n${formatReport(report, today, new Date(today.getTime() + 86_400_000), ['MyFirstPipeline']).replace(/^/gm, '    ')}\n`);
    }

    const recorded = await readRecordedStarts(localFiles(localDir).pipelineStarts);
    process.stdout.write(`\n${bold(`Dry run: ${recorded.length} pipeline starts recorded`)} in ${localFiles(localDir).pipelineStarts}\n`);
    for (const start of recorded) {
      process.stdout.write(`    ${start.pipeline.padEnd(16)} ${start.context.commitId.slice(0, 7)}  ${start.context.branch ?? ''}  ${start.context.reason}\n`);
    }
    process.stdout.write(`\nFunction logs: ${stack.logFile}\n`);
  } finally {
    await stack.stop();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`demo: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
}
