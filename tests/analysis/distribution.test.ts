import { describe, expect, it } from 'vitest';
import { fiveNumbers, histogram, roundAll, roundSignificant } from '../../analysis/distribution.ts';

describe('histogram', () => {
  it('counts equal bins, the last one closed, and clamps values outside the range into the end bins', () => {
    // Bins over [-1, 1] of width 0.5: [-1, -0.5), [-0.5, 0), [0, 0.5), [0.5, 1].
    expect(histogram([-1, -0.75, -0.5, 0, 0.49, 0.5, 1], -1, 1, 4).counts).toEqual([2, 1, 2, 2]);
    expect(histogram([-3, 1.0000001, 5], -1, 1, 4)).toEqual({ min: -1, max: 1, counts: [1, 0, 0, 2] });
    expect(histogram([], 0, 1, 3).counts).toEqual([0, 0, 0]);
  });

  it('refuses NaN, no bins and an empty range', () => {
    expect(() => histogram([NaN], 0, 1, 2)).toThrow(/NaN/);
    expect(() => histogram([0], 0, 1, 0)).toThrow(/got 0 bins/);
    expect(() => histogram([0], 1, 1, 2)).toThrow(/max > min/);
  });
});

describe('fiveNumbers', () => {
  it('gives min, quartiles (linear interpolation, as numpy) and max', () => {
    // numpy.percentile([7, 1, 3, 5], [0, 25, 50, 75, 100]) = [1, 2.5, 4, 5.5, 7]
    expect(fiveNumbers([7, 1, 3, 5])).toEqual([1, 2.5, 4, 5.5, 7]);
    expect(fiveNumbers([2])).toEqual([2, 2, 2, 2, 2]);
    expect(fiveNumbers([])).toBeNull();
  });
});

describe('roundSignificant', () => {
  it('keeps four significant digits by default and leaves 0 and non-finite values alone', () => {
    expect(roundSignificant(0.123456)).toBe(0.1235);
    expect(roundSignificant(-98765.4)).toBe(-98770);
    expect(roundSignificant(1.23e-7)).toBe(1.23e-7);
    expect(roundSignificant(0.97654321, 2)).toBe(0.98);
    expect([roundSignificant(0), roundSignificant(Infinity)]).toEqual([0, Infinity]);
    expect(roundAll(Float32Array.from([0.5, 1 / 3]))).toEqual([0.5, 0.3333]);
  });
});
