/** Ticks for a time axis (Vega's time unit names) over [from, to] (ms): about six, on round minutes, hours or days, so no two labels read the same. */
export function timeAxis(from: number, to: number): { tickCount: { interval: 'minutes' | 'hours' | 'date'; step: number }; format: string } {
  const minutes = (to - from) / 60_000;
  const step = (wanted: number, steps: number[]) => steps.find((candidate) => candidate >= wanted) ?? steps.at(-1)!;
  if (minutes <= 6 * 60) return { tickCount: { interval: 'minutes', step: step(minutes / 6, [1, 2, 5, 10, 15, 30, 60]) }, format: '%H:%M' };
  if (minutes <= 6 * 24 * 60) return { tickCount: { interval: 'hours', step: step(minutes / 60 / 6, [1, 2, 3, 6, 12, 24]) }, format: '%H:%M' };
  return { tickCount: { interval: 'date', step: Math.ceil(minutes / 60 / 24 / 6) }, format: '%b %d' };
}
