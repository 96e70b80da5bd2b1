// DORA's software delivery performance clusters of its 2024 Accelerate State of DevOps Report
// (https://dora.dev/research/2024/dora-report/), whose values
// https://octopus.com/blog/2024-devops-performance-clusters tables:
//
// | level  | change lead time                 | deployment frequency                             | change fail rate | failed deployment recovery time |
// |--------|----------------------------------|--------------------------------------------------|------------------|---------------------------------|
// | elite  | less than one day                | on demand (multiple deploys per day)             | 5 %              | less than one hour              |
// | high   | between one day and one week     | between once per day and once per week           | 20 %             | less than one day               |
// | medium | between one week and one month   | between once per week and once per month         | 10 %             | less than one day               |
// | low    | between one month and six months | between once per month and once every six months | 40 %             | between one week and one month  |
//
// DORA publishes no levels for the deployment rework rate: it has no band here. docs/dora.md has
// the table too, and how values are placed.

/** Best first. */
export const BANDS = ['elite', 'high', 'medium', 'low'] as const;
export type Band = (typeof BANDS)[number];

export interface MeasureBands {
  /** Deployments a day are better higher; times and rates lower. */
  better: 'higher' | 'lower';
  /**
   * Whether a value equal to a bound is of that band: a published rate is (5 % is elite's), the
   * end of a published range is not ("less than one day" is elite's, one day is high's).
   */
  boundInBand: boolean;
  /** Where each band but low ends, best first; a value past every bound is low. */
  bounds: readonly { band: Band; value: number; label: string }[];
}

const HOUR = 3_600;
const DAY = 24 * HOUR;
/** A month, in days. */
const MONTH = 30;

/** Deployment frequency in deployments a day, times in seconds, rates as shares (0.05 is 5 %). */
export const DORA_BANDS = {
  deploymentFrequency: {
    better: 'higher',
    boundInBand: false,
    bounds: [
      { band: 'elite', value: 1, label: 'more than once a day' },
      { band: 'high', value: 1 / 7, label: 'more than once a week' },
      { band: 'medium', value: 1 / MONTH, label: 'more than once a month' },
    ],
  },
  leadTime: {
    better: 'lower',
    boundInBand: false,
    bounds: [
      { band: 'elite', value: DAY, label: 'less than a day' },
      { band: 'high', value: 7 * DAY, label: 'less than a week' },
      { band: 'medium', value: MONTH * DAY, label: 'less than a month' },
    ],
  },
  // medium's 10 % is within high's 20 %: a rate is placed in the best band whose rate it does not
  // exceed, so a better rate never gets a worse band, and the change fail rate alone gives no medium
  changeFailRate: {
    better: 'lower',
    boundInBand: true,
    bounds: [
      { band: 'elite', value: 0.05, label: 'at most 5 %' },
      { band: 'high', value: 0.2, label: 'at most 20 %' },
    ],
  },
  // high and medium both recover in less than a day; from a day to a week is in no published range
  recoveryTime: {
    better: 'lower',
    boundInBand: false,
    bounds: [
      { band: 'elite', value: HOUR, label: 'less than an hour' },
      { band: 'high', value: DAY, label: 'less than a day' },
    ],
  },
} as const satisfies Record<string, MeasureBands>;

export type BandedMeasure = keyof typeof DORA_BANDS;

/**
 * The band of a value of the measure, in DORA_BANDS' units: the best band whose bound the value is
 * within. A value between two published ranges, or on the boundary they share, gets the worse band.
 */
export function bandOf(measure: BandedMeasure, value: number): Band {
  const { better, boundInBand, bounds }: MeasureBands = DORA_BANDS[measure];
  const past = (bound: number) => (better === 'lower' ? value - bound : bound - value);
  return bounds.find(({ value: bound }) => past(bound) < 0 || (boundInBand && past(bound) === 0))?.band ?? 'low';
}
