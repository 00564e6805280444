import { describe, expect, it } from 'vitest';
import { domainDiscriminability, scaleToUnitRange } from '../../analysis/domain-discriminability.ts';
import { discriminabilityProjection } from '../../analysis/domain-discriminability-projection.ts';
import { decisionValues } from '../../lib/linear-svm/linear-svm.ts';
import { twoDomains } from '../lib/linear-svm/linear-svm-fixtures.ts';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, k) => s + v * b[k]!, 0);

describe('scaleToUnitRange', () => {
  it('maps each column min to −1, max to 1, linearly in between, and constant columns to 0', () => {
    const X = new Float32Array([0, 5, 3, -2, 10, 5, 1, -2, 2.5, 5, 2, -2]);
    const { scaled, min, max } = scaleToUnitRange(X, 4);
    expect(Array.from(scaled)).toEqual([-1, 0, 1, 0, 1, 0, -1, 0, -0.5, 0, 0, 0]);
    expect(Array.from(min)).toEqual([0, 5, 1, -2]);
    expect(Array.from(max)).toEqual([10, 5, 3, -2]);
  });
});

describe('domainDiscriminability', () => {
  const d = 12;
  const domains = twoDomains(3, 300, 240, d, { factors: 3, discriminative: 2, shift: 1.5 });
  const result = domainDiscriminability({ ...domains, d, folds: 5, seed: 1 });

  it('ranks the shifted neurons first, with positive (source-like) weights', () => {
    const ranked = Array.from(result.weights, (w, k) => [k, Math.abs(w)] as const).sort((a, b) => b[1] - a[1]);
    expect(
      ranked
        .slice(0, 2)
        .map(([k]) => k)
        .sort(),
    ).toEqual([0, 1]);
    expect(result.weights[0]).toBeGreaterThan(0);
    expect(result.weights[1]).toBeGreaterThan(0);
    expect(result.converged).toBe(true);
    expect(result.sourceCount).toBe(300);
    expect(result.targetCount).toBe(240);
  });

  it('cross-validates: well above chance for shifted domains, near chance for identical ones', () => {
    expect(result.foldAccuracies).toHaveLength(5);
    expect(result.cvAccuracy).toBeGreaterThan(0.8);
    expect(result.cvAccuracy).toBeCloseTo(result.foldAccuracies.reduce((s, a) => s + a, 0) / 5, 12);
    const same = twoDomains(4, 200, 200, d, { discriminative: 0 });
    const chance = domainDiscriminability({ ...same, d, folds: 5 });
    expect(Math.abs(chance.cvAccuracy - 0.5)).toBeLessThan(0.1);
  });

  it("gives the plain loops' answer with the WebAssembly kernels (fits, principal component, projection)", () => {
    const js = domainDiscriminability({ ...domains, d, folds: 5, seed: 1, kernels: 'js' });
    expect(Array.from(result.foldAccuracies)).toEqual(Array.from(js.foldAccuracies));
    expect(dot(result.weights, js.weights) / Math.hypot(...result.weights) / Math.hypot(...js.weights)).toBeGreaterThan(0.99999);
    const worst = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
    expect(worst(result.projection.xAxis, js.projection.xAxis)).toBeLessThan(1e-4);
    expect(worst(result.projection.yAxis, js.projection.yAxis)).toBeLessThan(1e-4);
    expect(worst(result.projection.x, js.projection.x)).toBeLessThan(1e-3);
    expect(worst(result.projection.y, js.projection.y)).toBeLessThan(1e-3);
  });

  it('scales over both domains together, source rows first', () => {
    const all = new Float32Array([...domains.source, ...domains.target]);
    expect(Array.from(result.scaled)).toEqual(Array.from(scaleToUnitRange(all, d).scaled));
    for (let k = 0; k < d; k++) {
      const column = Array.from({ length: 540 }, (_, r) => result.scaled[r * d + k]!);
      expect(Math.min(...column)).toBe(-1);
      expect(Math.max(...column)).toBe(1);
    }
  });

  it('projects onto the unit normal (x) and an orthogonal principal direction (y)', () => {
    const { projection, weights, bias } = result;
    const norm = Math.hypot(...weights);
    expect(Math.hypot(...projection.xAxis)).toBeCloseTo(1, 6);
    expect(Math.hypot(...projection.yAxis)).toBeCloseTo(1, 6);
    expect(Math.abs(dot(projection.xAxis, projection.yAxis))).toBeLessThan(1e-6);
    projection.xAxis.forEach((u, k) => expect(u).toBeCloseTo(weights[k]! / norm, 6));
    expect(projection.boundaryX).toBeCloseTo(-bias / norm, 6);
    // x − boundaryX is the signed distance to the boundary: the decision value over ‖w‖.
    const values = decisionValues({ weights, bias }, result.scaled);
    values.forEach((v, r) => {
      if (r % 37 === 0) {
        expect(projection.x[r]! - projection.boundaryX!).toBeCloseTo(v / norm, 4);
      }
    });
    expect(Array.from(projection.loadings.filter((_, i) => i % 2 === 0))).toEqual(Array.from(projection.xAxis));
    expect(Array.from(projection.loadings.filter((_, i) => i % 2 === 1))).toEqual(Array.from(projection.yAxis));
  });

  it('puts points on the decision boundary at x = −b/‖w‖', () => {
    const model = { weights: new Float32Array([3, -4, 0]), bias: 2 };
    // w·x + b = 0 for each of these.
    const onBoundary = new Float32Array([-2 / 3, 0, 5, 0, 0.5, -1, 2, 2, 0]);
    const { x, boundaryX } = discriminabilityProjection(onBoundary, 3, model);
    expect(boundaryX).toBeCloseTo(-0.4, 12);
    x.forEach((value) => expect(value).toBeCloseTo(-0.4, 6));
  });

  it('falls back to the top direction orthogonal to w when the first component is w itself', () => {
    // Variance almost only along feature 0, which is also the only discriminative feature.
    const n = 200;
    const X = new Float32Array(n * 3);
    for (let r = 0; r < n; r++) {
      X[r * 3] = r < n / 2 ? -1 + r / n : r / n;
      X[r * 3 + 1] = 0.01 * Math.sin(r);
      X[r * 3 + 2] = 0.001 * Math.cos(3 * r);
    }
    const { xAxis, yAxis } = discriminabilityProjection(X, 3, { weights: new Float32Array([2, 0, 0]), bias: 0 });
    expect(Array.from(xAxis)).toEqual([1, 0, 0]);
    expect(Math.abs(yAxis[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(yAxis[1]!)).toBeGreaterThan(0.99);
  });

  it('rejects a missing domain, mismatched shapes and non-finite values', () => {
    expect(() => domainDiscriminability({ source: new Float32Array(6), target: new Float32Array(0), d: 3 })).toThrow(/both domains/);
    expect(() => domainDiscriminability({ source: new Float32Array(5), target: new Float32Array(6), d: 3 })).toThrow(/row-major/);
    expect(() => domainDiscriminability({ source: new Float32Array([1, Number.NaN, 0]), target: new Float32Array(3), d: 3 })).toThrow(/NaN/);
  });
});
