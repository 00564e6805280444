import { describe, expect, test } from 'vitest';
import type { EpochRecord } from '../../../monitor/protocol.ts';
import type { NetworkBoundaryAbstraction, NetworkLayerAbstraction } from '../../../monitor/network-protocol.ts';
import { epochRecord } from '../../helpers/run-fixture.ts';
import {
  layerSummary, mostSimilarSources, networkTarget, similarityFill, similarityMatrix, similarityRow, topWeightLinks,
} from '../../../dashboard/src/network-model.ts';

const checkpoint = (record: EpochRecord): EpochRecord => ({ ...record, checkpoint: true });

// source 1 (ckpt), source 2, source 3 (ckpt), target 1, target 2 (ckpt)
const epochs = [
  checkpoint(epochRecord('source', 1, 1)), epochRecord('source', 2, 2), checkpoint(epochRecord('source', 3, 3)),
  epochRecord('target', 1, 4), checkpoint(epochRecord('target', 2, 5)),
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

// 4 source neurons; important target neurons 7 and 2. Row 0 is closest to source 3, row 1 to source 1.
const layer: NetworkLayerAbstraction = {
  layer: 'conv2', sourceNeurons: 4, targetNeurons: 8, importantNeurons: [7, 2], summedRanks: [1, 2],
  mostSimilarSource: [], mostSimilarValue: [],
  importantSimilarity: [0.1, 0.2, -0.5, 0.9, 0.3, 0.8, 0.8, 0.0],
};

describe('similarity matrix', () => {
  test('rows of S belong to the important neurons', () => {
    expect(similarityRow(layer, 1)).toEqual([0.3, 0.8, 0.8, 0.0]);
  });

  test('keeps only the source neurons that are some important neuron\'s most similar', () => {
    expect(similarityMatrix(layer)).toEqual({ targets: [7, 2], sources: [1, 3], values: [[0.2, 0.8], [0.9, 0.0]] });
  });

  test('most similar sources: highest first, ties by index, at most k', () => {
    expect(mostSimilarSources(layer, 1, 3)).toEqual([
      { neuron: 1, similarity: 0.8 }, { neuron: 2, similarity: 0.8 }, { neuron: 0, similarity: 0.3 },
    ]);
    expect(mostSimilarSources(layer, 0)).toHaveLength(4);
  });
});

const boundary: NetworkBoundaryAbstraction = {
  fromLayer: 'conv1', toLayer: 'conv2',
  target: { from: [5, 1, 3, 4], to: [9, 7, 2, 6], count: [2, 2, 5, 1] },
  source: { from: [], to: [], count: [] },
  inheritance: { sourceFrom: [5, 1, 3, -1], sourceTo: [9, 7, 2, -1], fromSimilarity: [1, 1, 1, 0], toSimilarity: [1, 1, 1, 0], inherited: [false, true, true, false] },
};

describe('weights and summaries', () => {
  test('top links by count, then those between important neurons', () => {
    const links = topWeightLinks(boundary, 3, { from: new Set([1]), to: new Set([7]) });
    expect(links.map((l) => [l.from, l.to, l.count, l.inherited])).toEqual([[3, 2, 5, true], [1, 7, 2, true], [5, 9, 2, false]]);
  });

  test('summary: count, mean best similarity, inherited share of the incoming weights', () => {
    expect(layerSummary(layer, boundary)).toEqual({ importantCount: 2, meanBestSimilarity: expect.closeTo(0.85, 10), inheritedShare: 0.5 });
    expect(layerSummary({ ...layer, importantNeurons: [], importantSimilarity: [] }, undefined))
      .toEqual({ importantCount: 0, meanBestSimilarity: null, inheritedShare: null });
  });

  test('similarity fill is white at or below 0 and darkest at 1', () => {
    expect(similarityFill(-0.4)).toBe('rgb(250, 250, 250)');
    expect(similarityFill(1)).toBe('rgb(45, 55, 72)');
  });
});
