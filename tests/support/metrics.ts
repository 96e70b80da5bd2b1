import { metrics } from '../../shared/metrics';
import { captureOutput } from './lambda-context';

/**
 * Runs `act` as one invocation's work, starting with no metrics stored, and answers the EMF records
 * it emits: single metrics at once, the rest as the middleware flushes them when the invocation ends.
 */
export async function emittedMetrics<T>(act: () => Promise<T> | T): Promise<{ result: T; records: Record<string, unknown>[] }> {
  // whatever an earlier test left stored is published out of sight
  await captureOutput(async () => metrics.publishStoredMetrics());
  const { result, lines } = await captureOutput(async () => {
    const answer = await act();
    metrics.publishStoredMetrics();
    return answer;
  });
  return { result, records: lines.filter((line) => '_aws' in line) };
}
