// One training phase's settings, including the fine-tuning knobs users vary between runs:
// per-layer-group learning rates, frozen leading layers, augmentation.
import type { LayerName } from '../core/protocol.ts';
import { ALEXNET_LAYERS } from './alexnet-layers.ts';
import { fail, readBoolean, readNumber, readObject, rejectUnknown, type Json } from './config-read.ts';

/** Keys of `learningRates`: a layer group or one layer; a layer's own entry wins over its group's. */
export type LearningRateKey = 'conv' | 'fc' | LayerName;
const RATE_KEYS: readonly LearningRateKey[] = ['conv', 'fc', ...ALEXNET_LAYERS];

export interface PhaseConfig {
  epochs: number;
  batchSize: number;
  /** Adam's learning rate for every layer without an entry in `learningRates`. */
  learningRate: number;
  /** Per group ('conv' = conv1..conv5, 'fc' = fc6..fc8) or per layer; empty when not set. */
  learningRates: Partial<Record<LearningRateKey, number>>;
  /** The first n of the eight layers keep their weights (0 = train all). */
  freezeLayers: number;
  /** Random crops (and flips where the domain allows) of training images; evaluation never augments. */
  augment: boolean;
}

const PHASE_FIELDS = ['epochs', 'batchSize', 'learningRate', 'learningRates', 'freezeLayers', 'augment'];

export function readPhase(obj: Json, key: 'source' | 'target', file: string): PhaseConfig {
  const p = readObject(obj, key, 'phases.', file);
  const path = `phases.${key}.`;
  rejectUnknown(p, PHASE_FIELDS, path, file);
  const learningRates: PhaseConfig['learningRates'] = {};
  if (p.learningRates !== undefined) {
    const rates = readObject(p, 'learningRates', path, file);
    for (const name of Object.keys(rates)) {
      if (!(RATE_KEYS as readonly string[]).includes(name)) {
        fail(file, `'${path}learningRates' has key '${name}'; use 'conv', 'fc' or a layer name (${ALEXNET_LAYERS.join(', ')}).`);
      }
      learningRates[name as LearningRateKey] = readNumber(rates, name, `${path}learningRates.`, file, { min: 0, max: 10 });
    }
  }
  return {
    epochs: readNumber(p, 'epochs', path, file, { int: true, min: 1, max: 1000 }),
    batchSize: readNumber(p, 'batchSize', path, file, { int: true, min: 1, max: 4096, fallback: 64 }),
    learningRate: readNumber(p, 'learningRate', path, file, { min: 1e-7, max: 10 }),
    learningRates,
    freezeLayers: readNumber(p, 'freezeLayers', path, file, { int: true, min: 0, max: ALEXNET_LAYERS.length - 1, fallback: 0 }),
    augment: readBoolean(p, 'augment', path, file, false),
  };
}

/** The learning rate of `layer` in a phase: its own entry, else its group's, else the phase's. */
export function layerLearningRate(phase: PhaseConfig, layer: LayerName): number {
  const group = layer.startsWith('conv') ? 'conv' : 'fc';
  return phase.learningRates[layer] ?? phase.learningRates[group] ?? phase.learningRate;
}
