import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { meanDisplacement, neighbourPreservation, pointNeighbourPreservation, preservationFromGraph } from '../../../lib/neighbours/neighbour-preservation.ts';
import { nearestNeighbours } from '../../../lib/neighbours/neighbour-search.ts';
import { gaussianClusters } from '../tsne/tsne-fixtures.ts';

describe('neighbourPreservation', () => {
  const random = new SeededRandom(21);
  const points = Float32Array.from({ length: 2 * 500 }, () => random.normal());

  it('is 1 when the layout is the 2-D data itself, or a rotated and scaled copy', () => {
    expect(neighbourPreservation(points, 2, points)).toBe(1);
    const turned = points.map((_, c) => {
      const i = c >> 1;
      const x = points[2 * i]!;
      const y = points[2 * i + 1]!;
      return c % 2 === 0 ? 3 * (0.6 * x - 0.8 * y) + 7 : 3 * (0.8 * x + 0.6 * y) - 2;
    });
    expect(neighbourPreservation(points, 2, turned)).toBe(1);
  });

  it('is near k / n for a random layout', () => {
    const shuffled = Float32Array.from({ length: 2 * 500 }, () => random.normal());
    const score = neighbourPreservation(points, 2, shuffled, 15);
    expect(score).toBeLessThan(0.08);
    expect(score).toBeGreaterThan(0);
  });

  it('counts the shared neighbours per point', () => {
    // On a line 0, 1, 3, 7 the nearest neighbour of each is 1, 0, 1, 3; after swapping the positions of
    // points 2 and 3 they are 1, 0, 3, 1, so points 2 and 3 lose theirs.
    const line = Float32Array.of(0, 0, 1, 0, 3, 0, 7, 0);
    const swapped = Float32Array.of(0, 0, 1, 0, 7, 0, 3, 0);
    expect(Array.from(pointNeighbourPreservation(line, 2, swapped, 1))).toEqual([1, 1, 0, 0]);
  });

  it('reuses a larger high-dimensional graph, and rejects a smaller one', () => {
    const { data, d } = gaussianClusters(2, 200, 30, 4);
    const layout = Float32Array.from({ length: 400 }, () => random.normal());
    const graph = nearestNeighbours(data, d, 40);
    expect(Array.from(preservationFromGraph(graph, layout, 15))).toEqual(Array.from(pointNeighbourPreservation(data, d, layout, 15)));
    expect(() => preservationFromGraph(nearestNeighbours(data, d, 5), layout, 15)).toThrow(/at least k/);
    expect(() => neighbourPreservation(data, d, layout.subarray(2))).toThrow(/398 values for 200 points/);
  });

  it('is NaN without neighbourhoods', () => {
    expect(neighbourPreservation(new Float32Array(0), 3, new Float32Array(0))).toBeNaN();
  });
});

describe('meanDisplacement', () => {
  it('is the mean Euclidean distance between corresponding points', () => {
    expect(meanDisplacement(Float32Array.of(0, 0, 1, 1), Float32Array.of(3, 4, 1, 2))).toBe(3);
    expect(meanDisplacement(new Float32Array(0), new Float32Array(0))).toBeNaN();
    expect(() => meanDisplacement(new Float32Array(4), new Float32Array(6))).toThrow(/same instances/);
  });
});
