import { describe, expect, test } from 'vitest';
import type { EpochRecord, LayerName } from '../../../core/protocol.ts';
import type { NetworkAbstraction, NetworkBoundaryAbstraction, NetworkClassAbstraction, NetworkLayerAbstraction } from '../../../core/network-protocol.ts';
import { epochRecord } from '../../helpers/run-fixture.ts';
import {
  classBoundary,
  classLayer,
  layerSummaries,
  layerSummary,
  networkLayerNames,
  networkLinks,
  similarityOnlyText,
  networkTarget,
  similarityFill,
  similarityMatrix,
  similarNeurons,
  weightCells,
  weightFill,
} from '../../../dashboard/src/network-model.ts';

const checkpoint = (record: EpochRecord): EpochRecord => ({ ...record, checkpoint: true });

// source 1 (ckpt), source 2, source 3 (ckpt), target 1, target 2 (ckpt)
const epochs = [
  checkpoint(epochRecord('source', 1, 1)),
  epochRecord('source', 2, 2),
  checkpoint(epochRecord('source', 3, 3)),
  epochRecord('target', 1, 4),
  checkpoint(epochRecord('target', 2, 5)),
];

describe('networkTarget', () => {
  test('shows the epoch itself when it is a checkpoint', () => {
    expect(networkTarget(epochs, epochs[4]!)).toEqual({ kind: 'checkpoint', checkpoint: epochs[4], exact: true });
  });

  test('falls back to the latest checkpoint at or before a plain epoch', () => {
    expect(networkTarget(epochs, epochs[3]!)).toEqual({ kind: 'checkpoint', checkpoint: epochs[2], exact: false });
  });

  test('the first source checkpoint has nothing to compare with', () => {
    expect(networkTarget(epochs, epochs[0]!)).toEqual({ kind: 'first-source', checkpoint: epochs[0], exact: true });
    expect(networkTarget(epochs, epochs[1]!)).toEqual({ kind: 'first-source', checkpoint: epochs[0], exact: false });
  });

  test('nothing before any checkpoint, or without an epoch', () => {
    expect(networkTarget([epochRecord('source', 1, 1)], epochRecord('source', 1, 1))).toEqual({ kind: 'none' });
    expect(networkTarget(epochs, null)).toEqual({ kind: 'none' });
  });
});

// Important target neurons 7 and 2; important source neurons 3, 1, 0 (rows of the important x important region).
const emptyHistogram = { min: -1, max: 1, counts: [0, 0] };
const layer: NetworkLayerAbstraction = {
  layer: 'conv2',
  sourceNeurons: 4,
  targetNeurons: 8,
  importantNeurons: [7, 2],
  summedRanks: [1, 2],
  importantSourceNeurons: [3, 1, 0],
  sourceSummedRanks: [3, 2, 1],
  mostSimilarSource: [0, 0, 1, 0, 0, 0, 0, 3],
  mostSimilarValue: [0, 0, 0.8, 0, 0, 0, 0, 0.9],
  importantSimilarity: [0.9, 0.0, 0.2, 0.8, 0.1, 0.3],
  similarityRegions: { importantSourceOther: emptyHistogram, otherSourceImportant: emptyHistogram, otherOther: emptyHistogram },
  similarSources: [
    { neurons: [3, 1], values: [0.9, 0.2] },
    { neurons: [1, 2], values: [0.8, 0.8] },
  ],
  similarTargets: [
    { neurons: [7], values: [0.9] },
    { neurons: [2], values: [0.8] },
    { neurons: [5], values: [0.4] },
  ],
};

describe('similarity matrix', () => {
  test('the important x important region: source rows, target columns, both in importance order', () => {
    expect(similarityMatrix(layer)).toEqual({
      sources: [3, 1, 0],
      targets: [7, 2],
      values: [
        [0.9, 0.0],
        [0.2, 0.8],
        [0.1, 0.3],
      ],
    });
  });

  test('similar neurons of the other model for an important neuron of either model', () => {
    expect(similarNeurons(layer, 'target', 1)).toEqual([
      { neuron: 1, similarity: 0.8 },
      { neuron: 2, similarity: 0.8 },
    ]);
    expect(similarNeurons(layer, 'source', 2)).toEqual([{ neuron: 5, similarity: 0.4 }]);
    expect(similarNeurons(layer, 'source', 3)).toEqual([]);
  });
});

const boundary: NetworkBoundaryAbstraction = {
  fromLayer: 'conv1',
  toLayer: 'conv2',
  target: { from: [5, 1, 3, 4], to: [9, 7, 2, 6], count: [2, 2, 5, 1] },
  source: { from: [1, 3, 0], to: [7, 7, 2], count: [4, 1, 1] },
  inheritance: {
    sourceFrom: [5, 1, 3, -1],
    sourceTo: [9, 7, 2, -1],
    fromSimilarity: [1, 1, 1, 0],
    toSimilarity: [1, 1, 1, 0],
    inherited: [false, true, true, false],
  },
  regions: {
    fromImportant: [],
    toImportant: [],
    levelRange: [0, 1],
    otherOther: { min: 0, max: 1, counts: [0], weights: 0, important: 0, inherited: 0 },
  },
};

describe('weights and summaries', () => {
  test("adjacency cells: important weights with both ends important, and the source's between the same indices", () => {
    const cells = weightCells(boundary, [1, 3], [7, 2]);
    expect(cells.target.map((c) => [c.from, c.to, c.count, c.inherited])).toEqual([
      [1, 7, 2, true],
      [3, 2, 5, true],
    ]);
    expect(cells.source).toEqual([
      { from: 1, to: 7, count: 4 },
      { from: 3, to: 7, count: 1 },
    ]);
    expect(weightCells(boundary, [], [7]).target).toEqual([]);
  });

  test('summary: count, mean best similarity, inherited share of the incoming weights', () => {
    expect(layerSummary(layer, boundary)).toEqual({ importantCount: 2, meanBestSimilarity: expect.closeTo(0.85, 10), inheritedShare: 0.5 });
    expect(layerSummary({ ...layer, importantNeurons: [], importantSimilarity: [] }, undefined)).toEqual({
      importantCount: 0,
      meanBestSimilarity: null,
      inheritedShare: null,
    });
  });

  test('similarity fill is white at or below 0 and darkest at 1; weight fill diverges around white', () => {
    expect(similarityFill(-0.4)).toBe('rgb(250, 250, 250)');
    expect(similarityFill(1)).toBe('rgb(45, 55, 72)');
    // 0.5 ** 3 = 0.125 of the way: high similarities keep the contrast.
    expect(similarityFill(0.5)).toBe('rgb(224, 226, 228)');
    expect(weightFill(0, 1)).toBe('rgb(250, 250, 250)');
    expect(weightFill(2, 2)).toBe('rgb(27, 120, 55)');
    expect(weightFill(-5, 2)).toBe('rgb(118, 42, 131)');
  });
});

describe('layers and links from the result', () => {
  const named = (name: string): LayerName => name as LayerName;
  const chain = (names: string[]): NetworkClassAbstraction => ({
    classIndex: 0,
    instances: [0],
    layers: names.map((name) => ({ ...layer, layer: named(name) })),
    boundaries: names.slice(1).map((to, i) => ({ ...boundary, fromLayer: named(names[i]!), toLayer: named(to) })),
  });
  const result = (classes: NetworkClassAbstraction[], extra: Partial<NetworkAbstraction> = {}): NetworkAbstraction => ({
    steps: 8,
    maxPerClass: 20,
    seconds: 1,
    classes,
    ...extra,
  });
  const empty: NetworkClassAbstraction = { classIndex: 1, instances: [], layers: [], boundaries: [] };

  test("the result's own layer list wins, in its order", () => {
    const layers = ['stem_conv', 'stage1_block1_conv1', 'stage1_block1_conv2', 'fc'];
    expect(networkLayerNames(result([chain(['conv1'])], { layers }))).toEqual(layers);
  });

  test('a result stored before `layers` lists the layers of its first class that has any', () => {
    expect(networkLayerNames(result([empty, chain(['conv1', 'conv2', 'fc8'])]))).toEqual(['conv1', 'conv2', 'fc8']);
    expect(networkLayerNames(result([empty]))).toEqual([]);
  });

  test('without `links` every consecutive pair is direct (a chain such as AlexNet)', () => {
    expect(networkLinks(result([]), ['conv1', 'conv2', 'conv3'])).toEqual([
      { fromLayer: 'conv1', toLayer: 'conv2', direct: true },
      { fromLayer: 'conv2', toLayer: 'conv3', direct: true },
    ]);
    expect(networkLinks(result([]), ['conv1'])).toEqual([]);
  });

  test('with `links` a pair takes its stored link, and a pair the links lack is not direct', () => {
    const shortcut = { fromLayer: 'a_conv2', toLayer: 'b_conv1', direct: false, reason: 'b_conv1 reads a_conv2 through a shortcut (Add)' };
    const stored = result([], { links: [{ fromLayer: 'a_conv1', toLayer: 'a_conv2', direct: true }, shortcut] });
    const links = networkLinks(stored, ['a_conv1', 'a_conv2', 'b_conv1', 'fc']);
    expect(links.slice(0, 2)).toEqual([{ fromLayer: 'a_conv1', toLayer: 'a_conv2', direct: true }, shortcut]);
    expect(links[2]).toMatchObject({ fromLayer: 'b_conv1', toLayer: 'fc', direct: false });
    // A range that skips layers asks about pairs that are not consecutive in the model: none is direct.
    expect(networkLinks(stored, ['a_conv1', 'b_conv1'])[0]!.direct).toBe(false);
    expect(similarityOnlyText(shortcut)).toBe('similarity only: b_conv1 reads a_conv2 through a shortcut (Add); no important weights between them');
    expect(similarityOnlyText({ fromLayer: 'x', toLayer: 'y', direct: false })).toContain("y does not read x's output directly");
  });

  test('layers and boundaries of a class are found by name, not by position', () => {
    const c = { ...chain(['conv1', 'conv2', 'conv3']), boundaries: [{ ...boundary, fromLayer: named('conv2'), toLayer: named('conv3') }] };
    expect(classLayer(c, 'conv2')?.layer).toBe('conv2');
    expect(classLayer(c, 'fc8')).toBeNull();
    expect(classBoundary(c, 'conv2', 'conv3')?.toLayer).toBe('conv3');
    expect(classBoundary(c, 'conv1', 'conv2')).toBeNull();
  });
});

describe('layerSummaries', () => {
  const named = (name: string): LayerName => name as LayerName;
  test('a row per layer; a layer fed across a shortcut has its link and no inherited share', () => {
    const c: NetworkClassAbstraction = {
      classIndex: 0,
      instances: [0],
      layers: ['a_conv1', 'a_conv2', 'b_conv1'].map((name) => ({ ...layer, layer: named(name) })),
      boundaries: [{ ...boundary, fromLayer: named('a_conv1'), toLayer: named('a_conv2') }],
    };
    const shortcut = { fromLayer: 'a_conv2', toLayer: 'b_conv1', direct: false, reason: 'b_conv1 reads a_conv2 through a shortcut (Add)' };
    const links = [{ fromLayer: 'a_conv1', toLayer: 'a_conv2', direct: true }, shortcut];
    const rows = layerSummaries({ steps: 8, maxPerClass: 20, seconds: 1, classes: [c], links }, c, ['a_conv1', 'a_conv2', 'b_conv1']);
    expect(rows.map((r) => [r.layer, r.incoming?.direct ?? null])).toEqual([
      ['a_conv1', null],
      ['a_conv2', true],
      ['b_conv1', false],
    ]);
    expect(rows[1]!.summary).toEqual(layerSummary(c.layers[1]!, c.boundaries[0]));
    expect(rows[1]!.summary.inheritedShare).not.toBeNull();
    expect(rows[2]!.incoming).toEqual(shortcut);
    expect(rows[2]!.summary.inheritedShare).toBeNull();
  });
});
