// Builds small but realistic run metadata and epoch payloads for store and route tests.
import type { EpochRecord, LayerName, Phase, RunMeta } from '../../core/protocol.ts';
import type { NetworkBoundaryAbstraction, NetworkLayerAbstraction } from '../../core/network-protocol.ts';
import type { InstanceProjection } from '../../core/instances-protocol.ts';
import type { LayerWeights } from '../../store/schema/tables.ts';

export function runMeta(id: string, overrides: Partial<RunMeta> = {}): RunMeta {
  const now = Date.now();
  return {
    id,
    status: 'running',
    configName: 'fixture',
    backend: 'cpu',
    createdAt: now,
    updatedAt: now,
    lastEpoch: null,
    config: { name: 'fixture' },
    classNames: ['0', '1', '2'],
    datasetSizes: { sourceTrain: 12, sourceValidation: 6, targetTrain: 12, targetValidation: 6 },
    seed: 1,
    plannedEpochs: { source: 2, target: 2 },
    layers: [],
    finishedAt: null,
    error: null,
    ...overrides,
  };
}

export function epochRecord(phase: Phase, epoch: number, step: number, acc = 0.5): EpochRecord {
  return {
    phase,
    epoch,
    step,
    loss: 1 / step,
    accSourceTrain: acc,
    accTargetTrain: acc / 2,
    accSourceValidation: acc,
    accTargetValidation: acc / 2,
    trainSeconds: 1,
    trainImagesPerSecond: 12,
    checkpoint: false,
    committedAt: 0,
  };
}

export function layerWeights(layer: LayerWeights['layer'], size: number, fill: number): LayerWeights {
  return {
    layer,
    kernelShape: [size, 2],
    kernel: Float32Array.from({ length: size * 2 }, (_, i) => fill + i / 1000),
    bias: new Float32Array(2).fill(fill),
  };
}

/** A network layer abstraction with the given important target neurons and everything else empty. */
export function networkLayer(layer: NetworkLayerAbstraction['layer'], importantNeurons: number[], neurons = 8): NetworkLayerAbstraction {
  const empty = { min: -1, max: 1, counts: [0] };
  return {
    layer,
    sourceNeurons: neurons,
    targetNeurons: neurons,
    importantNeurons,
    summedRanks: importantNeurons.map(() => 0),
    importantSourceNeurons: [],
    sourceSummedRanks: [],
    mostSimilarSource: [],
    mostSimilarValue: [],
    importantSimilarity: [],
    similarityRegions: { importantSourceOther: empty, otherSourceImportant: empty, otherOther: empty },
    similarSources: [],
    similarTargets: [],
  };
}

/** A boundary whose important target weights are `weights` (from, to), everything else empty. */
export function networkBoundary(fromLayer: LayerName, toLayer: LayerName, weights: [number, number][]): NetworkBoundaryAbstraction {
  return {
    fromLayer,
    toLayer,
    target: { from: weights.map((w) => w[0]), to: weights.map((w) => w[1]), count: weights.map(() => 1) },
    source: { from: [], to: [], count: [] },
    inheritance: { sourceFrom: [], sourceTo: [], fromSimilarity: [], toSimilarity: [], inherited: [] },
    regions: { fromImportant: [], toImportant: [], otherOther: { min: 0, max: 1, counts: [0], weights: 0, important: 0, inherited: 0 }, levelRange: [0, 0] },
  };
}

/** A stored instance layout of given rows and points, with the t-SNE settings the job records filled in. */
export function instanceProjection(
  rows: Pick<InstanceProjection, 'count' | 'domain' | 'index' | 'label' | 'predicted' | 'x' | 'y' | 'layer' | 'activationDimensions'>,
): InstanceProjection {
  return {
    ...rows,
    principalDimensions: 8,
    capturedVariance: 1,
    perClassCap: 1500,
    perplexity: 40,
    learningRate: 100,
    k: 15,
    neighbourPreservation: 0.7,
    meanDisplacement: null,
    previousCheckpoint: null,
    warmStartedFrom: null,
    seconds: 1,
    layoutSeconds: 1,
  };
}
