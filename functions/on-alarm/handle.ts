import type { AlarmStateChangeEvent } from '../../shared/events';
import { attributedDeployment, failureFacts, type Deployment, type DoraFact, type FailureSignal } from '../../shared/dora';
import { claimFacts } from '../../shared/dora-facts';
import { logger } from '../../shared/logger';
import { pipelinesWatching, teamFor } from '../../shared/policy-rules';
import type { Ledger, Notifications, Pipelines } from '../../shared/ports';
import type { ReleasePolicy } from '../../shared/release-policy';
import { alarmNotification, isoTime } from './alarm-notification';

export interface OnAlarmDeps {
  policy: ReleasePolicy;
  pipelines: Pick<Pipelines, 'history'>;
  ledger: Pick<Ledger, 'claimFact'>;
  notifications: Notifications;
}

/**
 * What the alarm's change says of production: going to ALARM starts a failure, going back to OK
 * from ALARM ends the one that started at the previous state's time (the event carries both ends,
 * so it needs no earlier event). Other changes (INSUFFICIENT_DATA) start or end nothing.
 */
export function failureSignalOf({ detail }: AlarmStateChangeEvent): FailureSignal | undefined {
  const { alarmName, state, previousState } = detail;
  if (state.value === 'ALARM') return { id: `alarm:${alarmName}:${isoTime(state.timestamp)}`, startedAt: isoTime(state.timestamp) };
  if (state.value === 'OK' && previousState.value === 'ALARM') {
    const startedAt = isoTime(previousState.timestamp);
    return { id: `alarm:${alarmName}:${startedAt}`, startedAt, endedAt: isoTime(state.timestamp) };
  }
  return undefined;
}

/**
 * An alarm changed state: tell the teams it matters to, and where release-policy.yml declares it a
 * production signal, count what it says of the pipeline's deployments (a failed deployment, its
 * recovery, rework) against the deployments CodePipeline lists, so its events' order does not matter.
 * An alarm no pipeline declares (this stack's own, for one) goes to the policy's only team, if it has one.
 */
export async function handle(event: AlarmStateChangeEvent, { policy, pipelines, ledger, notifications }: OnAlarmDeps) {
  const { alarmName, state, previousState } = event.detail;
  logger.appendKeys({ alarmName, state: state.value });
  const signal = failureSignalOf(event);
  const since = signal?.startedAt ?? isoTime(previousState.value === 'ALARM' ? previousState.timestamp : state.timestamp);
  const watching = pipelinesWatching(policy, alarmName, { account: event.account, region: event.region });
  const facts: DoraFact[] = [];
  const blamed = new Map<string, Deployment>();
  for (const { pipeline, team, rule } of signal ? watching : []) {
    const { deployments } = await pipelines.history(pipeline, { before: signal!.endedAt ?? signal!.startedAt, sourceAction: rule.sourceAction });
    const windowMinutes = rule.signals!.windowMinutes;
    const deployment = attributedDeployment(deployments, signal!.startedAt, windowMinutes);
    if (deployment && !blamed.has(team)) blamed.set(team, deployment);
    facts.push(...failureFacts(signal!, deployments, windowMinutes));
  }
  const teams = watching.length > 0 ? [...new Set(watching.map(({ team }) => team))] : [teamFor(policy, {})];
  const [dora] = await Promise.all([claimFacts(facts, ledger), notifications.publish(teams.map((team) => alarmNotification(event, team, since, blamed.get(team))))]);
  const watchedBy = watching.map(({ pipeline }) => pipeline);
  logger.info('alarm state', { watchedBy, blamed: [...blamed.values()].map(({ pipeline, executionId }) => ({ pipeline, executionId })) });
  return { state: state.value, watchedBy, dora };
}
