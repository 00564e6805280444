import { describe, expect, it } from 'vitest';
import { repulsiveForces } from '../../../lib/tsne/tsne-barnes-hut.ts';
import { makeSimdBarnesHut } from '../../../lib/tsne/tsne-barnes-hut-simd.ts';
import { buildQuadTree, makeQuadTree } from '../../../lib/tsne/tsne-quadtree.ts';
import { clumpedLayout, exactRepulsion, relativeError } from './tsne-fixtures.ts';

describe('Barnes-Hut repulsion by the SIMD kernel', () => {
  function both(Y: Float64Array, n: number, theta: number) {
    const tree = makeQuadTree(n);
    buildQuadTree(tree, Y, n, false);
    const js = new Float64Array(2 * n);
    const simd = new Float64Array(2 * n);
    const zJs = repulsiveForces(tree, theta, js);
    const zSimd = makeSimdBarnesHut(n)!(tree, theta, simd);
    return { zJs, zSimd, js, simd };
  }

  it("gives the JS walk's forces and Z to rounding, odd leaves included", () => {
    // 1,501 points: leaves of odd size leave the kernel's second lane on a point of the next leaf.
    for (const n of [1501, 1500, 37]) {
      const { zJs, zSimd, js, simd } = both(clumpedLayout(11, n), n, 0.5);
      expect(Math.abs(zSimd / zJs - 1)).toBeLessThan(1e-12);
      expect(relativeError(simd, js)).toBeLessThan(1e-12);
    }
  });

  it('is exact at θ = 0', () => {
    const n = 401;
    const Y = clumpedLayout(4, n);
    const { zSimd, simd } = both(Y, n, 0);
    const exact = exactRepulsion(Y, n);
    expect(Math.abs(zSimd / exact.z - 1)).toBeLessThan(1e-12);
    expect(relativeError(simd, exact.forces)).toBeLessThan(1e-12);
  });

  it('handles coincident points and trees deeper than its first node capacity', () => {
    // Three stacks of 17 coincident points: each splits down to the depth limit, 121 nodes for 51 points.
    const m = 51;
    const stacks = new Float64Array(2 * m);
    for (let i = 0; i < m; i++) {
      stacks[2 * i] = i % 3 === 1 ? 10 : 0;
      stacks[2 * i + 1] = i % 3 === 2 ? 10 : 0;
    }
    const { zJs, zSimd, js, simd } = both(stacks, m, 0.5);
    expect(zSimd).toBeCloseTo(zJs, 9);
    expect(zSimd).toBeCloseTo(exactRepulsion(stacks, m).z, 9);
    expect(relativeError(simd, js)).toBeLessThan(1e-12);
  });
});
