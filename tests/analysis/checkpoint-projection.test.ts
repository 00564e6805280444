import { beforeAll, describe, expect, it } from 'vitest';
import { procrustes } from '../../lib/procrustes/index.ts';
import { projectCheckpoint, projectCheckpoints, type CheckpointProjection } from '../../analysis/checkpoint-projection.ts';
import { gaussianClusters, perturbed } from '../lib/tsne/tsne-fixtures.ts';

describe('projectCheckpoints', () => {
  const { data, d, n, labels } = gaussianClusters(12, 240, 30, 4, 1.5);
  // Checkpoint 2: the model has moved cluster 0 most of the way onto cluster 1, so the two merge; clusters 2
  // and 3 only jitter.
  const mean = (c: number) => {
    const m = new Float64Array(d);
    for (let i = c; i < n; i += 4) {
      for (let t = 0; t < d; t++) {
        m[t] = m[t]! + data[i * d + t]! / (n / 4);
      }
    }
    return m;
  };
  const [c0, c1] = [mean(0), mean(1)];
  const second = perturbed(data, 1, 0.2);
  const third = perturbed(data, 2, 0.2).map((x, e) => (labels[Math.floor(e / d)] === 0 ? x + 0.8 * (c1[e % d]! - c0[e % d]!) : x));
  let projections: CheckpointProjection[];
  beforeAll(() => {
    projections = projectCheckpoints([data, second, third], d, { perplexity: 20 });
  });

  it('scores every checkpoint and measures movement from the second on', () => {
    expect(projections).toHaveLength(3);
    expect(projections[0]!.meanDisplacement).toBeNull();
    for (const p of projections) {
      expect(p.layout).toHaveLength(2 * n);
      expect(p.neighbourPreservation).toBeGreaterThan(0.3);
      expect(p.neighbourPreservation).toBeLessThanOrEqual(1);
    }
  });

  it('returns layouts already aligned to the previous one', () => {
    const fit = procrustes(projections[0]!.layout, projections[1]!.layout);
    expect(fit.scale).toBeCloseTo(1, 6);
    expect(fit.matrix[0]).toBeCloseTo(1, 6);
    expect(Math.abs(fit.translation[0]) + Math.abs(fit.translation[1])).toBeLessThan(1e-3);
  });

  it('barely moves unchanged structure, and moves the clusters the model merged', () => {
    const [a, b, c] = projections.map((p) => p.layout);
    const spread = Math.sqrt(a!.reduce((s, v) => s + v * v, 0) / n);
    expect(projections[1]!.meanDisplacement!).toBeLessThan(0.15 * spread);
    const moved = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      moved[labels[i]!]! += Math.hypot(c![2 * i]! - b![2 * i]!, c![2 * i + 1]! - b![2 * i + 1]!) / (n / 4);
    }
    const still = Math.max(moved[2]!, moved[3]!);
    expect(still).toBeLessThan(0.15 * spread);
    expect(Math.min(moved[0]!, moved[1]!)).toBeGreaterThan(3 * still);
  });

  it('gives nothing for no checkpoints and rejects a previous layout of other instances', () => {
    expect(projectCheckpoints([], d)).toEqual([]);
    expect(() => projectCheckpoint(data, d, new Float32Array(10))).toThrow(/init has 10 values for 240 points/);
  });
});

describe('projectCheckpoint with principal coordinates', () => {
  const { data, d, n } = gaussianClusters(5, 300, 120, 5, 1.5);

  it('computes affinities in the reduced space and scores against the full one', () => {
    const full = projectCheckpoint(data, d, null, { perplexity: 20 });
    const reduced = projectCheckpoint(data, d, null, { perplexity: 20, principalDimensions: 30 });
    expect(full.dimensions).toBe(d);
    expect(full.capturedVariance).toBe(1);
    expect(reduced.dimensions).toBe(30);
    expect(reduced.capturedVariance).toBeGreaterThan(0.3);
    expect(reduced.capturedVariance).toBeLessThan(1);
    expect(reduced.layout).toHaveLength(2 * n);
    // Both scored against the full activations; the clusters dominate the reduced space, so little is lost.
    expect(reduced.neighbourPreservation).toBeGreaterThan(0.8 * full.neighbourPreservation);
    expect(reduced.neighbourPreservation).toBeLessThanOrEqual(1);
  });

  it('reduces nothing when principalDimensions >= d', () => {
    const p = projectCheckpoint(data, d, null, { perplexity: 20, principalDimensions: 500, iterations: 50 });
    expect(p.dimensions).toBe(d);
  });
});
