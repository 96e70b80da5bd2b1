/**
 * `npm run demo`: the whole release story on a laptop. Starts the local stack, creates the local
 * CodeCommit repository MyDemoRepo and pushes the seed's sample application with real `git push`es;
 * the stack runs each pipeline the pushes start as the toolchain declares it
 * (infra/local/pipeline-runner.ts: the buildspec's commands on the pushed commit, then a CodeDeploy
 * deployment), and the demo shows what AWS would have said, what every function decided and why,
 * and the Slack card as it follows the release. One release to production, a feature promoted to
 * it, a commit that fails its build and its fix. Nothing is sent to AWS.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerTable } from '../shared/aws/ledger-table';
import { metricOf, type DoraFact } from '../shared/dora';
import { policyPipelines } from '../shared/policy-rules';
import { parsePolicy } from '../shared/release-policy';
import { readRecordedStarts } from '../shared/local/recorded-pipelines';
import { localFiles } from '../shared/local/files';
import { runnerFiles } from '../infra/local/pipeline-runner';
import { createLocalRepository } from '../infra/local/codecommit';
import { startLocalStack, type LocalStack } from '../infra/local/stack';
import type { SlackCall } from '../infra/local/slack';
import { slackMessageAsText } from '../infra/local/slack-message-text';
import { approveFromSlack } from './demo-approval';
import { duration, formatReport, summarise } from './report';
import { DEFAULT_LOCAL_DIR, LOCAL_CREDENTIALS, LOCAL_LEDGER_TABLE, PROJECT_DIR } from '../infra/local/endpoints';
import { dynamoDocuments } from '../shared/aws/dynamodb-documents';

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
      return `${fn} pipeline ${line.pipeline ?? ''} ${line.executionId ? `execution ${String(line.executionId).slice(0, 8)}` : ''}: ${line.state}`.replace(/ +:/, ':');
    case 'stage state':
      return `${fn}   stage ${line.stage}: ${line.state}`;
    case 'action state':
      return `${fn}   action ${line.stage}/${line.action}: ${line.state}`;
    case 'manual approval waiting':
      return `${fn} ⏸ manual approval waiting: ${line.stage}/${line.action}`;
    case 'DORA facts counted':
      return `${fn} ◆ DORA: ${(line.dora as DoraFact[]).map(metricOf).map(({ name, value, unit }) => `${name} ${unit === 'Seconds' ? duration(value) : value}`).join(', ')}`;
    case 'malformed event: dead-lettered':
      return `${fn} ✗ malformed event dead-lettered: ${line.reason}`;
    default:
      return undefined;
  }
}

// what the card and the pipeline runner's lines already show, stage by stage
const SHOWN_ELSEWHERE = new Set(['stage state', 'action state', 'build in progress', 'deployment state']);

class StoryTeller {
  private seen = 0;
  private slackSeen = 0;
  private pipelineSeen = 0;
  private lastSlackLine = '';
  constructor(private readonly stack: LocalStack) {}

  /**
   * Follows what an action set going, printing it as it happens: the laptop's CodePipeline, CodeBuild
   * and CodeDeploy, what the functions decided, the Slack card. Ends once the pipelines have ended and
   * the functions have gone quiet (or, when nothing ran, after 3 s).
   */
  async follow(timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const started = Date.now();
    let count = this.seen;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      this.tell();
      const now = this.stack.logLines().length;
      if (now !== count) [count, quietSince] = [now, Date.now()];
      const runnerIdle = (this.stack.pipelineRunner?.idleMs() ?? Infinity) > 1000;
      if (runnerIdle && Date.now() - quietSince > (Date.now() - started > 3000 ? 800 : 3000)) break;
    }
    this.tell();
  }

  private tell(): void {
    const out = (text: string) => process.stdout.write(`    ${text}\n`);
    const lines = this.stack.logLines().slice(this.seen);
    this.seen += lines.length;
    const pipelines = this.stack.pipelineLines().slice(this.pipelineSeen);
    this.pipelineSeen += pipelines.length;
    // what the functions decided and what the laptop's AWS did, in the order it happened
    const told = [
      ...lines.filter((line) => !SHOWN_ELSEWHERE.has(String(line.message))).map((line) => ({ at: String(line.timestamp ?? ''), text: describe(line) })),
      ...pipelines.map(({ at, text }) => ({ at, text: `${'local AWS'.padEnd(11)} ${text}` })),
    ];
    for (const { text } of told.sort((a, b) => a.at.localeCompare(b.at))) if (text !== undefined) out(text);
    const calls = this.stack.slack.calls().slice(this.slackSeen);
    this.slackSeen += calls.length;
    for (const call of calls) {
      const text = slackCallAsText(call);
      // an update that changed nothing a person would see in one line (its details did) is not worth a line here
      if (text !== this.lastSlackLine) out(text);
      this.lastSlackLine = text;
    }
  }
}

/** A Slack call as a person sees it: a new message or a reply in full, an update of the card as its headline and stages, in full once it ends. */
function slackCallAsText(call: SlackCall): string {
  const text = slackMessageAsText(call.blocks);
  const full = (what: string) => `Slack ${call.channel}: ${what}\n${text.replace(/^/gm, '      │ ')}`;
  if (call.thread_ts) return full(`reply in the thread of ${call.thread_ts}`);
  if (call.method !== 'chat.update') return full(`chat.postMessage → ${call.ts}`);
  const [headline = ''] = text.split('\n');
  if (/Succeeded|Failed|Stopped|Superseded/.test(headline)) return full(`chat.update of ${call.ts} (the same message, in place)`);
  const stages = text.split('\n').find((line) => line.includes('  →  ') || /^[^\w\s]+ \w+$/u.test(line));
  return `Slack ${call.channel}: chat.update of ${call.ts}: ${headline}${stages ? `  │ ${stages}` : ''}`;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Mina Kim', '-c', 'user.email=mina@example.com', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

async function main(): Promise<void> {
  const localDir = join(DEFAULT_LOCAL_DIR, 'demo');
  rmSync(localDir, { recursive: true, force: true });
  process.stdout.write(`${bold('Release Conductor demo')} (dry run: nothing is sent to AWS)\n\n1. Starting the local stack...`);
  const stack = await startLocalStack(localDir);
  const story = new StoryTeller(stack);
  // the developer's working copy of the sample application, removed when the demo ends
  const work = mkdtempSync(join(tmpdir(), 'MyDemoRepo-'));
  try {
    process.stdout.write(` API ${stack.httpUrl}, EventBridge ${stack.eventBridgeUrl}, SNS ${stack.snsUrl}, Slack ${stack.slack.url}\n   Console (while the demo runs): ${stack.consoleUrl}\n`);
    const bare = createLocalRepository(localDir, 'MyDemoRepo', stack.eventBridgeUrl);
    process.stdout.write(`2. Local CodeCommit repository MyDemoRepo: ${bare}\n   release-policy.yml: MyFirstPipeline on main (production), feature-preview on feature/** when scripts/** or index.html change\n`);

    cpSync(join(PROJECT_DIR, 'scripts', 'demo-app'), work, { recursive: true });
    git(work, 'init', '--quiet', '--initial-branch=main');
    git(work, 'remote', 'add', 'origin', bare);
    const push = async (title: string, ...args: string[]) => {
      process.stdout.write(`\n${bold(title)}\n    $ git push origin ${args.join(' ')}\n`);
      git(work, 'push', '--quiet', 'origin', ...args);
      await story.follow();
    };

    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', 'Add sample application files');
    await push('3. Push the sample application to main: MyFirstPipeline builds it (buildspec.yml) and deploys it to production', 'main');

    git(work, 'checkout', '--quiet', '-b', 'feature/banner');
    writeFileSync(join(work, 'index.html'), readFileSync(join(work, 'index.html'), 'utf8').replace('<h1>Congratulations</h1>', '<h1>Congratulations, again</h1>'));
    git(work, 'commit', '--quiet', '-am', 'Say congratulations again');
    await push('4. A feature branch: feature-preview builds it, and promotes the commit to MyFirstPipeline when it passes', 'feature/banner');

    git(work, 'checkout', '--quiet', 'main');
    git(work, 'merge', '--quiet', '--ff-only', 'feature/banner');
    writeFileSync(join(work, 'index.html'), readFileSync(join(work, 'index.html'), 'utf8').replace('</html>', ''));
    git(work, 'commit', '--quiet', '-am', 'Tidy the page');
    await push("5. A commit that breaks the page: the buildspec's check fails the build, and the pipeline stops before production", 'main');

    writeFileSync(join(work, 'index.html'), `${readFileSync(join(work, 'index.html'), 'utf8').trimEnd()}\n</html>\n`);
    git(work, 'commit', '--quiet', '-am', 'Close the html element again');
    await push('6. Its fix: built, deployed, production again', 'main');

    writeFileSync(join(work, 'NOTES.md'), '# Notes\n');
    git(work, 'add', 'NOTES.md');
    git(work, 'commit', '--quiet', '-m', 'Add notes [skip ci]');
    await push('7. A commit that says [skip ci]: nothing runs', 'main');

    const served = join(runnerFiles(localDir).instances, 'MyCodePipelineDemo', 'var', 'www', 'html', 'revision.txt');
    if (existsSync(served)) process.stdout.write(`\n${bold('8. Production (the instance tagged MyCodePipelineDemo) serves revision.txt:')} ${readFileSync(served, 'utf8').trim()}\n    (appspec hooks are not run on a laptop: they install and start Apache as root)\n`);

    await approveFromSlack(stack, () => story.follow(), "8b. A release waits for a manual approval (the laptop's runner runs none: CodePipeline's event is replayed); approved from Slack, the card says by whom");

    const ledger = ledgerTable(dynamoDocuments({ endpoint: stack.dynamoDbUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), LOCAL_LEDGER_TABLE, 1);
    const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    const tomorrow = new Date(today.getTime() + 86_400_000);
    const policy = parsePolicy(readFileSync(join(PROJECT_DIR, 'release-policy.yml'), 'utf8'));
    const facts = (await Promise.all(policyPipelines(policy, 'production').map((pipeline) => ledger.facts(pipeline)))).flat();
    process.stdout.write(
      `\n${bold('9. npm run report, for today')} (as docs/dora.md defines them: the build that failed in step 5 stopped the pipeline before production: a failed execution, not a failed deployment. No alarm or rollback said production failed, so the change fail rate is 0 %, and there is no recovery time and no rework):\n${formatReport(summarise(facts, today, tomorrow, policy), today, tomorrow).replace(/^/gm, '    ')}\n`,
    );

    const recorded = await readRecordedStarts(localFiles(localDir).pipelineStarts);
    process.stdout.write(`\n${bold(`Dry run: ${recorded.length} pipeline starts recorded`)} in ${localFiles(localDir).pipelineStarts}\n`);
    for (const start of recorded) {
      process.stdout.write(`    ${start.pipeline.padEnd(16)} ${start.context.commitId.slice(0, 7)}  ${start.context.branch ?? ''}  ${start.context.reason}\n`);
    }
    process.stdout.write(`\nFunction logs: ${stack.logFile}\nBuild logs: ${runnerFiles(localDir).buildLogs}\n`);
  } finally {
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`demo: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
}
