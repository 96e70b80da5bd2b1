import { metricOf, type DoraFact } from './dora';
import { logger } from './logger';
import { MetricUnit, singleMetrics } from './metrics';
import type { Ledger } from './ports';

// CloudWatch takes a metric's own time up to two weeks back; an older fact is counted now.
const OLDEST_TIMESTAMP_MS = 14 * 86_400_000 - 3_600_000;

/**
 * Claims each fact in the ledger and counts the ones claimed now, each at its own time, per pipeline
 * and for all pipelines. A fact claimed before (a redelivered event, another function that came upon
 * it) counts nothing: every fact is counted once, and `npm run report` adds up the same claims.
 */
export async function claimFacts(facts: DoraFact[], ledger: Pick<Ledger, 'claimFact'>, now = new Date()): Promise<DoraFact[]> {
  const claimed: DoraFact[] = [];
  // a deployment's lead times come only with it: one write claims them all, whatever the commits
  const leadTimesOf = (fact: DoraFact) => (fact.kind === 'deployment' ? facts.filter((other) => other.kind === 'lead-time' && other.pipeline === fact.pipeline && other.executionId === fact.executionId) : []);
  const carried = new Set(facts.flatMap(leadTimesOf));
  for (const fact of facts.filter((candidate) => !carried.has(candidate))) {
    if (await ledger.claimFact(fact, leadTimesOf(fact))) claimed.push(fact, ...leadTimesOf(fact));
  }
  for (const fact of claimed) {
    const { name, unit, value } = metricOf(fact);
    const at = Date.parse(fact.at);
    singleMetrics.setTimestamp(now.getTime() - at < OLDEST_TIMESTAMP_MS ? at : now.getTime());
    singleMetrics.addDimension('pipeline', fact.pipeline);
    singleMetrics.addDimensions({});
    singleMetrics.addMetric(name, MetricUnit[unit], value);
  }
  if (claimed.length > 0) logger.info('DORA facts counted', { dora: claimed });
  return claimed;
}
