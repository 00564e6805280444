// The network abstraction of one checkpoint (paper §5.3, Figure 3): rebuilds the source and the target
// model from stored weights, attributes both on the same target instances, and reduces everything to
// the plain-number shape of core/network-protocol.ts. No tensor outlives a call.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../../core/errors.ts';
import type { LayerName } from '../../core/protocol.ts';
import type { LayerWeights, StoredConductance } from '../../store/schema/tables.ts';
import type { NetworkAbstraction, NetworkClassAbstraction } from '../../core/network-protocol.ts';
import { importantWeights, type WeightBoundary } from '../important-weights.ts';
import type { InstanceMatrix } from '../network-matrix.ts';
import { ALEXNET_LAYERS, buildAlexNet } from '../../trainer/alexnet.ts';
import type { ModelVariant } from '../../trainer/config.ts';
import { layerActivations, type LayerActivation } from '../attribution/activations.ts';
import { layerConductance } from '../attribution/layer-conductance.ts';
import { checkedConductance } from '../attribution/checked-conductance.ts';
import type { StepSchedule } from '../../core/network-protocol.ts';
import { abstractBoundary, abstractLayer } from '../network-layers.ts';
import { firstPerClass } from './first-per-class.ts';
import { modelLayers, type RunLayers } from '../run-layers.ts';

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
  /** The monitored layers and their links (default AlexNet's conv1..fc8, every pair direct); `build`'s model has them. */
  layers?: RunLayers;
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
 * Per class c and monitored layer i: each model's important neurons (from its own conductances on the target instances
 * of c, attributed to logit c), S_{c,i} between source and target neurons (conductances of both models on
 * those instances) split into its four regions, the important weights of both models between consecutive
 * layers where the link is direct (from each model's own activations on those instances: the input of the
 * second layer), which target weights were inherited, and the target weights' regions by importance of their
 * ends. Pairs that are not direct get no boundary (`links` says why). A class without instances gets empty lists.
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
  const monitored = options.layers ?? modelLayers(null);
  const direct = monitored.links.filter((link) => link.direct);
  const attributed = { layers: monitored.layers, readers: direct.map((link) => link.toLayer) };
  const check = options.check ?? null;
  const schedules: StepSchedule[] = [];
  const source = await attribute(build, variant, input.sourceWeights, subset, targets, { steps, check, schedules }, attributed, conductances('source'));
  const target = await attribute(build, variant, input.targetWeights, subset, targets, { steps, check, schedules }, attributed, conductances('target'));
  const weights = { source: byLayer(input.sourceWeights), target: byLayer(input.targetWeights) };

  let offset = 0;
  const classes = byClass.map((instances, classIndex): NetworkClassAbstraction => {
    const rows = Int32Array.from(instances, (_, j) => offset + j);
    offset += instances.length;
    const layers = new Map(
      monitored.layers.map((name) => [name, abstractLayer(name, conductanceMatrix(source, name), conductanceMatrix(target, name), rows)] as const),
    );
    const boundaries = direct.map(({ fromLayer, toLayer }) => {
      const neurons = layers.get(fromLayer)!.abstraction.targetNeurons;
      const targetWeights = importantWeights(weightBoundary(weights.target, neurons, toLayer), readerMatrix(target, toLayer), { rows });
      const sourceWeights = importantWeights(weightBoundary(weights.source, neurons, toLayer), readerMatrix(source, toLayer), { rows });
      return abstractBoundary(layers.get(fromLayer)!, layers.get(toLayer)!, targetWeights, sourceWeights);
    });
    return { classIndex, instances, layers: [...layers.values()].map((l) => l.abstraction), boundaries };
  });
  const schedule = check ? mergedSchedule(steps, check, schedules) : undefined;
  return {
    steps,
    maxPerClass,
    ...(schedule ? { schedule } : {}),
    seconds: (performance.now() - started) / 1000,
    classes,
    layers: [...monitored.layers],
    links: monitored.links,
  };
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
  /** Per monitored layer, by name. */
  conductance: Map<LayerName, StoredConductance>;
  count: number;
  /** Per layer whose kernel a direct link's weights are in: what that kernel reads (see `readerOf`), by that layer's name. */
  readers: Map<LayerName, LayerActivation>;
}

/**
 * Conductances (towards each instance's own class, through `conductances`) of the monitored layers of one model on
 * the selected images, and the activations each of `readers` reads. Throws INTERNAL when supplied conductances do not
 * fit the model and images.
 */
async function attribute(
  build: (weights: LayerWeights[]) => Promise<tfl.LayersModel>,
  variant: ModelVariant,
  weights: LayerWeights[],
  images: Float32Array,
  targets: Int32Array,
  integration: { steps: number; check: { steps: number; tolerance: number } | null; schedules: StepSchedule[] },
  attributed: { layers: readonly LayerName[]; readers: readonly LayerName[] },
  conductances: (compute: () => Promise<StoredConductance[]>) => Promise<StoredConductance[]>,
): Promise<ModelAttribution> {
  const { steps, check } = integration;
  const model = await build(weights);
  try {
    const stored = await conductances(async () => {
      const options = { steps, targets, layers: attributed.layers };
      const computed = check
        ? await checkedConductance(model, images, { ...options, checkSteps: check.steps, tolerance: check.tolerance })
        : await layerConductance(model, images, options);
      if ('schedule' in computed) {
        integration.schedules.push(computed.schedule);
      }
      return computed.layers.map(({ layer, neurons, values }) => ({ layer, neurons, values }));
    });
    const inputs = new Map(attributed.readers.map((layer) => [layer, readerOf(model, layer)]));
    // The last monitored layer stands in for `flattenLayer`, which these boundaries do not read (readers do it).
    const activations = await layerActivations(model, images, { layers: [...new Set(inputs.values())], flattenLayer: attributed.layers.at(-1) });
    const conductance = new Map(stored.map((c) => [c.layer, c]));
    const count = activations.count;
    const fits = attributed.layers.every((name) => {
      const c = conductance.get(name);
      return c !== undefined && c.values.length === count * (model.getLayer(name).outputShape as number[]).at(-1)!;
    });
    if (!fits) {
      throw new TransferscopeError(
        'INTERNAL',
        `networkAbstraction: the conductances supplied (${stored.map((c) => `${c.layer}: ${c.values.length}`).join(', ')}) do not fit ${count} instances of this ${variant}. Delete the run's stored conductances and analyse again.`,
      );
    }
    const byName = new Map(activations.layers.map((a) => [a.layer, a]));
    return { conductance, count, readers: new Map([...inputs].map(([layer, input]) => [layer, byName.get(input)!])) };
  } finally {
    model.dispose();
  }
}

/**
 * The layer whose output `layer` reads: on a direct link, the last pass-through layer before it (pooling, flatten,
 * batch norm, activation, dropout) or the previous monitored layer itself. Its output is the input the kernel of
 * `layer` multiplies, so its activations are what a weight's activated level is made of.
 */
function readerOf(model: tfl.LayersModel, layer: LayerName): LayerName {
  const inbound = model.getLayer(layer).inboundNodes[0]?.inboundLayers ?? [];
  if (inbound.length !== 1) {
    throw new TransferscopeError('INTERNAL', `networkAbstraction: layer '${layer}' reads ${inbound.length} layers; a direct link's second layer reads one.`);
  }
  return inbound[0]!.name;
}

/** A model of `variant` holding a checkpoint's weights; throws INVALID_ARGUMENT when they do not fit. Dispose it after use. */
export function modelFromWeights(variant: ModelVariant, classCount: number, layers: LayerWeights[]): tfl.LayersModel {
  const model = buildAlexNet({ variant, classCount, seed: 0 });
  const stored = byLayer(layers);
  try {
    for (const name of ALEXNET_LAYERS) {
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

function conductanceMatrix(model: ModelAttribution, layer: LayerName): InstanceMatrix {
  const c = model.conductance.get(layer)!;
  return { values: c.values, instances: model.count, neurons: c.neurons };
}

/**
 * What `importantWeights` multiplies the weights of `toLayer` by: its input per instance, each channel's map
 * reduced to its maximum (a convolution reads channels), a flattened or globally pooled vector as it is.
 */
function readerMatrix(model: ModelAttribution, toLayer: LayerName): InstanceMatrix {
  const reader = model.readers.get(toLayer)!;
  return { values: reader.pooled, instances: model.count, neurons: reader.neurons };
}

/**
 * The weights of `toLayer`'s kernel as a boundary from a layer of `fromNeurons` neurons: a convolution's
 * [kh, kw, in, out]; a dense layer over a flattened map ([positions * channels, out], e.g. conv5 -> fc6); a dense
 * layer over one value per neuron ([in, out]: dense -> dense, or after global pooling).
 */
function weightBoundary(weights: Map<LayerName, LayerWeights>, fromNeurons: number, toLayer: LayerName): WeightBoundary {
  const w = weights.get(toLayer);
  if (!w) {
    throw new TransferscopeError('INVALID_ARGUMENT', `networkAbstraction: the checkpoint has no weights for layer '${toLayer}'.`);
  }
  const shape = w.kernelShape;
  if (shape.length === 4) {
    return { kind: 'conv', kernel: w.kernel, kernelHeight: shape[0]!, kernelWidth: shape[1]!, inputs: shape[2]!, outputs: shape[3]! };
  }
  if (shape[0] !== fromNeurons) {
    return { kind: 'flatten', kernel: w.kernel, channels: fromNeurons, outputs: shape[1]! };
  }
  return { kind: 'dense', kernel: w.kernel, inputs: shape[0], outputs: shape[1]! };
}
