// The network abstraction of one checkpoint (paper §5.3, Figure 3): rebuilds the source and the target
// AlexNet from stored weights, attributes both on the same target instances, and reduces everything to
// the plain-number shape of core/network-protocol.ts. No tensor outlives a call.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../../core/errors.ts';
import { LAYER_NAMES, type LayerName } from '../../core/protocol.ts';
import type { LayerWeights, StoredConductance } from '../../store/schema/tables.ts';
import type { NetworkAbstraction, NetworkClassAbstraction } from '../../core/network-protocol.ts';
import { importantWeights, type WeightBoundary } from '../important-weights.ts';
import type { InstanceMatrix } from '../network-matrix.ts';
import { buildAlexNet } from '../../trainer/alexnet.ts';
import type { ModelVariant } from '../../trainer/config.ts';
import { layerActivations, type ActivationsResult } from '../attribution/activations.ts';
import { layerConductance } from '../attribution/layer-conductance.ts';
import { checkedConductance } from '../attribution/checked-conductance.ts';
import type { StepSchedule } from '../../core/network-protocol.ts';
import { abstractBoundary, abstractLayer } from '../network-layers.ts';
import { firstPerClass } from './first-per-class.ts';

export interface NetworkAbstractionInput {
  /** Every layer of the source model's checkpoint, as `Store.getWeights` returns it. */
  sourceWeights: LayerWeights[];
  /** Every layer of the viewed (target) checkpoint. */
  targetWeights: LayerWeights[];
  /** Target-validation images, count * H * W * 3 floats in [0, 1], NHWC. */
  images: Float32Array;
  /** Their classes, one per image. */
  labels: ArrayLike<number>;
  classCount: number;
  /** Images not to use: rows stored without pixels (see ModelInputs). */
  withoutPixels?: ReadonlySet<number>;
}

export interface NetworkAbstractionOptions {
  /**
   * Conductance integration steps (default 8). Captum's default is 50; against it, on a digits checkpoint, the
   * important neurons overlap 0.983 at 8 Gauss-Legendre steps and 0.989 at 16 (docs/decisions.md), and 8 is what
   * lets the demo's network abstraction be ready well before the next checkpoint.
   */
  steps?: number;
  /** At most this many instances per class, the first ones in split order (default 20). */
  maxPerClass?: number;
  /** Reach `steps` through a completeness check at fewer steps (analysis/attribution/checked-conductance.ts); default plain. */
  check?: { steps: number; tolerance: number } | null;
  /** Which AlexNet the weights belong to (default 'alexnet-32'). */
  variant?: ModelVariant;
  /** Rebuilds a checkpoint's model from its weights instead of `variant`'s AlexNet (a recorded run's stored model). */
  build?: (weights: LayerWeights[]) => Promise<tfl.LayersModel>;
  /**
   * Where each model's conductances come from: by default `compute()`. The network stage passes a store-backed
   * cache, since a checkpoint's conductances on these instances are the same in every abstraction it is part of.
   * `instances` (the selection's size) is part of what identifies them.
   */
  conductances?: (side: 'source' | 'target', instances: number, compute: () => Promise<StoredConductance[]>) => Promise<StoredConductance[]>;
}

/** The defaults of `steps` and `maxPerClass`. */
export const NETWORK_DEFAULTS = { steps: 8, maxPerClass: 20 } as const;

/**
 * Per class c and layer i: each model's important neurons (from its own conductances on the target instances
 * of c, attributed to logit c), S_{c,i} between source and target neurons (conductances of both models on
 * those instances) split into its four regions, the important weights of both models between consecutive
 * layers (from each model's own activations on those instances), which target weights were inherited, and
 * the target weights' regions by importance of their ends. A class without instances gets empty lists.
 */
export async function networkAbstraction(input: NetworkAbstractionInput, options: NetworkAbstractionOptions = {}): Promise<NetworkAbstraction> {
  const started = performance.now();
  const steps = options.steps ?? NETWORK_DEFAULTS.steps;
  const maxPerClass = options.maxPerClass ?? NETWORK_DEFAULTS.maxPerClass;
  if (!Number.isInteger(maxPerClass) || maxPerClass < 1) {
    throw new TransferscopeError('INVALID_ARGUMENT', `networkAbstraction needs an integer maxPerClass >= 1 (got ${maxPerClass}).`);
  }
  const { images, labels, classCount } = input;
  const pixels = labels.length === 0 ? 0 : images.length / labels.length;
  if (!Number.isInteger(pixels) || (labels.length === 0 && images.length > 0)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `networkAbstraction got ${images.length} floats for ${labels.length} labels. Pass one label per image.`);
  }
  const byClass = firstPerClass(labels, classCount, maxPerClass, input.withoutPixels);
  const selected = byClass.flat();
  const subset = new Float32Array(selected.length * pixels);
  selected.forEach((instance, j) => subset.set(images.subarray(instance * pixels, (instance + 1) * pixels), j * pixels));
  const targets = Int32Array.from(selected, (i) => labels[i]!);

  const variant = options.variant ?? 'alexnet-32';
  // One model at a time: two live AlexNets and their path batches would double peak memory.
  const conductances = (side: 'source' | 'target') => (compute: () => Promise<StoredConductance[]>) =>
    options.conductances ? options.conductances(side, selected.length, compute) : compute();
  const build = options.build ?? ((layers: LayerWeights[]) => Promise.resolve(modelFromWeights(variant, classCount, layers)));
  const check = options.check ?? null;
  const schedules: StepSchedule[] = [];
  const source = await attribute(build, variant, input.sourceWeights, subset, targets, { steps, check, schedules }, conductances('source'));
  const target = await attribute(build, variant, input.targetWeights, subset, targets, { steps, check, schedules }, conductances('target'));
  const weights = { source: byLayer(input.sourceWeights), target: byLayer(input.targetWeights) };

  let offset = 0;
  const classes = byClass.map((instances, classIndex): NetworkClassAbstraction => {
    const rows = Int32Array.from(instances, (_, j) => offset + j);
    offset += instances.length;
    const layers = LAYER_NAMES.map((name, l) => abstractLayer(name, conductanceMatrix(source, l), conductanceMatrix(target, l), rows));
    const boundaries = LAYER_NAMES.slice(0, -1).map((fromLayer, l) => {
      const toLayer = LAYER_NAMES[l + 1]!;
      const targetWeights = importantWeights(weightBoundary(weights.target, fromLayer, toLayer), activationMatrix(target.activations, l, toLayer), { rows });
      const sourceWeights = importantWeights(weightBoundary(weights.source, fromLayer, toLayer), activationMatrix(source.activations, l, toLayer), { rows });
      return abstractBoundary(layers[l]!, layers[l + 1]!, targetWeights, sourceWeights);
    });
    return { classIndex, instances, layers: layers.map((l) => l.abstraction), boundaries };
  });
  const schedule = check ? mergedSchedule(steps, check, schedules) : undefined;
  return { steps, maxPerClass, ...(schedule ? { schedule } : {}), seconds: (performance.now() - started) / 1000, classes };
}

/** The check's rule, with the instances attributed in this call (none when both models' conductances were stored). */
function mergedSchedule(steps: number, check: { steps: number; tolerance: number }, computed: StepSchedule[]): StepSchedule {
  return {
    steps,
    checkSteps: check.steps,
    tolerance: check.tolerance,
    instances: computed.reduce((n, s) => n + s.instances, 0),
    refined: computed.reduce((n, s) => n + s.refined, 0),
  };
}

interface ModelAttribution {
  conductance: StoredConductance[];
  activations: ActivationsResult;
}

/**
 * Conductances (towards each instance's own class, through `conductances`) and activations of one model on the
 * selected images. Throws INTERNAL when supplied conductances do not fit the model and images.
 */
async function attribute(
  build: (weights: LayerWeights[]) => Promise<tfl.LayersModel>,
  variant: ModelVariant,
  layers: LayerWeights[],
  images: Float32Array,
  targets: Int32Array,
  integration: { steps: number; check: { steps: number; tolerance: number } | null; schedules: StepSchedule[] },
  conductances: (compute: () => Promise<StoredConductance[]>) => Promise<StoredConductance[]>,
): Promise<ModelAttribution> {
  const { steps, check } = integration;
  const model = await build(layers);
  try {
    const conductance = await conductances(async () => {
      const computed = check
        ? await checkedConductance(model, images, { steps, checkSteps: check.steps, tolerance: check.tolerance, targets })
        : await layerConductance(model, images, { steps, targets });
      if ('schedule' in computed) {
        integration.schedules.push(computed.schedule);
      }
      return computed.layers.map(({ layer, neurons, values }) => ({ layer: layer as LayerName, neurons, values }));
    });
    const activations = await layerActivations(model, images);
    const fits =
      conductance.length === activations.layers.length &&
      conductance.every((c, l) => c.layer === activations.layers[l]!.layer && c.values.length === activations.count * activations.layers[l]!.neurons);
    if (!fits) {
      throw new TransferscopeError(
        'INTERNAL',
        `networkAbstraction: the conductances supplied (${conductance.map((c) => `${c.layer}: ${c.values.length}`).join(', ')}) do not fit ${activations.count} instances of this ${variant}. Delete the run's stored conductances and analyse again.`,
      );
    }
    return { conductance, activations };
  } finally {
    model.dispose();
  }
}

/** A model of `variant` holding a checkpoint's weights; throws INVALID_ARGUMENT when they do not fit. Dispose it after use. */
export function modelFromWeights(variant: ModelVariant, classCount: number, layers: LayerWeights[]): tfl.LayersModel {
  const model = buildAlexNet({ variant, classCount, seed: 0 });
  const stored = byLayer(layers);
  try {
    for (const name of LAYER_NAMES) {
      const w = stored.get(name);
      if (!w) {
        throw new TransferscopeError(
          'INVALID_ARGUMENT',
          `networkAbstraction: the checkpoint has no weights for layer '${name}' (got ${[...stored.keys()].join(', ')}).`,
        );
      }
      if (w.kernelShape.join() !== model.getLayer(name).getWeights()[0]?.shape.join()) {
        throw new TransferscopeError(
          'INVALID_ARGUMENT',
          `networkAbstraction: layer '${name}' of the checkpoint has kernel shape [${w.kernelShape.join(', ')}], but a ${variant} for ${classCount} classes needs [${model.getLayer(name).getWeights()[0]?.shape.join(', ')}]. Pass the run's class count and model variant.`,
        );
      }
      // setWeights copies into the layer's variables, so the temporary tensors go with the tidy.
      tf.tidy(() => model.getLayer(name).setWeights([tf.tensor(w.kernel, w.kernelShape), tf.tensor1d(w.bias)]));
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

function byLayer(layers: LayerWeights[]): Map<LayerName, LayerWeights> {
  return new Map(layers.map((w) => [w.layer, w]));
}

function conductanceMatrix(model: ModelAttribution, l: number): InstanceMatrix {
  const layer = model.conductance[l]!;
  return { values: layer.values, instances: model.activations.count, neurons: layer.neurons };
}

/** What `importantWeights` multiplies the weights into `toLayer` by: the flatten output before fc6, else layer i's pooled activations. */
function activationMatrix(result: ActivationsResult, l: number, toLayer: LayerName): InstanceMatrix {
  if (toLayer === 'fc6') {
    return { values: result.flatten, instances: result.count, neurons: result.flattenUnits };
  }
  const layer = result.layers[l]!;
  return { values: layer.pooled, instances: result.count, neurons: layer.neurons };
}

function weightBoundary(weights: Map<LayerName, LayerWeights>, fromLayer: LayerName, toLayer: LayerName): WeightBoundary {
  const w = weights.get(toLayer)!;
  const shape = w.kernelShape;
  if (shape.length === 4) {
    return { kind: 'conv', kernel: w.kernel, kernelHeight: shape[0]!, kernelWidth: shape[1]!, inputs: shape[2]!, outputs: shape[3]! };
  }
  if (toLayer === 'fc6') {
    const channels = weights.get(fromLayer)!.kernelShape.at(-1)!;
    return { kind: 'flatten', kernel: w.kernel, channels, outputs: shape[1]! };
  }
  return { kind: 'dense', kernel: w.kernel, inputs: shape[0]!, outputs: shape[1]! };
}
