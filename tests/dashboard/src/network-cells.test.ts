import { describe, expect, test } from 'vitest';
import type { NetworkBoundaryAbstraction, NetworkLayerAbstraction } from '../../../core/network-protocol.ts';
import { cellAt, cellOrigin, cellTitle, type CellHit, type NetworkCellsInput } from '../../../dashboard/src/network-cells.ts';
import { layoutNetwork, NETWORK_GEOMETRY as G } from '../../../dashboard/src/network-layout.ts';

const emptyHistogram = { min: -1, max: 1, counts: [0, 0] };
// conv1: important target neurons 1, 3 and source neurons 4, 0; S[source position, target position] row-major.
const conv1: NetworkLayerAbstraction = {
  layer: 'conv1',
  sourceNeurons: 6,
  targetNeurons: 6,
  importantNeurons: [1, 3],
  summedRanks: [1, 2],
  importantSourceNeurons: [4, 0],
  sourceSummedRanks: [1, 2],
  mostSimilarSource: [],
  mostSimilarValue: [],
  importantSimilarity: [0.1, 0.2, 0.3, 0.4],
  similarityRegions: { importantSourceOther: emptyHistogram, otherSourceImportant: emptyHistogram, otherOther: emptyHistogram },
  similarSources: [],
  similarTargets: [],
};
const conv2: NetworkLayerAbstraction = {
  ...conv1,
  layer: 'conv2',
  importantNeurons: [7, 2, 5],
  summedRanks: [1, 2, 3],
  importantSimilarity: [0, 0, 0, 0, 0, 0],
};
const boundary: NetworkBoundaryAbstraction = {
  fromLayer: 'conv1',
  toLayer: 'conv2',
  target: { from: [3, 1], to: [2, 9], count: [5, 1] },
  source: { from: [3], to: [2], count: [4] },
  inheritance: { sourceFrom: [3, -1], sourceTo: [2, -1], fromSimilarity: [1, 0], toSimilarity: [1, 0], inherited: [true, false] },
  regions: { fromImportant: [], toImportant: [], levelRange: [0, 1], otherOther: { min: 0, max: 1, counts: [0], weights: 0, important: 0, inherited: 0 } },
};
const layout = layoutNetwork(
  [conv1, conv2].map((l) => ({ layer: l.layer, importantSource: l.importantSourceNeurons, importantTarget: l.importantNeurons })),
  true,
);
const input: NetworkCellsInput = { layout, layers: [conv1, conv2], boundaries: [boundary], showSource: true, selectedWeight: null };

describe('the cell under a point of the network diagram', () => {
  test('every painted cell is found at each of its pixels, and its origin is where it is painted', () => {
    const hits: CellHit[] = [
      ...layout.matrices.flatMap((m) =>
        m.rows.neurons.flatMap((_, row) => m.columns.neurons.map((_, column): CellHit => ({ kind: 'matrix', matrix: m.index, row, column }))),
      ),
      ...layout.weights.flatMap((w) => {
        const [fromAxis, toAxis] = w.rowsAreFrom ? [w.rows, w.columns] : [w.columns, w.rows];
        return fromAxis.neurons.flatMap((_, from) => toAxis.neurons.map((_, to): CellHit => ({ kind: 'weight', boundary: w.index, from, to })));
      }),
    ];
    expect(hits).toHaveLength(2 * 2 + 3 * 2 + 2 * 3);
    for (const hit of hits) {
      const origin = cellOrigin(layout, hit)!;
      for (const [dx, dy] of [
        [0, 0],
        [G.cell - 0.5, G.cell - 0.5],
      ] as const) {
        expect(cellAt(layout, origin.x + dx, origin.y + dy)).toEqual(hit);
      }
    }
  });

  test('nothing in the lanes, the strips of the other neurons and the margins', () => {
    const m0 = layout.matrices[0]!;
    expect(cellAt(layout, 0, 0)).toBeNull();
    expect(cellAt(layout, m0.columns.start - 1, m0.rows.start)).toBeNull();
    expect(cellAt(layout, m0.columns.stripStart + 1, m0.rows.start + 1)).toBeNull();
    expect(cellAt(layout, layout.width - 1, layout.height - 1)).toBeNull();
  });

  test("tooltips name a matrix cell's neurons and similarity, and a weight's ends, count and inheritance", () => {
    // conv1 is transposed: rows are target neurons, columns source neurons; S[source 0 (position 1), target 3 (position 1)] = 0.4.
    expect(cellTitle(input, { kind: 'matrix', matrix: 0, row: 1, column: 1 })).toBe(
      'conv1: source neuron 0 vs target neuron 3 (both important)\nsimilarity 0.400',
    );
    // conv1 3 -> conv2 2: from position 1, to position 1.
    expect(cellTitle(input, { kind: 'weight', boundary: 0, from: 1, to: 1 })).toBe(
      'conv1 3 → conv2 2\nimportant target weight: 5 instances, inherited from source 3 → 2\nimportant in the source model too\nclick for its weight map',
    );
    expect(cellTitle({ ...input, showSource: false }, { kind: 'weight', boundary: 0, from: 0, to: 0 })).toBe(
      'conv1 1 → conv2 7\nnot an important target weight\nclick for its weight map',
    );
  });
});
