import { describe, expect, it } from 'vitest';
import { repulsiveForces } from '../../../lib/tsne/tsne-barnes-hut.ts';
import { buildQuadTree, makeQuadTree } from '../../../lib/tsne/tsne-quadtree.ts';
import { clumpedLayout, exactRepulsion as bruteForce, relativeError } from './tsne-fixtures.ts';

describe('Barnes-Hut repulsion', () => {
  // Clumps at several scales, as a t-SNE layout has, so the tree is deep in places.
  const n = 1500;
  const Y = clumpedLayout(11, n);
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

  it('is several times more accurate with quadrupole terms at the same θ', () => {
    const monopole = new Float64Array(2 * n);
    const quadrupole = new Float64Array(2 * n);
    const zMonopole = repulsiveForces(tree, 0.5, monopole);
    const zQuadrupole = repulsiveForces(tree, 0.5, quadrupole, true);
    expect(relativeError(quadrupole, exact.forces)).toBeLessThan(0.5 * relativeError(monopole, exact.forces));
    expect(Math.abs(zQuadrupole / exact.z - 1)).toBeLessThan(0.5 * Math.abs(zMonopole / exact.z - 1));
    expect(Math.abs(zQuadrupole / exact.z - 1)).toBeLessThan(5e-3);
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
