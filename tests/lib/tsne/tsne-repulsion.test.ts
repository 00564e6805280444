import { describe, expect, it } from 'vitest';
import { autoFftLimit, makeRepulsion } from '../../../lib/tsne/tsne-repulsion.ts';
import { clumpedLayout } from './tsne-fixtures.ts';

describe('repulsion method', () => {
  const options = { theta: 0.5, quadrupole: false, boxWidth: 1, simd: true };

  function forces(method: 'barnes-hut' | 'fft' | 'auto', Y: Float64Array, n: number): number[] {
    const out = new Float64Array(2 * n);
    const z = makeRepulsion(method, n, options)(Y, out);
    return [z, ...out];
  }

  it('auto takes the FFT for a compact layout of many points and Barnes-Hut once the grid would be large', () => {
    const n = 1000;
    expect(autoFftLimit(n)).toBe(64);
    // Scale 0.1: about 8 units wide, a 64 grid. Scale 1: about 80 units, a 512 grid.
    const compact = clumpedLayout(2, n, 0.1);
    const spread = clumpedLayout(2, n, 1);
    expect(forces('auto', compact, n)).toEqual(forces('fft', compact, n));
    expect(forces('auto', spread, n)).toEqual(forces('barnes-hut', spread, n));
    expect(forces('fft', compact, n)).not.toEqual(forces('barnes-hut', compact, n));
  });

  it('auto stays with Barnes-Hut for few points, where a grid costs more than the tree', () => {
    const n = 300;
    expect(autoFftLimit(n)).toBe(0);
    const compact = clumpedLayout(2, n, 0.01);
    expect(forces('auto', compact, n)).toEqual(forces('barnes-hut', compact, n));
  });

  it('auto stays exact at θ = 0', () => {
    const n = 1000;
    const compact = clumpedLayout(2, n, 0.1);
    const exact = makeRepulsion('auto', n, { ...options, theta: 0 });
    const tree = makeRepulsion('barnes-hut', n, { ...options, theta: 0 });
    const a = new Float64Array(2 * n);
    const b = new Float64Array(2 * n);
    expect(exact(compact, a)).toBe(tree(compact, b));
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('grows the FFT limit with n: 64 from 820 points, 128 from 3,277', () => {
    expect([819, 820, 3276, 3277, 5000].map(autoFftLimit)).toEqual([0, 64, 64, 128, 128]);
  });
});
