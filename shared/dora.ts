// DORA's five measures as facts: each fact is a pure function of what CodePipeline, CloudWatch and
// CodeDeploy say (never of the order their events reach us), so every function that comes upon one
// names it the same, the ledger claims it once, and the metric is emitted once. `npm run report`
// adds up the same claimed facts. Definitions, DORA's and ours side by side: docs/dora.md.

/** A successful execution of a production pipeline: a deployment. */
export interface Deployment {
  pipeline: string;
  executionId: string;
  /** When the execution succeeded. */
  deployedAt: string;
  commitId?: string;
}

/** A succeeded roll back of a production pipeline (CodePipeline's ROLLBACK execution): the deployment before it failed. */
export interface Rollback {
  pipeline: string;
  executionId: string;
  startedAt: string;
  endedAt: string;
}

/** What CodePipeline lists of a production pipeline: its deployments, and the roll backs that undid one. */
export interface ProductionHistory {
  deployments: Deployment[];
  rollbacks: Rollback[];
}

/** Something that says production is failing, from when to when (open while it has no end). */
export interface FailureSignal {
  /** The same for every event about it: `alarm:<name>:<when it went to ALARM>`, `rollback:<deployment id>`. */
  id: string;
  startedAt: string;
  endedAt?: string;
}

export type DoraFact =
  | { kind: 'deployment'; pipeline: string; executionId: string; at: string }
  | { kind: 'lead-time'; pipeline: string; executionId: string; commitId: string; at: string; seconds: number }
  | { kind: 'failed-deployment'; pipeline: string; executionId: string; at: string; signal: string }
  | { kind: 'recovery'; pipeline: string; executionId: string; at: string; seconds: number; signal: string }
  | { kind: 'rework'; pipeline: string; executionId: string; at: string };

/** The fact's name: what makes two claims the same fact, whoever makes them. */
export function factKey(fact: DoraFact): string {
  switch (fact.kind) {
    case 'lead-time':
      return `lead-time#${fact.executionId}#${fact.commitId}`;
    case 'recovery':
      return `recovery#${fact.signal}`;
    default:
      return `${fact.kind}#${fact.executionId}`;
  }
}

export interface DoraMetric {
  name: 'ProductionDeployments' | 'LeadTimeForChanges' | 'FailedDeployments' | 'FailedDeploymentRecoveryTime' | 'ReworkDeployments';
  unit: 'Count' | 'Seconds';
  value: number;
}

export function metricOf(fact: DoraFact): DoraMetric {
  switch (fact.kind) {
    case 'deployment':
      return { name: 'ProductionDeployments', unit: 'Count', value: 1 };
    case 'lead-time':
      return { name: 'LeadTimeForChanges', unit: 'Seconds', value: fact.seconds };
    case 'failed-deployment':
      return { name: 'FailedDeployments', unit: 'Count', value: 1 };
    case 'recovery':
      return { name: 'FailedDeploymentRecoveryTime', unit: 'Seconds', value: fact.seconds };
    case 'rework':
      return { name: 'ReworkDeployments', unit: 'Count', value: 1 };
  }
}

const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** A deployment, and the lead time of each commit it brought to production (those with a time). */
export function deploymentFacts(deployment: Deployment, commits: { commitId: string; authoredAt?: string }[]): DoraFact[] {
  const { pipeline, executionId, deployedAt: at } = deployment;
  return [
    { kind: 'deployment', pipeline, executionId, at },
    ...commits.flatMap(({ commitId, authoredAt }) => (authoredAt ? [{ kind: 'lead-time' as const, pipeline, executionId, commitId, at, seconds: seconds(authoredAt, at) }] : [])),
  ];
}

/** The deployment a failure starting at `at` belongs to: the last one before it, if `at` falls within the window after it. */
export function attributedDeployment(deployments: Deployment[], at: string, windowMinutes: number): Deployment | undefined {
  const before = deployments.filter((deployment) => Date.parse(deployment.deployedAt) <= Date.parse(at)).sort((a, b) => Date.parse(b.deployedAt) - Date.parse(a.deployedAt) || a.executionId.localeCompare(b.executionId));
  const last = before[0];
  return last && seconds(last.deployedAt, at) <= windowMinutes * 60 ? last : undefined;
}

/** A roll back says the deployment it rolled back from failed (however long ago), from its start until it succeeded. */
export function rollbackFacts(rollback: Rollback, deployments: Deployment[]): DoraFact[] {
  return failureFacts({ id: `rollback:${rollback.executionId}`, startedAt: rollback.startedAt, endedAt: rollback.endedAt }, deployments);
}

/**
 * What a failure signal says of the deployments of one production pipeline: the deployment it is
 * attributed to failed; once the signal ended, that is its recovery, and every deployment made
 * while it was open was rework (an unplanned fix). A signal no deployment is to blame for says nothing.
 */
export function failureFacts(signal: FailureSignal, deployments: Deployment[], windowMinutes = Number.POSITIVE_INFINITY): DoraFact[] {
  const failed = attributedDeployment(deployments, signal.startedAt, windowMinutes);
  if (!failed) return [];
  const { pipeline, executionId } = failed;
  const facts: DoraFact[] = [{ kind: 'failed-deployment', pipeline, executionId, at: failed.deployedAt, signal: signal.id }];
  const { endedAt } = signal;
  if (endedAt === undefined) return facts;
  facts.push({ kind: 'recovery', pipeline, executionId, at: endedAt, seconds: seconds(signal.startedAt, endedAt), signal: signal.id });
  for (const fix of deployments) {
    const fixedAt = Date.parse(fix.deployedAt);
    if (fixedAt > Date.parse(signal.startedAt) && fixedAt < Date.parse(endedAt)) facts.push({ kind: 'rework', pipeline, executionId: fix.executionId, at: fix.deployedAt });
  }
  return facts;
}

export interface DoraSummary {
  deployments: number;
  failedDeployments: number;
  /** failed deployments / deployments; undefined without deployments. */
  changeFailRate?: number;
  reworkDeployments: number;
  /** rework deployments / deployments; undefined without deployments. */
  reworkRate?: number;
  /** Over every commit deployed in the period. */
  medianLeadTimeSeconds?: number;
  medianRecoverySeconds?: number;
  /** Per UTC day (YYYY-MM-DD) in the period: deployments, and the median lead time of their commits. */
  days: { day: string; deployments: number; medianLeadTimeSeconds?: number }[];
  /** Each deployment in the period, oldest first: how many commits it brought and their median lead time. */
  perDeployment: { pipeline: string; executionId: string; at: string; commits: number; medianLeadTimeSeconds?: number }[];
}

const median = (values: number[]) => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The five measures over the facts whose time falls in [from, to): each fact once, whatever order it came in. */
export function doraSummary(facts: DoraFact[], from: Date, to: Date): DoraSummary {
  const unique = [...new Map(facts.map((fact) => [`${fact.pipeline}\n${factKey(fact)}`, fact])).values()];
  const inPeriod = unique.filter((fact) => Date.parse(fact.at) >= from.getTime() && Date.parse(fact.at) < to.getTime());
  const count = (kind: DoraFact['kind']) => inPeriod.filter((fact) => fact.kind === kind).length;
  const secondsOf = (kind: 'lead-time' | 'recovery', of = inPeriod) => of.flatMap((fact) => (fact.kind === kind ? [fact.seconds] : []));
  const deployments = count('deployment');
  const failedDeployments = count('failed-deployment');
  const reworkDeployments = count('rework');
  const days = [];
  for (let day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate())); day < to; day = new Date(day.getTime() + 86_400_000)) {
    const name = day.toISOString().slice(0, 10);
    const ofDay = inPeriod.filter((fact) => fact.at.startsWith(name));
    days.push({ day: name, deployments: ofDay.filter((fact) => fact.kind === 'deployment').length, medianLeadTimeSeconds: median(secondsOf('lead-time', ofDay)) });
  }
  const perDeployment = inPeriod
    .filter((fact) => fact.kind === 'deployment')
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.executionId.localeCompare(b.executionId))
    .map(({ pipeline, executionId, at }) => {
      const leadTimes = secondsOf('lead-time', inPeriod.filter((fact) => fact.pipeline === pipeline && fact.executionId === executionId));
      return { pipeline, executionId, at, commits: leadTimes.length, medianLeadTimeSeconds: median(leadTimes) };
    });
  return {
    deployments,
    failedDeployments,
    changeFailRate: deployments > 0 ? failedDeployments / deployments : undefined,
    reworkDeployments,
    reworkRate: deployments > 0 ? reworkDeployments / deployments : undefined,
    medianLeadTimeSeconds: median(secondsOf('lead-time')),
    medianRecoverySeconds: median(secondsOf('recovery')),
    days,
    perDeployment,
  };
}
