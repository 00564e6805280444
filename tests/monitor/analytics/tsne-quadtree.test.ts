import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../datasets/seeded-random.ts';
import { buildQuadTree, makeQuadTree, repulsiveForces } from '../../../monitor/analytics/tsne-quadtree.ts';

function bruteForce(Y: Float64Array, n: number): { forces: Float64Array; z: number } {
  const forces = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j) {
        const dx = Y[2 * i]! - Y[2 * j]!;
        const dy = Y[2 * i + 1]! - Y[2 * j + 1]!;
        const w = 1 / (1 + dx * dx + dy * dy);
        z += w;
        forces[2 * i] = forces[2 * i]! + w * w * dx;
        forces[2 * i + 1] = forces[2 * i + 1]! + w * w * dy;
      }
    }
  }
  return { forces, z };
}

function relativeError(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let c = 0; c < a.length; c++) {
    num += (a[c]! - b[c]!) ** 2;
    den += b[c]! ** 2;
  }
  return Math.sqrt(num / den);
}

describe('Barnes-Hut repulsion', () => {
  // Clumps at several scales, as a t-SNE layout has, so the tree is deep in places.
  const n = 1500;
  const random = new SeededRandom(11);
  const Y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const clump = i % 7;
    Y[2 * i] = clump * 9 + random.normal() * (1 + clump);
    Y[2 * i + 1] = (clump % 3) * 12 + random.normal() * (1 + clump);
  }
  const exact = bruteForce(Y, n);
  const tree = makeQuadTree(n);
  buildQuadTree(tree, Y, n);

  it('is exact at θ = 0', () => {
    const out = new Float64Array(2 * n);
    const z = repulsiveForces(tree, 0, out);
    expect(z / exact.z - 1).toBeLessThan(1e-12);
    expect(relativeError(out, exact.forces)).toBeLessThan(1e-12);
  });

  it('stays within a few percent at θ = 0.5 and gets coarser as θ grows', () => {
    const errors = [0.25, 0.5, 1].map((theta) => {
      const out = new Float64Array(2 * n);
      const z = repulsiveForces(tree, theta, out);
      return { z: Math.abs(z / exact.z - 1), force: relativeError(out, exact.forces) };
    });
    expect(errors[1]!.z).toBeLessThan(0.03);
    expect(errors[1]!.force).toBeLessThan(0.05);
    expect(errors[0]!.force).toBeLessThan(errors[1]!.force);
    expect(errors[1]!.force).toBeLessThan(errors[2]!.force);
  });

  it('handles coincident points (no endless splitting) and rebuilds into the same buffers', () => {
    const m = 40;
    const same = new Float64Array(2 * m).fill(3);
    same[0] = 5;
    const small = makeQuadTree(m);
    buildQuadTree(small, same, m);
    const out = new Float64Array(2 * m);
    const z = repulsiveForces(small, 0.5, out);
    expect(z).toBeCloseTo(bruteForce(same, m).z, 9);
    expect(out[2]).toBeCloseTo(bruteForce(same, m).forces[2]!, 12);
  });
});
