import { describe, expect, it } from 'vitest';
import { gaussLegendre, pathAlphas } from '../../../analysis/attribution/integration-path.ts';

describe('pathAlphas', () => {
  it('uses the Gauss-Legendre nodes of numpy.leggauss, mapped to (0, 1)', () => {
    const two = gaussLegendre(2);
    expect(Array.from(two.nodes)).toEqual([-1 / Math.sqrt(3), 1 / Math.sqrt(3)].map((x) => expect.closeTo(x, 14)));
    const three = gaussLegendre(3);
    expect(Array.from(three.nodes)).toEqual([-Math.sqrt(0.6), 0, Math.sqrt(0.6)].map((x) => expect.closeTo(x, 14)));
    expect(Array.from(three.weights)).toEqual([5 / 9, 8 / 9, 5 / 9].map((x) => expect.closeTo(x, 14)));
    // An n-point rule integrates polynomials up to degree 2n - 1 exactly: here x^100 on [-1, 1] with n = 51.
    const { nodes, weights } = gaussLegendre(51);
    expect(nodes.reduce((s, x, i) => s + weights[i]! * x ** 100, 0)).toBeCloseTo(2 / 101, 13);
    const alphas = pathAlphas('gausslegendre', 51);
    expect(alphas[0]).toBeGreaterThan(0);
    expect(alphas[0]).toBeLessThan(1e-3);
    expect(alphas[50]! + alphas[0]!).toBeCloseTo(1, 14);
    expect(alphas.every((a, i) => i === 0 || a > alphas[i - 1]!)).toBe(true);
  });

  it('spaces the Riemann rules as Captum does and refuses fewer than two points', () => {
    expect(Array.from(pathAlphas('riemann_trapezoid', 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(pathAlphas('riemann_left', 4))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Array.from(pathAlphas('riemann_right', 4))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(Array.from(pathAlphas('riemann_middle', 4))).toEqual([0.125, 0.375, 0.625, 0.875]);
    expect(() => pathAlphas('gausslegendre', 1)).toThrow(/points >= 2/);
  });
});
