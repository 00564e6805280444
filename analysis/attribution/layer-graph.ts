// Runs any Layers model (a Sequential chain, or a functional graph with shortcuts and concatenations) one
// layer at a time in inference mode, so attribution code can read or perturb any named layer's output in
// the middle of a single pass instead of building sub-models; and says which layers every path crosses.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../../core/errors.ts';

/** Called with each layer's output; returns what the next layer receives (the output itself, or a probed copy). */
export type LayerTap = (layerName: string, output: tf.Tensor) => tf.Tensor;

/** A named layer's output geometry: `positions` is 1 for dense layers, H*W for NHWC convolution maps. */
export interface LayerGeometry {
  name: string;
  /** Output shape without the batch axis, e.g. [32, 32, 32] or [256]. */
  shape: number[];
  /** Channels of a convolution map, units of a dense layer: the last axis. */
  neurons: number;
  positions: number;
}

/**
 * Runs `model` on `input` in inference mode (`training: false`: dropout off, batch norm on its moving
 * statistics), layer by layer in topological order, calling `tap` after every layer; a layer's consumers
 * (shortcuts and concatenations included) receive what the tap returned. A Sequential model is its chain of
 * layers; a functional model runs its own graph of layer calls, as `model.predict` would. Stops after the
 * layer named `until` when given and returns its output. Must be called inside `tf.tidy` (or a gradient
 * function): intermediates are not disposed here. Layers with several outputs are not tapped.
 */
export function runGraph(model: tfl.LayersModel, input: tf.Tensor, tap?: LayerTap, until?: string): tf.Tensor {
  const calls = layerCalls(model);
  if (calls === null) {
    let h = input;
    for (const layer of model.layers) {
      h = applyLayer(layer, h, { training: false }) as tf.Tensor;
      if (tap) {
        h = tap(layer.name, h);
      }
      if (layer.name === until) {
        return h;
      }
    }
    return h;
  }
  const values = new Map<number, tf.Tensor>([[model.inputs[0]!.id, input]]);
  for (const call of calls) {
    const inputs = call.inputs.map((id) => values.get(id)!);
    const result = applyLayer(call.layer, inputs.length === 1 ? inputs[0]! : inputs, { ...call.callArgs, training: false });
    if (Array.isArray(result)) {
      result.forEach((t, i) => values.set(call.outputs[i]!, t));
      continue;
    }
    const output = tap ? tap(call.layer.name, result) : result;
    values.set(call.outputs[0]!, output);
    if (call.layer.name === until) {
      return output;
    }
  }
  return values.get(model.outputs[0]!.id)!;
}

type ModelLayer = tfl.LayersModel['layers'][number];

/**
 * `layer.apply`, except for a Conv2D or Dense layer without activation inside a gradient. tfjs-layers runs those as
 * fused ops, whose custom gradient computes the kernel's and the bias's gradients along with the input's: attribution
 * never reads them, and the kernel's was 26% of the CPU samples of MobileNet-32's conductance bench (plain passes
 * included). The same layer as a plain conv2d or matMul plus a bias add records ops whose unused gradients the tape
 * prunes.
 */
function applyLayer(layer: ModelLayer, input: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
  const className = layer.getClassName();
  if (tf.engine().state.gradientDepth > 0 && !Array.isArray(input) && (className === 'Conv2D' || className === 'Dense')) {
    const config = layer.getConfig();
    const [kernel, bias] = layer.getWeights();
    if (className === 'Conv2D' && config.activation === 'linear' && config.dataFormat === 'channelsLast' && input.rank === 4) {
      const convolved = tf.conv2d(
        input as tf.Tensor4D,
        kernel as tf.Tensor4D,
        config.strides as [number, number],
        config.padding as 'same' | 'valid',
        'NHWC',
        config.dilationRate as number | [number, number],
      );
      return bias === undefined ? convolved : tf.add(convolved, bias);
    }
    if (className === 'Dense' && config.activation === 'linear' && input.rank === 2) {
      const product = tf.matMul(input as tf.Tensor2D, kernel as tf.Tensor2D);
      return bias === undefined ? product : tf.add(product, bias);
    }
  }
  return layer.apply(input, kwargs) as tf.Tensor | tf.Tensor[];
}

/** One call of a layer in a functional model's graph: which symbolic tensors it reads and writes. */
interface LayerCall {
  layer: ModelLayer;
  inputs: number[];
  outputs: number[];
  callArgs: Record<string, unknown> | undefined;
}

/**
 * A functional model's layer calls in an order where every call's inputs are computed before it (deepest
 * first, as tfjs's own executor walks `nodesByDepth`), without the input layer; null for a Sequential model,
 * whose graph tfjs builds only on its first `predict`. Throws for a model with several inputs.
 */
function layerCalls(model: tfl.LayersModel): LayerCall[] | null {
  const depths = Object.keys(model.nodesByDepth)
    .map(Number)
    .sort((a, b) => b - a);
  if (depths.length === 0) {
    return null;
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `Attribution needs a model with one input and one output (got ${model.inputs.length} and ${model.outputs.length}).`,
    );
  }
  return depths.flatMap((depth) =>
    model.nodesByDepth[depth]!.filter((node) => node.outboundLayer.getClassName() !== 'InputLayer').map((node) => ({
      layer: node.outboundLayer,
      inputs: node.inputTensors.map((t) => t.id),
      outputs: node.outputTensors.map((t) => t.id),
      callArgs: node.callArgs as Record<string, unknown> | undefined,
    })),
  );
}

/** Which layers each layer reads, by name: the model's graph with the input layer as `source`, ending at `sink`. */
export interface LayerTopology {
  source: string;
  sink: string;
  inbound: ReadonlyMap<string, readonly string[]>;
}

/** The model's layer graph (a Sequential model's chain, or a functional model's calls), for `partitionsEveryPath`. */
export function layerTopology(model: tfl.LayersModel): LayerTopology {
  const source = model.inputs[0]!.sourceLayer.name;
  const calls = layerCalls(model);
  const inbound = new Map<string, string[]>();
  if (calls === null) {
    model.layers.forEach((layer, i) => inbound.set(layer.name, [i === 0 ? source : model.layers[i - 1]!.name]));
    return { source, sink: model.layers[model.layers.length - 1]!.name, inbound };
  }
  const producer = new Map<number, string>([[model.inputs[0]!.id, source]]);
  for (const call of calls) {
    const reads = call.inputs.map((id) => producer.get(id)!);
    inbound.set(call.layer.name, [...new Set([...(inbound.get(call.layer.name) ?? []), ...reads])]);
    call.outputs.forEach((id) => producer.set(id, call.layer.name));
  }
  return { source, sink: model.outputs[0]!.sourceLayer.name, inbound };
}

/**
 * Whether every path from the input to the output passes through exactly one of `names`: then the output is a
 * function of their outputs alone and none of them feeds another, so their conductances together sum to
 * F(x) - F(x'). A single name qualifies when it is a cut (in a residual network: the stem, each block's Add and
 * the ReLU after it, the pooling and the classifier; not the convolutions inside a block, which the shortcut
 * bypasses). A block's second convolution and its projection shortcut qualify together. Pure over `topology`.
 */
export function partitionsEveryPath(topology: LayerTopology, names: readonly string[]): boolean {
  const set = new Set(names);
  if (set.size === 0 || [...set].some((n) => n !== topology.source && !topology.inbound.has(n))) {
    return false;
  }
  const outbound = new Map<string, string[]>();
  topology.inbound.forEach((reads, layer) => reads.forEach((r) => outbound.set(r, [...(outbound.get(r) ?? []), layer])));
  // Layers reachable from `from` without passing through a named layer (named layers are reached, not left).
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [...(outbound.get(from) ?? [])];
    while (stack.length > 0) {
      const layer = stack.pop()!;
      if (!seen.has(layer)) {
        seen.add(layer);
        if (!set.has(layer)) {
          stack.push(...(outbound.get(layer) ?? []));
        }
      }
    }
    return seen;
  };
  if (!set.has(topology.source) && reach(topology.source).has(topology.sink) && !set.has(topology.sink)) {
    return false;
  }
  return [...set].every((layer) => ![...set].some((other) => other !== layer && reach(layer).has(other)));
}

/** The names among `names` that are cuts of the model's graph (see `partitionsEveryPath`), in the given order. */
export function cutLayers(model: tfl.LayersModel, names: readonly string[]): string[] {
  const topology = layerTopology(model);
  return names.filter((name) => partitionsEveryPath(topology, [name]));
}

/** The input shape without the batch axis, e.g. [32, 32, 3]. */
export function inputShape(model: tfl.LayersModel): number[] {
  const shape = model.inputs[0]?.shape.slice(1) ?? [];
  if (shape.length === 0 || shape.some((d) => d === null)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `The model's input shape must be fully known (got [${shape.join(', ')}]). Build it with inputShape set.`);
  }
  return shape as number[];
}

/** Geometry of each named layer, in the model's layer order; throws if a name is missing or not NHWC/dense. */
export function layerGeometry(model: tfl.LayersModel, names: readonly string[]): LayerGeometry[] {
  const order = model.layers.map((l) => l.name);
  const unknown = names.filter((n) => !order.includes(n));
  if (unknown.length > 0) {
    throw new TransferscopeError('INVALID_ARGUMENT', `The model has no layer named ${unknown.join(', ')} (its layers: ${order.join(', ')}).`);
  }
  // A layer called twice (shared weights) has two outputs under one name: one probe and one map cannot stand for both.
  const calls = (layerCalls(model) ?? []).map((call) => call.layer.name);
  const shared = names.filter((n) => calls.indexOf(n) !== calls.lastIndexOf(n));
  if (shared.length > 0) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `Layer ${shared.join(', ')} is called more than once in the model's graph (shared weights); attribute layers that are called once.`,
    );
  }
  return [...new Set(names)]
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .map((name) => {
      const outputShape = model.getLayer(name).outputShape as (number | null)[];
      const shape = outputShape.slice(1);
      if ((shape.length !== 1 && shape.length !== 3) || shape.some((d) => d === null)) {
        throw new TransferscopeError(
          'INVALID_ARGUMENT',
          `Layer '${name}' has output shape [${outputShape.join(', ')}]; attribution needs [batch, units] or [batch, H, W, channels].`,
        );
      }
      const dims = shape as number[];
      const neurons = dims[dims.length - 1]!;
      return { name, shape: dims, neurons, positions: dims.reduce((a, b) => a * b, 1) / neurons };
    });
}

/** Number of whole images in `images` for a model with `pixels` floats per image; throws on a remainder. */
export function imageCount(images: Float32Array, pixels: number, caller: string): number {
  if (images.length % pixels !== 0) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `${caller} got ${images.length} floats, not a whole number of ${pixels}-float images. Pass count * H * W * C floats (NHWC).`,
    );
  }
  return images.length / pixels;
}
