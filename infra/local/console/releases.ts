/**
 * Each pipeline execution in the release ledger (docs/dora.md) as a timeline: the push of its
 * commit, its stages and actions, the builds and deployments tied to it, approvals, its result and,
 * for a production pipeline, the DORA facts the functions claimed for it (the `DORA#` items): what
 * the metrics and `npm run report` count, not worked out again here.
 */
import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TopLevelSpec } from 'vega-lite';
import type { DoraFact } from '../../../shared/dora';
import { factsOf } from '../../../shared/aws/ledger-table';
import { timeAxis } from './time-axis';

export interface TimelineRow {
  /** The lane: `Push`, `Pipeline`, `Stage Build`, `Build / Build`, `Build my-project`, ... */
  lane: string;
  kind: 'push' | 'pipeline' | 'stage' | 'action' | 'approval' | 'build' | 'deployment';
  from: string;
  to: string;
  /** The latest state in the lane. */
  state: string;
  detail?: string;
}

export interface Release {
  pipeline: string;
  executionId: string;
  production: boolean;
  /** The execution's latest state: its result once it ended. */
  state: string;
  startedAt: string;
  endedAt?: string;
  commit?: { id: string; repository?: string; branch?: string; author?: string; title?: string; pushedAt?: string };
  /** Its deployment, its commits' lead times, its failure and recovery, or its being rework, in that order. */
  dora: DoraFact[];
  timeline: TimelineRow[];
  spec: TopLevelSpec;
}

/** What the ledger does not hold: which actions were manual approvals (on-pipeline logs them) and, locally, the commit a running execution was started on. */
export interface ReleaseContext {
  productionPipelines: string[];
  approvals: { pipeline: string; executionId: string; stage: string; action: string }[];
  startedCommits: Map<string, { commitId: string; repository?: string; branch?: string }>;
}

/** The whole ledger table. A local session's ledger is small; no function ever scans it. */
export async function scanLedger(client: DynamoDBDocumentClient, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client }, { TableName: tableName })) items.push(...(page.Items ?? []));
  return items;
}

type Item = Record<string, unknown> & { pk: string; sk: string };
const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
// CodePipeline's states an execution ends in
const ENDED = new Set(['SUCCEEDED', 'FAILED', 'STOPPED', 'SUPERSEDED', 'CANCELED']);
const FACT_ORDER: DoraFact['kind'][] = ['deployment', 'lead-time', 'failed-deployment', 'recovery', 'rework'];

/** The releases, newest first. */
export function releasesFromLedger(ledgerItems: Record<string, unknown>[], context: ReleaseContext): Release[] {
  const items = ledgerItems as Item[];
  const byPk = Map.groupBy(items, (item) => item.pk);
  const facts = Map.groupBy(
    items.filter((item) => item.pk.startsWith('DORA#') && item.sk.startsWith('FACT#')).flatMap((item) => factsOf(item)),
    (fact) => `${fact.pipeline}\n${fact.executionId}`,
  );
  const links = items.filter((item) => /^(BUILD|DEPLOYMENT)#/.test(item.pk) && item.sk.startsWith('EXECUTION#'));
  const executions = Map.groupBy(
    items.filter((item) => item.pk.startsWith('EXECUTION#') && item.sk.startsWith('STEP#')),
    (item) => item.pk,
  );

  const releases = [...executions.values()].map((executionSteps): Release => {
    const steps = executionSteps.sort((a, b) => String(a.at).localeCompare(String(b.at)));
    const { pipeline, executionId } = steps[0] as unknown as { pipeline: string; executionId: string };
    const mine = links.filter((link) => link.pipeline === pipeline && link.executionId === executionId);
    const started = context.startedCommits.get(executionId);
    const ranBy = (link: Item) => byPk.get(link.pk)?.find((item) => item.sk === (link.kind === 'build' ? 'BUILD' : 'DEPLOYMENT'));
    const commitId = started?.commitId ?? text(mine.map(ranBy).find((item) => item?.commitId)?.commitId);
    const push = commitId
      ? (byPk.get(`COMMIT#${commitId}`) ?? []).filter((item) => item.sk.startsWith('PUSH#')).sort((a, b) => String(a.pushedAt).localeCompare(String(b.pushedAt)))[0]
      : undefined;
    const approvals = context.approvals.filter((approval) => approval.pipeline === pipeline && approval.executionId === executionId);

    // nested as CodePipeline's console shows an execution: the pipeline, each stage, its actions, and what each action ran
    const timeline: TimelineRow[] = [];
    if (push) timeline.push({ lane: 'Push', kind: 'push', from: String(push.pushedAt), to: String(push.pushedAt), state: 'PUSHED', detail: `${push.repository} ${push.branch}` });
    const stages = [...new Set(steps.flatMap((step) => (step.stage ? [String(step.stage)] : [])))];
    const lanes = [...Map.groupBy(steps, (step) => `${step.stage ?? ''}\n${step.action ?? ''}`).values()].sort(
      ([a], [b]) => (a!.stage ? stages.indexOf(String(a!.stage)) : -1) - (b!.stage ? stages.indexOf(String(b!.stage)) : -1) || Number(Boolean(a!.action)) - Number(Boolean(b!.action)),
    );
    for (const laneSteps of lanes) {
      const [first, last] = [laneSteps[0]!, laneSteps.at(-1)!];
      const { stage, action } = first;
      const approval = approvals.some((candidate) => candidate.stage === stage && candidate.action === action);
      const kind = approval ? 'approval' : action ? 'action' : stage ? 'stage' : 'pipeline';
      const lane = action ? `${stage} / ${action}${approval ? ' (manual approval)' : ''}` : stage ? `Stage ${stage}` : 'Pipeline';
      timeline.push({ lane, kind, from: String(first.at), to: String(last.at), state: String(last.state) });
      for (const link of mine.filter((candidate) => candidate.stage === stage && candidate.action === action)) {
        const item = ranBy(link);
        if (item?.sk === 'BUILD') timeline.push(workRow(`Build ${item.project}`, 'build', item, text(item.status)));
        if (item?.sk === 'DEPLOYMENT') {
          const error = item.error as { code?: string; message?: string } | undefined;
          timeline.push({ ...workRow(`Deployment ${item.deploymentId}`, 'deployment', item, text(item.state)), detail: error?.message ? `${error.code ?? ''} ${error.message}`.trim() : undefined });
        }
      }
    }

    const last = steps.filter((step) => !step.stage).at(-1);
    const state = text(last?.state) ?? 'STARTED';
    return {
      pipeline,
      executionId,
      production: context.productionPipelines.includes(pipeline),
      state,
      startedAt: timeline[0]!.from,
      endedAt: ENDED.has(state) ? text(last?.at) : undefined,
      commit: commitId
        ? { id: commitId, repository: text(push?.repository) ?? started?.repository, branch: text(push?.branch) ?? started?.branch, author: text(push?.author), title: text(push?.title), pushedAt: text(push?.pushedAt) }
        : undefined,
      dora: (facts.get(`${pipeline}\n${executionId}`) ?? []).sort((a, b) => FACT_ORDER.indexOf(a.kind) - FACT_ORDER.indexOf(b.kind) || a.at.localeCompare(b.at)),
      timeline,
      spec: timelineSpec(timeline),
    };
  });
  return releases.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}

/** A build or deployment: its latest state, and since when it ran where its duration is known. */
function workRow(lane: string, kind: 'build' | 'deployment', item: Item, state = 'UNKNOWN'): TimelineRow {
  const to = String(item.at);
  const seconds = typeof item.durationSeconds === 'number' ? item.durationSeconds : 0;
  return { lane, kind, from: new Date(Date.parse(to) - seconds * 1000).toISOString(), to, state };
}

const STATUS: Record<string, string> = {
  PUSHED: 'pushed',
  SUCCEEDED: 'succeeded',
  SUCCESS: 'succeeded',
  FAILED: 'failed',
  FAILURE: 'failed',
  FAULT: 'failed',
  TIMED_OUT: 'failed',
  STOPPED: 'stopped',
  STOP: 'stopped',
  CANCELED: 'stopped',
  ABANDONED: 'stopped',
  SUPERSEDED: 'stopped',
};
const STATUSES = ['pushed', 'running', 'waiting for approval', 'succeeded', 'failed', 'stopped'];
const STATUS_COLORS = ['#611f69', '#1264a3', '#ecb22e', '#2eb67d', '#e01e5a', '#868686'];
const status = ({ state, kind }: TimelineRow) => STATUS[state] ?? (kind === 'approval' ? 'waiting for approval' : 'running');

/** A Gantt chart of the timeline: a bar per lane from its first state to its last, a dot where it has no length. */
function timelineSpec(timeline: TimelineRow[]): TopLevelSpec {
  const values = timeline.map((row) => ({ ...row, status: status(row), from: Date.parse(row.from), to: Date.parse(row.to) }));
  const times = values.flatMap(({ from, to }) => [from, to]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: { step: 22 },
    data: { name: 'timeline', values },
    encoding: {
      y: { field: 'lane', type: 'nominal', title: null, sort: values.map(({ lane }) => lane), axis: { labelLimit: 260, labelFontSize: 12, labelColor: '#1d1c1d', ticks: false, domain: false } },
      color: { field: 'status', type: 'nominal', title: null, scale: { domain: STATUSES, range: STATUS_COLORS }, legend: { orient: 'top', direction: 'horizontal', symbolType: 'square' } },
      tooltip: [
        { field: 'lane', title: 'what' },
        { field: 'state', title: 'state' },
        { field: 'from', type: 'temporal', title: 'from', format: '%H:%M:%S' },
        { field: 'to', type: 'temporal', title: 'to', format: '%H:%M:%S' },
        { field: 'detail', title: 'detail' },
      ],
    },
    layer: [
      { mark: { type: 'bar', cornerRadius: 3, height: 12 }, encoding: { x: { field: 'from', type: 'temporal', title: null, scale: { padding: 10 }, axis: { ...timeAxis(Math.min(...times), Math.max(...times)), grid: true, gridColor: '#eeeeee', labelColor: '#616061' } }, x2: { field: 'to' } } },
      { mark: { type: 'point', filled: true, size: 70, opacity: 1 }, encoding: { x: { field: 'to', type: 'temporal' } } },
    ],
    config: { view: { stroke: null }, font: 'Lato, Helvetica Neue, Arial, sans-serif', legend: { labelFontSize: 12, labelColor: '#1d1c1d' } },
  };
}
