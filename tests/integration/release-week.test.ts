import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalRepository } from '../../infra/local/codecommit';
import { LOCAL_CREDENTIALS, LOCAL_LEDGER_TABLE } from '../../infra/local/endpoints';
import { putEvents } from '../../infra/local/event-bus-client';
import { readRecordedStarts } from '../../shared/local/recorded-pipelines';
import { localFiles } from '../../shared/local/files';
import { dynamoDbUrl, eventBridgeUrl, linesAfter, localDir } from '../support/local-stack-env';
import { factsOf } from '../../shared/aws/ledger-table';
import { sample } from '../support/samples';

// A scripted week of MyFirstPipeline (production), Monday 2026-11-16 to Sunday 2026-11-22, sent
// through the local EventBridge as AWS would send it, into the ledger in DynamoDB (dynalite). Each
// commit is authored when it is pushed. The three failed executions deployed nothing, and no alarm
// or rollback says a deployment failed: four deployments, none failed.
const WEEK = [
  { id: 'e1', pushedAt: '2026-11-16T09:00:00Z', result: 'SUCCEEDED', endedAt: '2026-11-16T10:00:00Z' },
  { id: 'e2', pushedAt: '2026-11-17T09:00:00Z', result: 'FAILED', endedAt: '2026-11-17T09:30:00Z' },
  { id: 'e3', pushedAt: '2026-11-17T10:00:00Z', result: 'FAILED', endedAt: '2026-11-17T10:30:00Z' },
  { id: 'e4', pushedAt: '2026-11-17T11:00:00Z', result: 'SUCCEEDED', endedAt: '2026-11-17T12:00:00Z' },
  { id: 'e5', pushedAt: '2026-11-17T20:00:00Z', result: 'SUCCEEDED', endedAt: '2026-11-18T09:00:00Z' },
  { id: 'e6', pushedAt: '2026-11-19T09:00:00Z', result: 'FAILED', endedAt: '2026-11-19T10:00:00Z' },
  { id: 'e7', pushedAt: '2026-11-19T10:30:00Z', result: 'SUCCEEDED', endedAt: '2026-11-19T11:00:00Z' },
] as const;

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Mina Kim', '-c', 'user.email=mina@example.com', ...args], { cwd, encoding: 'utf8' }).trim();

describe('a week of releases through the local stack', () => {
  const executions = new Map<string, { commitId: string; executionId: string }>();
  const documents = () => DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamoDbUrl(), region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));

  beforeAll(async () => {
    // the commits live in the local CodeCommit repository; the pushes are published with their week's times
    const bare = createLocalRepository(localDir(), 'MyDemoRepo', eventBridgeUrl());
    const work = mkdtempSync(join(tmpdir(), 'rc-week-'));
    git(work, 'init', '--quiet', '--initial-branch=main');
    let oldCommitId = '0'.repeat(40);
    for (const step of WEEK) {
      writeFileSync(join(work, 'index.html'), `<h1>${step.id}</h1>\n`);
      git(work, 'add', '-A');
      git(work, 'commit', '--quiet', `--date=${step.pushedAt}`, '-m', `Release ${step.id}`);
      const commitId = git(work, 'rev-parse', 'HEAD');
      git(bare, 'fetch', '--quiet', work, `main:refs/week/${step.id}`); // a fetch runs no hook
      const push = sample<{ time: string; detail: Record<string, string> }>('codecommit/reference-updated-branch.json');
      push.detail = { ...push.detail, referenceName: 'main', referenceFullName: 'refs/heads/main', commitId, oldCommitId };
      await linesAfter(() => putEvents(eventBridgeUrl(), [{ Source: 'aws.codecommit', DetailType: 'CodeCommit Repository State Change', Detail: JSON.stringify(push.detail), Time: new Date(step.pushedAt) }]));
      const start = (await readRecordedStarts(localFiles(localDir()).pipelineStarts)).find((recorded) => recorded.pipeline === 'MyFirstPipeline' && recorded.context.commitId === commitId);
      executions.set(step.id, { commitId, executionId: start!.executionId });
      oldCommitId = commitId;
    }

    // the executions end out of order, and two of them are delivered twice
    const ended = (id: string) => {
      const step = WEEK.find((candidate) => candidate.id === id)!;
      const detail = { ...sample<{ detail: object }>('codepipeline/pipeline-succeeded.json').detail, state: step.result, 'execution-id': executions.get(id)!.executionId };
      return { Source: 'aws.codepipeline', DetailType: 'CodePipeline Pipeline Execution State Change', Detail: JSON.stringify(detail), Time: new Date(step.endedAt) };
    };
    for (const id of ['e1', 'e3', 'e2', 'e4', 'e4', 'e5', 'e7', 'e6', 'e6']) await linesAfter(() => putEvents(eventBridgeUrl(), [ended(id)]));

    // production breaks 20 minutes after e4 and heals an hour later: the declared alarm goes off and
    // clears, and on-alarm holds it against the deployments as CodePipeline lists them (here the
    // laptop's list, which the pipeline runner would have written), the OK event first
    const listed = WEEK.filter((step) => step.result === 'SUCCEEDED').map((step) => ({ pipeline: 'MyFirstPipeline', executionId: executions.get(step.id)!.executionId, status: 'Succeeded', endedAt: step.endedAt, commitId: executions.get(step.id)!.commitId }));
    appendFileSync(localFiles(localDir()).pipelineExecutions, listed.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const alarm = (file: string, state: string, at: string, previous: string, previousAt: string) => {
      const { detail } = sample<{ detail: { state: object; previousState: object } }>(`cloudwatch/${file}.json`);
      Object.assign(detail.state, { value: state, timestamp: at.replace('Z', '.000+0000') });
      Object.assign(detail.previousState, { value: previous, timestamp: previousAt.replace('Z', '.000+0000') });
      return { Source: 'aws.cloudwatch', DetailType: 'CloudWatch Alarm State Change', Detail: JSON.stringify(detail), Time: new Date(at) };
    };
    await linesAfter(() => putEvents(eventBridgeUrl(), [alarm('alarm-ok', 'OK', '2026-11-17T13:20:00Z', 'ALARM', '2026-11-17T12:20:00Z')]));
    await linesAfter(() => putEvents(eventBridgeUrl(), [alarm('alarm-in-alarm', 'ALARM', '2026-11-17T12:20:00Z', 'OK', '2026-11-17T08:00:00Z')]));
  }, 120_000);

  it('keeps each push with its commit and time', async () => {
    for (const step of WEEK) {
      const { Items = [] } = await documents().send(new QueryCommand({ TableName: LOCAL_LEDGER_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `COMMIT#${executions.get(step.id)!.commitId}` } }));
      expect(Items).toEqual([expect.objectContaining({ repository: 'MyDemoRepo', branch: 'main', pushedAt: step.pushedAt.replace('.000', ''), author: 'Mina Kim', title: `Release ${step.id}` })]);
    }
  });

  it('claims each deployment once, at its end, with the lead time of its commit, and the failure and recovery the alarm says of e4', async () => {
    const { Items = [] } = await documents().send(
      new QueryCommand({ TableName: LOCAL_LEDGER_TABLE, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :facts)', ExpressionAttributeValues: { ':pk': 'DORA#MyFirstPipeline', ':facts': 'FACT#' } }),
    );
    const deployed = WEEK.filter((step) => step.result === 'SUCCEEDED');
    // this week's: the other tests deploy MyFirstPipeline on the same stack
    const ours = new Set([...executions.values()].map(({ executionId }) => executionId));
    const facts = Items.flatMap((item) => factsOf(item)).filter((fact) => ours.has(fact.executionId));
    expect(facts).toHaveLength(2 * deployed.length + 2);
    expect(facts).toEqual(
      expect.arrayContaining(
        deployed.flatMap((step) => {
          const { executionId, commitId } = executions.get(step.id)!;
          const seconds = (Date.parse(step.endedAt) - Date.parse(step.pushedAt)) / 1000;
          return [
            { kind: 'deployment', pipeline: 'MyFirstPipeline', executionId, at: step.endedAt },
            { kind: 'lead-time', pipeline: 'MyFirstPipeline', executionId, commitId, at: step.endedAt, seconds },
          ];
        }),
      ),
    );
    const e4 = executions.get('e4')!.executionId;
    const signal = 'alarm:MyCodePipelineDemo-unhealthy:2026-11-17T12:20:00.000Z';
    expect(facts).toEqual(
      expect.arrayContaining([
        { kind: 'failed-deployment', pipeline: 'MyFirstPipeline', executionId: e4, at: '2026-11-17T12:00:00Z', signal },
        { kind: 'recovery', pipeline: 'MyFirstPipeline', executionId: e4, at: '2026-11-17T13:20:00.000Z', seconds: 3600, signal },
      ]),
    );
  });

  it('prints the week\'s five DORA measures with `npm run report` and draws the chart', async () => {
    const chart = join(mkdtempSync(join(tmpdir(), 'rc-report-')), 'week.svg');
    // not execFileSync: DynamoDB (dynalite) may be served from this very process
    const { stdout: output } = await promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), 'scripts/report.ts', '--from', '2026-11-16', '--days', '7', '--endpoint', dynamoDbUrl(), '--chart', chart], {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
    });
    expect(output).toContain('DORA metrics, 2026-11-16 to 2026-11-22 (UTC), production pipelines: MyFirstPipeline');
    expect(output).toContain('| Deployment frequency | 4 (0.57 a day) | high |');
    expect(output).toContain('| Lead time for changes (median over commits) | 1 h 0 min | elite |');
    expect(output).toContain('| Change fail rate | 25.0 % (1 of 4) | low |');
    expect(output).toContain('| Failed deployment recovery time (median) | 1 h 0 min | high |');
    expect(output).toContain('| Deployment rework rate | 0.0 % (0 of 4) | - |');
    expect(output).toContain('\nTeam platform (MyFirstPipeline)\n');
    expect(output).toContain('| 2026-11-18 | 1 | 13 h 0 min |');
    expect(output).toContain('| 2026-11-20 | 0 | - |');
    const svg = readFileSync(chart, 'utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('Deployment frequency and lead time for changes');
    expect(svg).toContain("DORA's 2024 performance bands");
  });
});
