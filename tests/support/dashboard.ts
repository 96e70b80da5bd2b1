// The dashboard of infra/monitoring.ts for the shipped release-policy.yml, and the metrics it shows.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import policy from '../../release-policy.yml';
import { dashboardBody, type MetricRow, type MonitoringSettings } from '../../infra/monitoring';
import { DEFAULT_METRICS_NAMESPACE } from '../../shared/metrics';
import { policyPipelines, teamProductionPipelines } from '../../shared/policy-rules';

export const SERVICE = 'release-conductor';
const functionDirs = readdirSync(join(__dirname, '..', '..', 'functions'));
export const settings: MonitoringSettings = {
  service: SERVICE,
  stage: 'test',
  namespace: DEFAULT_METRICS_NAMESPACE,
  region: 'us-east-1',
  pipelines: policyPipelines(policy),
  productionPipelines: policyPipelines(policy, 'production'),
  teams: teamProductionPipelines(policy),
  functions: functionDirs.map((name) => `${SERVICE}-test-${name}`),
  deadLetterQueue: `${SERVICE}-test-dead-letters`,
  undeliveredNotificationsQueue: `${SERVICE}-test-undelivered-notifications`,
};
export const dashboard = dashboardBody(settings);

/** `name {dimension,...}` for a metric of our namespace. */
export const metricKey = (name: string, dimensions: string[]) => `${name} {${[...dimensions].sort().join(',')}}`;

/** Every metric of our namespace the dashboard shows: explicit rows and SEARCH expressions. */
export function dashboardMetrics(): Set<string> {
  const keys = new Set<string>();
  for (const row of dashboard.widgets.flatMap((widget) => widget.properties.metrics) as MetricRow[]) {
    const [first] = row;
    if (typeof first === 'object') {
      const search = 'expression' in first ? /^SEARCH\('\{([^}]*)\} MetricName="([^"]+)"/.exec(first.expression) : null;
      if (search) {
        const [namespace, ...dimensions] = search[1]!.split(',');
        if (namespace === settings.namespace) keys.add(metricKey(search[2]!, dimensions));
      }
      continue;
    }
    const [namespace, name, ...rest] = row.filter((part): part is string => typeof part === 'string');
    if (namespace === settings.namespace) keys.add(metricKey(name!, rest.filter((_, i) => i % 2 === 0)));
  }
  return keys;
}

