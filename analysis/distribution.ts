// Compact summaries of many values for stored per-checkpoint analyses (paper §5.3.3, Figure 4): fixed-bin
// histograms, five-number summaries for boxplots, and rounding to a few significant digits.
import { TransferscopeError } from '../core/errors.ts';

/** Counts of `bins` equal bins over [min, max]; the last bin includes max. */
export interface Histogram {
  min: number;
  max: number;
  counts: number[];
}

/**
 * Counts `values` into `bins` equal bins over [min, max]. Values outside the range go to the end bins, so the
 * counts always sum to the number of values (similarities can exceed 1 by float rounding). NaN throws.
 */
export function histogram(values: Iterable<number>, min: number, max: number, bins: number): Histogram {
  if (!Number.isInteger(bins) || bins < 1 || !(max > min)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `histogram needs bins >= 1 and max > min (got ${bins} bins over [${min}, ${max}]).`);
  }
  const counts = new Array<number>(bins).fill(0);
  const width = (max - min) / bins;
  for (const v of values) {
    if (Number.isNaN(v)) {
      throw new TransferscopeError('INVALID_ARGUMENT', 'histogram got NaN. Summarise finite values only.');
    }
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((v - min) / width)));
    counts[bin]! += 1;
  }
  return { min, max, counts };
}

/** [min, lower quartile, median, upper quartile, max] with linear interpolation between order statistics. */
export type FiveNumbers = [number, number, number, number, number];

/** The five-number summary of `values` (quantiles as numpy's default 'linear'); empty input gives null. */
export function fiveNumbers(values: ArrayLike<number>): FiveNumbers | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = Float64Array.from(values).sort();
  const quantile = (q: number): number => {
    const position = q * (sorted.length - 1);
    const below = Math.floor(position);
    const above = Math.min(sorted.length - 1, below + 1);
    return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
  };
  return [sorted[0]!, quantile(0.25), quantile(0.5), quantile(0.75), sorted[sorted.length - 1]!];
}

/**
 * `value` rounded to `digits` significant digits (default 4): a stored analysis keeps every float of every
 * class and layer, and four digits are more than a 12-pixel cell or a tooltip can show.
 */
export function roundSignificant(value: number, digits = 4): number {
  if (value === 0 || !Number.isFinite(value)) {
    return value;
  }
  return Number(value.toPrecision(digits));
}

/** `roundSignificant` over an array, as a plain number array ready for JSON. */
export function roundAll(values: ArrayLike<number>, digits = 4): number[] {
  return Array.from(values, (v) => roundSignificant(v, digits));
}
