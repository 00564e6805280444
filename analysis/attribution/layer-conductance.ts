// Layer Conductance (Dhamdhere et al., "How important is a neuron?") of every neuron of a model's monitored
// layers, the attribution behind important neurons and neuron similarity (paper §5.3), on any layer graph.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../../core/errors.ts';
import { pathAlphas, type IntegrationMethod } from './integration-path.ts';
import { cutLayers, imageCount, inputShape, layerGeometry, runGraph, type LayerGeometry } from './layer-graph.ts';
import { forwardLogits, planPathChunks, type PathSegment } from './path-chunks.ts';
import { makeStieltjesMaps, type InstanceMaps, type StieltjesMaps } from './stieltjes-maps.ts';

export interface LayerConductanceOptions {
  /** Integration steps m (default 50): the path is evaluated at m + 1 points, as Captum does. */
  steps?: number;
  /**
   * Where the path points lie (default 'gausslegendre', Captum's default). The rules that start at the
   * baseline itself ('riemann_trapezoid', 'riemann_left') take the first gradient at a black image, where
   * bias-free ReLUs sit on their kink with gradient 0: measured on a fresh AlexNet-32, that step's ~2% is lost.
   */
  method?: IntegrationMethod;
  /** Class whose logit is attributed, per instance; default: the model's predicted class. */
  targets?: ArrayLike<number>;
  /** Layers to attribute, by the model's own names; all are done in the same passes. */
  layers: readonly string[];
  /** One image (H*W*C floats) to start the path from; default black (zeros). */
  baseline?: Float32Array;
  /** Path points per forward/backward pass (default 128, at least 2); bounds memory, not results. */
  batchSize?: number;
}

/** One layer's conductances, instance-major: entry `i * neurons + n` is instance i's neuron n. */
export interface LayerConductance {
  layer: string;
  /** Channels of a convolution layer, units of a dense layer. */
  neurons: number;
  /** H*W of a convolution map, 1 for a dense layer. */
  positions: number;
  /** Paper §5.3: a channel's conductance is the maximum over its spatial map; a unit's is its own. */
  values: Float32Array;
  /**
   * The spatial sum per channel (equal to `values` for dense layers). Over all neurons it sums to F(x) - F(x')
   * when the layer is a cut of the model's graph (`cutLayers`); a layer a shortcut bypasses gets only its share.
   */
  summed: Float32Array;
}

export interface ConductanceResult {
  count: number;
  /** The class attributed for each instance. */
  targets: Int32Array;
  /** F(x): the target logit at each input, and F(x') at the baseline; completeness compares their difference. */
  logitAtInput: Float32Array;
  logitAtBaseline: Float32Array;
  /** The m + 1 path coefficients used. */
  alphas: Float64Array;
  /** In the model's layer order. */
  layers: LayerConductance[];
}

/**
 * Conductance of every neuron of `layers` for each image of `images` (count * H * W * C floats, NHWC),
 * towards the target logit, along the straight path from `baseline`. All layers come from the same
 * (m + 1) * count forward and backward passes. Empty input gives empty arrays.
 *
 * As Captum's LayerConductance, with y a layer's output and a_0 < ... < a_m the method's points:
 *   cond(y_j) = sum_{k<m} dF/dy_j(a_k) * (y_j(a_{k+1}) - y_j(a_k)),
 * a Riemann-Stieltjes sum whose step sizes are the changes of y itself, so non-uniform points (the
 * Gauss-Legendre nodes) need no weights: Captum computes the rule's weights for this method but never uses them.
 */
export async function layerConductance(model: tfl.LayersModel, images: Float32Array, options: LayerConductanceOptions): Promise<ConductanceResult> {
  const steps = options.steps ?? 50;
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(batchSize) || batchSize < 2) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `layerConductance needs integer steps >= 1 and batchSize >= 2 (got steps ${steps}, batchSize ${batchSize}).`,
    );
  }
  const alphas = pathAlphas(options.method ?? 'gausslegendre', steps + 1);
  const shape = inputShape(model);
  const pixels = shape.reduce((a, b) => a * b, 1);
  const count = imageCount(images, pixels, 'layerConductance');
  const baseline = options.baseline ?? new Float32Array(pixels);
  if (baseline.length !== pixels) {
    throw new TransferscopeError('INVALID_ARGUMENT', `layerConductance got a baseline of ${baseline.length} floats; it must be one image of ${pixels}.`);
  }
  const geometry = layerGeometry(model, options.layers);
  const classes = (model.outputs[0]?.shape[1] ?? 0) as number;

  const inputLogits = await forwardLogits(model, images, shape, batchSize);
  const baselineLogits = await forwardLogits(model, baseline, shape, 1);
  const targets = resolveTargets(options.targets, inputLogits, count, classes);
  const logitAtInput = Float32Array.from(targets, (c, i) => inputLogits[i * classes + c]!);
  const logitAtBaseline = Float32Array.from(targets, (c) => baselineLogits[c]!);

  const layers = geometry.map((g) => ({
    layer: g.name,
    neurons: g.neurons,
    positions: g.positions,
    values: new Float32Array(count * g.neurons),
    summed: new Float32Array(count * g.neurons),
  }));
  // An instance's path may be split over chunks; its full maps are kept only until its last point is done.
  const open = new Map<number, InstanceMaps>();
  const sums = makeStieltjesMaps(geometry.map((g) => g.positions * g.neurons));
  // The first layer's zero probe per chunk size, made once: every chunk but the last has the same rows, and filling
  // fresh zeros for each pass cost as much as a layer's forward pass (issue 16, item 4).
  const probes = new Map<number, tf.Tensor>();
  const rootProbe = geometry.length > 0 && cutLayers(model, [geometry[0]!.name]).length === 1;
  const pass = { model, images, baseline, pixels, shape, alphas, targets, classes, geometry, probes, rootProbe };
  try {
    for (const segments of planPathChunks(count, alphas.length, batchSize)) {
      attributeChunk(pass, segments, open, sums, layers);
    }
  } finally {
    probes.forEach((t) => t.dispose());
    sums.dispose();
  }
  return { count, targets, logitAtInput, logitAtBaseline, alphas, layers };
}

/** Adds one chunk's Stieltjes terms to its instances' open maps and reduces every instance whose path ends in it. */
function attributeChunk(pass: ChunkPass, segments: PathSegment[], open: Map<number, InstanceMaps>, sums: StieltjesMaps, layers: LayerConductance[]): void {
  const { geometry, alphas } = pass;
  const maps = segments.map((s) => open.get(s.instance) ?? sums.open());
  segments.forEach((s, i) => open.set(s.instance, maps[i]!));
  passOfChunk(pass, segments, (l, y, dy) => {
    let row = 0;
    segments.forEach((s, i) => {
      sums.add(maps[i]!, l, y, dy, row, s.to - s.from);
      row += s.to - s.from + 1;
    });
  });
  segments.forEach((s, i) => {
    if (s.to === alphas.length - 1) {
      reduceSpatially((l) => sums.read(maps[i]!, l), geometry, layers, s.instance);
      sums.close(maps[i]!);
      open.delete(s.instance);
    }
  });
}

interface ChunkPass {
  model: tfl.LayersModel;
  images: Float32Array;
  baseline: Float32Array;
  pixels: number;
  shape: number[];
  alphas: Float64Array;
  targets: Int32Array;
  classes: number;
  geometry: LayerGeometry[];
  /** Whether the first layer is a cut of the graph, so the backward pass can end at a zero probe on its output. */
  rootProbe: boolean;
  /** That probe by row count, kept across chunks (it is only read); disposed by the caller. */
  probes: Map<number, tf.Tensor>;
}

/**
 * One forward and backward pass over the chunk's path points; then, per layer, `use(layer, y, dF/dy)` with both
 * row-major (rows x positions * neurons, rows in segment order). The arrays are views of the backend's memory where
 * it allows (wasm), valid only during the call: copying every layer's maps out of the wasm heap cost 4-7% of
 * MobileNet-32's conductance time. The products and sums are not tensor ops (`StieltjesMaps`): done with row slices
 * and a selection matmul per layer they cost as much as the conv passes.
 */
function passOfChunk(pass: ChunkPass, segments: PathSegment[], use: (layer: number, y: Float32Array, dy: Float32Array) => void): void {
  const { pixels, alphas, classes, geometry } = pass;
  const rows = segments.reduce((n, s) => n + s.to - s.from + 1, 0);
  const inputs = new Float32Array(rows * pixels);
  // Every row's F is attributed; a segment's last point only supplies y(a_{k+1}), its gradient goes unused.
  const targetWeights = new Float32Array(rows * classes);
  let r = 0;
  for (const s of segments) {
    const x = pass.images.subarray(s.instance * pixels, (s.instance + 1) * pixels);
    for (let k = s.from; k <= s.to; k++, r++) {
      const a = alphas[k]!;
      for (let p = 0; p < pixels; p++) {
        inputs[r * pixels + p] = pass.baseline[p]! + a * (x[p]! - pass.baseline[p]!);
      }
      targetWeights[r * classes + pass.targets[s.instance]!] = 1;
    }
  }
  const layerIndex = new Map(geometry.map((g, l) => [g.name, l]));
  const outputs: tf.Tensor[] = [];
  const grads: tf.Tensor[] = [];
  try {
    tf.tidy(() => {
      const x = tf.tensor(inputs, [rows, ...pass.shape]);
      const weights = tf.tensor2d(targetWeights, [rows, classes]);
      // Where the backward pass ends: a zero probe added to the first layer's output when every path crosses that
      // layer (dF/d(probe) is dF/d(output), and nothing upstream of it is differentiated), else the input.
      let probe = pass.rootProbe ? pass.probes.get(rows) : undefined;
      if (pass.rootProbe && probe === undefined) {
        probe = tf.keep(tf.fill([rows, ...geometry[0]!.shape], 0));
        pass.probes.set(rows, probe);
      }
      const rootGradient = tf.grad((root: tf.Tensor) => {
        const logits = runGraph(pass.model, probe === undefined ? root : x, (name, y) => {
          const l = layerIndex.get(name);
          if (l === undefined) {
            return y;
          }
          if (l === 0 && probe !== undefined) {
            // Kept past the gradient's tidy, as every layer's output: they are the other factor of the sum.
            outputs[l] = tf.keep(tf.add(y, root));
            return outputs[l];
          }
          outputs[l] = tf.keep(y);
          return tapGradient(y, (dy) => {
            grads[l] = tf.keep(dy.clone());
          });
        });
        return tf.sum(tf.mul(logits, weights)) as tf.Scalar;
      })(probe ?? x);
      if (probe !== undefined) {
        grads[0] = tf.keep(rootGradient);
      }
    });
    const missing = geometry.filter((_, l) => grads[l] === undefined).map((g) => g.name);
    if (missing.length > 0) {
      throw new TransferscopeError('INVALID_ARGUMENT', `Layer ${missing.join(', ')} does not lead to the model's output; attribute layers on a path to it.`);
    }
    // No tensor is made between taking the views and the last use: a new one may grow the heap and detach them.
    outputs.forEach((y, l) => use(l, backendValues(y), backendValues(grads[l]!)));
  } finally {
    outputs.forEach((t) => t.dispose());
    grads.forEach((t) => t.dispose());
  }
}

/**
 * y's values as a new tensor (an alias on cpu and wasm, whose Identity does not copy) whose gradient function hands
 * dF/dy to `take` and passes it on. The tape calls it once every consumer's share of dF/dy is summed, so this is the
 * total derivative, shortcuts included, as a zero probe's would be, without adding the probe to every output.
 */
function tapGradient(y: tf.Tensor, take: (dy: tf.Tensor) => void): tf.Tensor {
  const tap = tf.customGrad((input, _save) => ({
    value: (input as tf.Tensor).clone(),
    gradFunc: (dy: tf.Tensor) => {
      take(dy);
      return dy;
    },
  }));
  return tap(y);
}

/** Values of a float32 tensor without a copy on the wasm backend (a view of its heap, valid until a tensor is made). */
function backendValues(t: tf.Tensor): Float32Array {
  // By name, not instanceof: importing the wasm package here would register its backend in every process.
  if (tf.getBackend() === 'wasm') {
    return (tf.backend() as BackendWasm).typedArrayFromHeap(t) as Float32Array;
  }
  return t.dataSync() as Float32Array;
}

function reduceSpatially(mapOf: (layer: number) => Float64Array, geometry: LayerGeometry[], layers: LayerConductance[], instance: number): void {
  geometry.forEach((g, l) => {
    const map = mapOf(l);
    const out = layers[l]!;
    for (let n = 0; n < g.neurons; n++) {
      let max = -Infinity;
      let sum = 0;
      for (let p = 0; p < g.positions; p++) {
        const v = map[p * g.neurons + n]!;
        max = Math.max(max, v);
        sum += v;
      }
      out.values[instance * g.neurons + n] = max;
      out.summed[instance * g.neurons + n] = sum;
    }
  });
}

function resolveTargets(targets: ArrayLike<number> | undefined, logits: Float32Array, count: number, classes: number): Int32Array {
  if (targets === undefined) {
    return Int32Array.from({ length: count }, (_, i) => {
      let best = 0;
      for (let c = 1; c < classes; c++) {
        if (logits[i * classes + c]! > logits[i * classes + best]!) {
          best = c;
        }
      }
      return best;
    });
  }
  const resolved = Int32Array.from(targets);
  const bad = resolved.findIndex((c, i) => !Number.isInteger(targets[i]) || c < 0 || c >= classes);
  if (resolved.length !== count || bad >= 0) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `layerConductance got ${resolved.length} targets for ${count} images${bad >= 0 ? ` (target ${targets[bad]} at ${bad} is not a class in [0, ${classes}))` : ''}. Pass one class index per image, or none to use the predicted class.`,
    );
  }
  return resolved;
}
