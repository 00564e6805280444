// One training phase's settings, including the fine-tuning knobs users vary between runs:
// per-layer-group learning rates, frozen leading layers, augmentation.
import { TransferscopeError } from '../core/errors.ts';
import { fail, readBoolean, readNumber, readObject, rejectUnknown, type Json } from './config-read.ts';

/** Keys of `learningRates`: a layer group ('conv', 'fc') or one monitored layer's name; a layer's own entry wins. */
export type LearningRateKey = string;

export interface PhaseConfig {
  epochs: number;
  batchSize: number;
  /** Adam's learning rate for every layer without an entry in `learningRates`. */
  learningRate: number;
  /** Per group ('conv' = every monitored convolution, 'fc' = every monitored dense layer) or per layer; empty when not set. */
  learningRates: Partial<Record<LearningRateKey, number>>;
  /** The first n monitored layers keep their weights (0 = train all); each with the layers it owns (its batch norm). */
  freezeLayers: number;
  /** Random crops (and flips where the domain allows) of training images; evaluation never augments. */
  augment: boolean;
}

const PHASE_FIELDS = ['epochs', 'batchSize', 'learningRate', 'learningRates', 'freezeLayers', 'augment'];
// A layer name as tfjs-layers and Keras write them; anything else cannot name a layer.
const LAYER_NAME = /^[A-Za-z0-9_./-]{1,100}$/;

/**
 * Reads `phases.<key>`. With `layers` (a built-in model whose monitored layers are known without building it, AlexNet)
 * layer names and `freezeLayers` are checked here; otherwise `checkPhaseLayers` checks them against the built model.
 */
export function readPhase(obj: Json, key: 'source' | 'target', file: string, layers?: readonly string[]): PhaseConfig {
  const p = readObject(obj, key, 'phases.', file);
  const path = `phases.${key}.`;
  rejectUnknown(p, PHASE_FIELDS, path, file);
  const learningRates: PhaseConfig['learningRates'] = {};
  if (p.learningRates !== undefined) {
    const rates = readObject(p, 'learningRates', path, file);
    for (const name of Object.keys(rates)) {
      const known = layers ? name === 'conv' || name === 'fc' || layers.includes(name) : LAYER_NAME.test(name);
      if (!known) {
        fail(file, `'${path}learningRates' has key '${name}'; use 'conv', 'fc' or a monitored layer's name${layers ? ` (${layers.join(', ')})` : ''}.`);
      }
      learningRates[name] = readNumber(rates, name, `${path}learningRates.`, file, { min: 0, max: 10 });
    }
  }
  return {
    epochs: readNumber(p, 'epochs', path, file, { int: true, min: 1, max: 1000 }),
    batchSize: readNumber(p, 'batchSize', path, file, { int: true, min: 1, max: 4096, fallback: 64 }),
    learningRate: readNumber(p, 'learningRate', path, file, { min: 1e-7, max: 10 }),
    learningRates,
    freezeLayers: readNumber(p, 'freezeLayers', path, file, { int: true, min: 0, max: (layers?.length ?? 10_000) - 1, fallback: 0 }),
    augment: readBoolean(p, 'augment', path, file, false),
  };
}

/** The learning rate of monitored layer `layer` of `group`: its own entry, else its group's, else the phase's. */
export function layerLearningRate(phase: PhaseConfig, layer: string, group: 'conv' | 'fc'): number {
  return phase.learningRates[layer] ?? phase.learningRates[group] ?? phase.learningRate;
}

/**
 * Throws INVALID_CONFIG unless every `learningRates` key of both phases is 'conv', 'fc' or one of `monitored`, and
 * `freezeLayers` leaves at least one monitored layer to train: the check `readPhase` cannot make for a model it
 * has not built.
 */
export function checkPhaseLayers(phases: Record<'source' | 'target', PhaseConfig>, monitored: readonly string[]): void {
  for (const [key, phase] of Object.entries(phases)) {
    const stray = Object.keys(phase.learningRates).find((name) => name !== 'conv' && name !== 'fc' && !monitored.includes(name));
    if (stray !== undefined) {
      throw new TransferscopeError(
        'INVALID_CONFIG',
        `Invalid config: 'phases.${key}.learningRates' has key '${stray}', which is not a monitored layer; use 'conv', 'fc' or one of ${monitored.join(', ')}.`,
      );
    }
    if (phase.freezeLayers >= monitored.length) {
      throw new TransferscopeError(
        'INVALID_CONFIG',
        `Invalid config: 'phases.${key}.freezeLayers' is ${phase.freezeLayers}, but the model has ${monitored.length} monitored layers; freeze at most ${monitored.length - 1}.`,
      );
    }
  }
}
