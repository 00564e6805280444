import { describe, expect, it } from 'vitest';
import { fftGridSize, fftRepulsiveForces, makeFftRepulsion } from '../../../lib/tsne/tsne-fft-repulsion.ts';
import { clumpedLayout, exactRepulsion, relativeError } from './tsne-fixtures.ts';

describe('FFT-interpolated repulsion', () => {
  const n = 400;

  function errors(scale: number, maxBoxWidth: number): { force: number; z: number; size: number } {
    const Y = clumpedLayout(3, n, scale);
    const exact = exactRepulsion(Y, n);
    const state = makeFftRepulsion(n, maxBoxWidth);
    const out = new Float64Array(2 * n);
    const z = fftRepulsiveForces(state, Y, n, out);
    return { force: relativeError(out, exact.forces), z: Math.abs(z / exact.z - 1), size: state.plan!.size };
  }

  it('matches the exact O(n²) forces and Z within about 1% from compact to spread layouts', () => {
    // Scale 0.01 fits one box; scale 1 spreads the clumps over about 80 units, a 512 grid.
    for (const scale of [0.01, 0.1, 0.3, 1]) {
      const e = errors(scale, 1);
      expect(e.force).toBeLessThan(0.02);
      expect(e.z).toBeLessThan(0.01);
    }
    expect(errors(1, 1).size).toBe(512);
  });

  it('gets more accurate with narrower boxes, at a larger grid', () => {
    for (const scale of [0.1, 1]) {
      const wide = errors(scale, 1);
      const narrow = errors(scale, 0.5);
      expect(narrow.force).toBeLessThan(0.5 * wide.force);
      expect(narrow.size).toBe(2 * wide.size);
    }
  });

  it('does not depend on where the layout sits', () => {
    const Y = clumpedLayout(5, 200, 0.2);
    const moved = Y.map((v, c) => v + (c % 2 === 0 ? 1000 : -250));
    const a = new Float64Array(400);
    const b = new Float64Array(400);
    const za = fftRepulsiveForces(makeFftRepulsion(200), Y, 200, a);
    const zb = fftRepulsiveForces(makeFftRepulsion(200), moved, 200, b);
    expect(zb).toBeCloseTo(za, 6);
    expect(relativeError(b, a)).toBeLessThan(1e-9);
  });

  it('keeps the kernel spectrum while the layout grows a little, and replaces it when the grid changes', () => {
    const Y = clumpedLayout(6, 300, 0.2);
    const state = makeFftRepulsion(300);
    const out = new Float64Array(600);
    fftRepulsiveForces(state, Y, 300, out);
    const kernel = state.kernel;
    fftRepulsiveForces(
      state,
      Y.map((v) => v * 1.001),
      300,
      out,
    );
    expect(state.kernel).toBe(kernel);
    fftRepulsiveForces(
      state,
      Y.map((v) => v * 3),
      300,
      out,
    );
    expect(state.kernel).not.toBe(kernel);
  });

  it('handles a single point and coincident points', () => {
    const out = new Float64Array(2);
    expect(fftRepulsiveForces(makeFftRepulsion(1), Float64Array.of(3, 4), 1, out)).toBeCloseTo(0, 9);
    expect(Math.abs(out[0]!)).toBeLessThan(1e-9);
    const same = new Float64Array(20).fill(2);
    const forces = new Float64Array(20);
    // Ten coincident points: each pair has w = 1, so Z = 10 · 9.
    expect(fftRepulsiveForces(makeFftRepulsion(10), same, 10, forces)).toBeCloseTo(90, 6);
    expect(forces.every((f) => Math.abs(f) < 1e-9)).toBe(true);
  });
});

describe('fftGridSize', () => {
  it('is the smallest power of two whose zero-padded grid holds the extent in boxes', () => {
    expect(fftGridSize(0, 1)).toBe(16);
    // 16 holds ⌊16 / 6⌋ = 2 boxes, 32 holds 5, 64 holds 10, 128 holds 21.
    expect(fftGridSize(2, 1)).toBe(16);
    expect(fftGridSize(2.5, 1)).toBe(32);
    expect(fftGridSize(10, 1)).toBe(64);
    expect(fftGridSize(10.5, 1)).toBe(128);
    expect(fftGridSize(10.5, 2)).toBe(64);
  });
});
