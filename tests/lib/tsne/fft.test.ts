import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { fft, fft2d, makeFftPlan } from '../../../lib/tsne/fft.ts';

/** Naive O(N²) DFT with the same sign convention: e^(-2πikt/N) forward, e^(+…) inverse, no scaling. */
function naiveDft(re: Float64Array, im: Float64Array, inverse: boolean): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (sign * 2 * Math.PI * k * t) / n;
      outRe[k] = outRe[k]! + re[t]! * Math.cos(angle) - im[t]! * Math.sin(angle);
      outIm[k] = outIm[k]! + re[t]! * Math.sin(angle) + im[t]! * Math.cos(angle);
    }
  }
  return { re: outRe, im: outIm };
}

function randomVector(random: SeededRandom, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => random.normal());
}

function maxDifference(a: Float64Array, b: Float64Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

describe('fft', () => {
  const random = new SeededRandom(4);

  it('matches the naive DFT in both directions for sizes 1 to 128', () => {
    for (const size of [1, 2, 4, 8, 32, 128]) {
      for (const inverse of [false, true]) {
        const re = randomVector(random, size);
        const im = randomVector(random, size);
        const expected = naiveDft(re, im, inverse);
        fft(makeFftPlan(size), re, im, inverse);
        expect(maxDifference(re, expected.re)).toBeLessThan(1e-10 * size);
        expect(maxDifference(im, expected.im)).toBeLessThan(1e-10 * size);
      }
    }
  });

  it('returns N times the input after a forward and an inverse transform', () => {
    const re = randomVector(random, 64);
    const im = randomVector(random, 64);
    const plan = makeFftPlan(64);
    const copy = { re: re.slice(), im: im.slice() };
    fft(plan, re, im);
    fft(plan, re, im, true);
    expect(
      maxDifference(
        re.map((v) => v / 64),
        copy.re,
      ),
    ).toBeLessThan(1e-12);
    expect(
      maxDifference(
        im.map((v) => v / 64),
        copy.im,
      ),
    ).toBeLessThan(1e-12);
  });

  it('transforms only the segment at the offset', () => {
    const re = randomVector(random, 24);
    const im = randomVector(random, 24);
    const expected = naiveDft(re.slice(8, 16), im.slice(8, 16), false);
    const before = { re: re.slice(), im: im.slice() };
    fft(makeFftPlan(8), re, im, false, 8);
    expect(maxDifference(re.subarray(8, 16), expected.re)).toBeLessThan(1e-12);
    expect(Array.from(re.subarray(0, 8))).toEqual(Array.from(before.re.subarray(0, 8)));
    expect(Array.from(im.subarray(16))).toEqual(Array.from(before.im.subarray(16)));
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => makeFftPlan(12)).toThrow(/power of two \(got 12\)/);
    expect(() => makeFftPlan(0)).toThrow(/power of two/);
  });
});

describe('fft2d', () => {
  const random = new SeededRandom(9);
  const size = 16;

  /** Naive 2-D DFT: rows, then columns. */
  function naive2d(re: Float64Array, im: Float64Array, inverse: boolean): { re: Float64Array; im: Float64Array } {
    const outRe = re.slice();
    const outIm = im.slice();
    for (let r = 0; r < size; r++) {
      const row = naiveDft(outRe.slice(r * size, (r + 1) * size), outIm.slice(r * size, (r + 1) * size), inverse);
      outRe.set(row.re, r * size);
      outIm.set(row.im, r * size);
    }
    for (let c = 0; c < size; c++) {
      const colRe = Float64Array.from({ length: size }, (_, r) => outRe[r * size + c]!);
      const colIm = Float64Array.from({ length: size }, (_, r) => outIm[r * size + c]!);
      const col = naiveDft(colRe, colIm, inverse);
      for (let r = 0; r < size; r++) {
        outRe[r * size + c] = col.re[r]!;
        outIm[r * size + c] = col.im[r]!;
      }
    }
    return { re: outRe, im: outIm };
  }

  it('matches the naive 2-D DFT in both directions', () => {
    for (const inverse of [false, true]) {
      const re = randomVector(random, size * size);
      const im = randomVector(random, size * size);
      const expected = naive2d(re, im, inverse);
      fft2d(makeFftPlan(size), re, im, inverse);
      expect(maxDifference(re, expected.re)).toBeLessThan(1e-9);
      expect(maxDifference(im, expected.im)).toBeLessThan(1e-9);
    }
  });

  it('skips zero rows going forward and unread rows going back without changing what is read', () => {
    const rows = 5;
    const re = new Float64Array(size * size);
    const im = new Float64Array(size * size);
    re.set(randomVector(random, rows * size));
    im.set(randomVector(random, rows * size));
    const forward = naive2d(re, im, false);
    const back = naive2d(forward.re, forward.im, true);
    const plan = makeFftPlan(size);
    fft2d(plan, re, im, false, rows);
    expect(maxDifference(re, forward.re)).toBeLessThan(1e-9);
    fft2d(plan, re, im, true, rows);
    expect(maxDifference(re.subarray(0, rows * size), back.re.subarray(0, rows * size))).toBeLessThan(1e-9);
    expect(maxDifference(im.subarray(0, rows * size), back.im.subarray(0, rows * size))).toBeLessThan(1e-9);
  });
});
