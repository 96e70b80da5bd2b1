const MINUTE = 60_000;
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((minutes) => minutes * MINUTE);

/**
 * About six ticks for a time axis over [from, to] (ms), on round minutes, hours or days, so no two
 * labels read the same. Given as values: Vega 6 names its tick intervals otherwise than its types do.
 */
export function timeAxis(from: number, to: number): { values: number[]; format: string } {
  const step = STEPS.find((candidate) => candidate >= (to - from) / 6) ?? Math.ceil((to - from) / 6 / (1440 * MINUTE)) * 1440 * MINUTE;
  const values = [];
  for (let tick = Math.ceil(from / step) * step; tick <= to; tick += step) values.push(tick);
  return { values, format: step < 1440 * MINUTE ? '%H:%M' : to - from < 300 * 1440 * MINUTE ? '%b %d' : '%b %Y' };
}
