// What the generated periods (tests/unit/functions/dora-month.test.ts, tests/support/organization-week.ts) share.

/** mulberry32: the same numbers, so the same period, every run; a whole number in [from, to] each call. */
export function seededRandom(seed: number): (from: number, to: number) => number {
  return (from, to) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return from + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (to - from + 1));
  };
}

/** The median, worked out here rather than by shared/dora.ts, whose figures it checks; undefined of none. */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
