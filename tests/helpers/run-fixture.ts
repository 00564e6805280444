// Builds small but realistic run metadata and epoch payloads for store and route tests.
import type { EpochRecord, Phase, RunMeta } from '../../monitor/protocol.ts';
import type { LayerWeights } from '../../monitor/schema/tables.ts';

export function runMeta(id: string, overrides: Partial<RunMeta> = {}): RunMeta {
  const now = Date.now();
  return {
    id, status: 'running', configName: 'fixture', backend: 'cpu', createdAt: now, updatedAt: now, lastEpoch: null,
    config: { name: 'fixture' }, classNames: ['0', '1', '2'],
    datasetSizes: { sourceTrain: 12, sourceValidation: 6, targetTrain: 12, targetValidation: 6 },
    seed: 1, plannedEpochs: { source: 2, target: 2 }, layers: [], finishedAt: null, error: null,
    ...overrides,
  };
}

export function epochRecord(phase: Phase, epoch: number, step: number, acc = 0.5): EpochRecord {
  return {
    phase, epoch, step, loss: 1 / step, accSourceTrain: acc, accTargetTrain: acc / 2,
    accSourceValidation: acc, accTargetValidation: acc / 2, trainSeconds: 1, trainImagesPerSecond: 12,
    checkpoint: false, committedAt: 0,
  };
}

export function layerWeights(layer: LayerWeights['layer'], size: number, fill: number): LayerWeights {
  return {
    layer, kernelShape: [size, 2], kernel: Float32Array.from({ length: size * 2 }, (_, i) => fill + i / 1000),
    bias: new Float32Array(2).fill(fill),
  };
}
