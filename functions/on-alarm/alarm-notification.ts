import type { AlarmStateChangeEvent } from '../../shared/events';
import { consoleLinks, type ReleaseNotification, type Severity } from '../../shared/release-notification';

/** CloudWatch writes `2019-10-02T17:04:40.989+0000`; the ledger, the metrics and the card take ISO-8601 in UTC. */
export const isoTime = (timestamp: string) => new Date(timestamp.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')).toISOString();

const SEVERITY: Record<AlarmStateChangeEvent['detail']['state']['value'], Severity> = { ALARM: 'failure', OK: 'success', INSUFFICIENT_DATA: 'warning' };

/**
 * The alarm's change for one team: on the card of the deployment it is attributed to, where there
 * is one (a failure also threads a reply there), else on a card of its own per incident.
 */
export function alarmNotification(event: AlarmStateChangeEvent, team: string, since: string, deployment?: { pipeline: string; executionId: string }): ReleaseNotification {
  const { alarmName, state, previousState } = event.detail;
  return {
    id: `${event.id}/${team}`,
    kind: 'alarm',
    severity: SEVERITY[state.value],
    team,
    // to the millisecond, as CloudWatch tells it: how long an alarm lasted shows exactly
    at: isoTime(state.timestamp),
    region: event.region,
    result: state.value,
    alarm: { name: alarmName, previous: previousState.value, reason: state.reason, since },
    pipeline: deployment && { name: deployment.pipeline, executionId: deployment.executionId },
    links: [consoleLinks.alarm(event.region, alarmName), ...(deployment ? [consoleLinks.execution(event.region, deployment.pipeline, deployment.executionId)] : [])],
  };
}
