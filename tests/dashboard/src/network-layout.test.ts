import { describe, expect, test } from 'vitest';
import { layoutNetwork, NETWORK_GEOMETRY as G } from '../../../dashboard/src/network-layout.ts';
import type { SimilarityMatrix, WeightLink } from '../../../dashboard/src/network-model.ts';

const matrix = (targets: number[], sources: number[]): SimilarityMatrix => ({
  targets, sources, values: sources.map(() => targets.map(() => 1)),
});
const link = (from: number, to: number): WeightLink => ({ from, to, count: 1, inherited: false, sourceFrom: -1, sourceTo: -1 });

describe('layoutNetwork', () => {
  const layout = layoutNetwork(
    [{ layer: 'conv1', matrix: matrix([4, 1], [0]) }, { layer: 'conv2', matrix: matrix([3], [2, 5]) }, { layer: 'conv3', matrix: matrix([0, 1, 2], [1]) }],
    [[link(4, 3), link(9, 3)], [link(3, 8)]],
  );

  test('alternates matrices above and below the band, target axes facing it', () => {
    const [a, b, c] = layout.matrices;
    expect([a!.above, b!.above, c!.above]).toEqual([true, false, true]);
    expect(a!.y + a!.height).toBe(a!.axisY);
    expect(b!.y).toBe(b!.axisY);
    expect(b!.axisY - a!.axisY).toBe(G.band);
  });

  test('steps right along the diagonal without overlapping a matrix on the same side', () => {
    const [a, b, c] = layout.matrices;
    expect(b!.x).toBeGreaterThan(a!.x);
    expect(c!.x).toBeGreaterThanOrEqual(a!.x + a!.axisWidth);
    expect(layout.width).toBeGreaterThanOrEqual(c!.x + c!.axisWidth);
  });

  test('weight ends that are not important get extra slots, so every link has both ends', () => {
    const [a, b, c] = layout.matrices;
    expect(a!.targetAxis.map((s) => [s.neuron, s.column])).toEqual([[4, 0], [1, 1], [9, -1]]);
    expect(b!.targetAxis.map((s) => s.neuron)).toEqual([3]);
    expect(c!.targetAxis.map((s) => [s.neuron, s.column])).toEqual([[0, 0], [1, 1], [2, 2], [8, -1]]);
    expect(layout.links).toHaveLength(3);
    const first = layout.links[0]!;
    expect(first).toMatchObject({ fromMatrix: 0, x1: a!.targetAxis[0]!.x, y1: a!.linkY, x2: b!.targetAxis[0]!.x, y2: b!.linkY });
  });

  test('empty input gives an empty layout', () => {
    expect(layoutNetwork([], [])).toMatchObject({ matrices: [], links: [] });
  });
});
