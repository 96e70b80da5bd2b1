/** Order statistics for the bench's latencies: nearest rank, no interpolation. */
export const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
export const median = (values: number[]) => percentile(values, 50);

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new Error('no values to summarize');
  return { count: values.length, p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values) };
}
