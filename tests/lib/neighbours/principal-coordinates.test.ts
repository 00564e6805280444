import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { principalCoordinates } from '../../../lib/neighbours/principal-coordinates.ts';

/**
 * n x d rows with independent coordinates along a random orthonormal basis, the first `strong` of them with
 * standard deviations 10, 9.5, … and the rest 0.3: the top-`strong` principal subspace is known by construction.
 */
function plantedSubspace(n: number, d: number, strong: number, seed: number): { data: Float32Array; basis: Float64Array; stds: number[] } {
  const random = new SeededRandom(seed);
  // Orthonormal basis by Gram-Schmidt of Gaussian vectors (rows).
  const basis = Float64Array.from({ length: d * d }, () => random.normal());
  for (let r = 0; r < d; r++) {
    for (let p = 0; p < r; p++) {
      let dot = 0;
      for (let t = 0; t < d; t++) {
        dot += basis[r * d + t]! * basis[p * d + t]!;
      }
      for (let t = 0; t < d; t++) {
        basis[r * d + t] = basis[r * d + t]! - dot * basis[p * d + t]!;
      }
    }
    const norm = Math.hypot(...basis.subarray(r * d, (r + 1) * d));
    for (let t = 0; t < d; t++) {
      basis[r * d + t] = basis[r * d + t]! / norm;
    }
  }
  const stds = Array.from({ length: d }, (_, c) => (c < strong ? 10 - 0.5 * c : 0.3));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      const z = stds[c]! * random.normal();
      for (let t = 0; t < d; t++) {
        data[i * d + t] = data[i * d + t]! + z * basis[c * d + t]! + (c === 0 ? 5 : 0);
      }
    }
  }
  return { data, basis, stds };
}

const squaredDistance = (x: Float32Array, d: number, a: number, b: number) => {
  let s = 0;
  for (let t = 0; t < d; t++) {
    s += (x[a * d + t]! - x[b * d + t]!) ** 2;
  }
  return s;
};

describe('principalCoordinates', () => {
  const n = 400;
  const d = 60;
  const { data, stds } = plantedSubspace(n, d, 8, 1);

  it('keeps as much variance as the planted top-8 subspace, centred', () => {
    const { coordinates, m, capturedVariance } = principalCoordinates(data, d, 8);
    expect(m).toBe(8);
    expect(coordinates).toHaveLength(n * 8);
    const planted = stds.slice(0, 8).reduce((s, x) => s + x * x, 0) / stds.reduce((s, x) => s + x * x, 0);
    // Sample variances wobble by a few percent around the planted ones; the subspace must find the signal.
    expect(capturedVariance).toBeGreaterThan(0.97 * planted);
    expect(capturedVariance).toBeLessThanOrEqual(1);
    for (let c = 0; c < 8; c++) {
      let mean = 0;
      for (let i = 0; i < n; i++) {
        mean += coordinates[i * 8 + c]! / n;
      }
      expect(Math.abs(mean)).toBeLessThan(1e-3);
    }
  });

  it('preserves distances up to the discarded noise dimensions', () => {
    const { coordinates } = principalCoordinates(data, d, 8);
    // The 52 noise dimensions of std 0.3 add about 2·52·0.09 ≈ 9.4 to a squared distance on average.
    const noise = 2 * (d - 8) * 0.09;
    for (const [a, b] of [
      [0, 1],
      [5, 99],
      [200, 399],
    ] as const) {
      const full = squaredDistance(data, d, a, b);
      const reduced = squaredDistance(coordinates, 8, a, b);
      expect(reduced).toBeLessThanOrEqual(full * (1 + 1e-4));
      expect(full - reduced).toBeLessThan(3 * noise);
    }
  });

  it('gives the same coordinates by the SIMD kernel as by the JS loops, to float32 rounding', () => {
    // m = 7, d = 61: odd shapes take the kernel's padded paths.
    const odd = plantedSubspace(301, 61, 8, 2);
    const simd = principalCoordinates(odd.data, 61, 7);
    const js = principalCoordinates(odd.data, 61, 7, { simd: false });
    expect(simd.capturedVariance).toBeCloseTo(js.capturedVariance, 12);
    for (let e = 0; e < js.coordinates.length; e++) {
      expect(Math.abs(simd.coordinates[e]! - js.coordinates[e]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(js.coordinates[e]!)));
    }
  });

  it('only centres when m >= d, and rejects bad m', () => {
    const { coordinates, m, capturedVariance } = principalCoordinates(data, d, 80);
    expect(m).toBe(d);
    expect(capturedVariance).toBe(1);
    expect(squaredDistance(coordinates, d, 3, 7)).toBeCloseTo(squaredDistance(data, d, 3, 7), 2);
    expect(() => principalCoordinates(data, d, 0)).toThrow(/m must be a whole number >= 1 \(got 0\)/);
  });
});
