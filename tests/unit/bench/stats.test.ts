import { median, percentile, summarize } from '../../bench/stats';

describe('bench statistics', () => {
  it('takes the nearest rank, whatever order the values come in', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(51);
    expect(percentile(values, 99)).toBe(100);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('summarizes a few values: p99 of fewer than 100 is the largest', () => {
    expect(summarize([40, 10, 30, 20])).toEqual({ count: 4, p50: 30, p99: 40, max: 40 });
  });

  it('refuses to summarize nothing', () => {
    expect(() => summarize([])).toThrow('no values');
  });
});
