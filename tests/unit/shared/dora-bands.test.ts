import { bandOf } from '../../../shared/dora-bands';

const HOUR = 3_600;
const DAY = 24 * HOUR;

describe("DORA's 2024 performance bands", () => {
  it('place deployments a day: more than once a day is elite, and once a week and once a month belong to the worse band', () => {
    expect([3, 1.01, 1, 0.5, 1 / 7, 0.1, 1 / 30, 1 / 31, 0].map((perDay) => bandOf('deploymentFrequency', perDay))).toEqual(['elite', 'elite', 'high', 'high', 'medium', 'medium', 'low', 'low', 'low']);
  });

  it('place a lead time: less than a day is elite, a day is high; past six months is still low', () => {
    expect([HOUR, DAY - 1, DAY, 7 * DAY - 1, 7 * DAY, 30 * DAY - 1, 30 * DAY, 400 * DAY].map((seconds) => bandOf('leadTime', seconds))).toEqual(['elite', 'elite', 'high', 'high', 'medium', 'medium', 'low', 'low']);
  });

  it("place a change fail rate in the best band whose rate it does not exceed: medium's 10 % is within high's 20 %", () => {
    expect([0, 0.05, 0.06, 0.1, 0.2, 0.21, 0.4, 1].map((rate) => bandOf('changeFailRate', rate))).toEqual(['elite', 'elite', 'high', 'high', 'high', 'low', 'low', 'low']);
  });

  it('place a recovery time: high and medium both recover in less than a day, and a day to a week, in no range, is low', () => {
    expect([60, HOUR - 1, HOUR, DAY - 1, DAY, 3 * DAY, 30 * DAY, 90 * DAY].map((seconds) => bandOf('recoveryTime', seconds))).toEqual(['elite', 'elite', 'high', 'high', 'low', 'low', 'low', 'low']);
  });
});
