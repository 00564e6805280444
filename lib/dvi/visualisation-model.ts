// DeepVisualInsight's visualisation model (Yang et al., AAAI 2022): a parametric UMAP encoder to 2-D and a decoder
// back to the representation, fitted on instances plus boundary points and warm-started from the previous
// checkpoint's model so the layout moves only where the representation moved. See docs/decisions.md for widths.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself; tfjs-layers registers them all on import.
import '@tensorflow/tfjs-layers';
import { rowCount } from '../neighbours/index.ts';
import { SeededRandom } from '../random/index.ts';
import {
  denseForward,
  fromVariables,
  initialDenseWeights,
  layerWidths,
  sameShapes,
  toVariables,
  type DenseVariables,
  type DenseWeights,
} from './dense-network.ts';
import { fuzzyGraph, type FuzzyGraph } from './fuzzy-graph.ts';
import { fitUmapCurve } from './umap-curve.ts';
import { visualisationLoss, type ClassifierHead, type LossBatch } from './visualisation-loss.ts';

/**
 * The checkpoint's classifier from the representation on: n x d rows (in the representation's own units) to
 * n x C logits, built from tensor ops so the prediction term's gradient flows through it. Its own variables are
 * never trained by the fit.
 */
export type RepresentationClassifier = (rows: tf.Tensor2D) => tf.Tensor2D;

/** A fitted model, plain data throughout so it can be stored and read back. */
export interface VisualisationModel {
  /** d, the representation's width. */
  dimensions: number;
  /** Hidden widths, shared by the encoder and (mirrored) the decoder. */
  hidden: number[];
  /** Per-dimension mean subtracted before the encoder and added back after the decoder. */
  center: Float32Array;
  /** Centred rows are divided by it: their root mean square value, so losses don't depend on the layer's scale. */
  scale: number;
  encoder: DenseWeights[];
  decoder: DenseWeights[];
}

export interface VisualisationFitOptions {
  /** The previous checkpoint's model: its weights start this fit (same d and widths) and anchor the temporal loss. */
  previous?: VisualisationModel;
  /** Boundary points (m x d), joined to the instances in the graph and the training. */
  boundary?: Float32Array;
  /** Passes over the sampled edges; default 8 cold, 3 warm-started (measured: docs/decisions.md). */
  epochs?: number;
  seed?: number;
  /** Hidden widths; default the previous model's, else [128, 128]. */
  hidden?: number[];
  /** Neighbours per point in the fuzzy graph (k = 15). */
  neighbours?: number;
  /** Negative pairs per sampled edge (5). */
  negativeSamples?: number;
  /** Edges per Adam step (512). */
  batchSize?: number;
  learningRate?: number;
  /** Weight of the reconstruction error (1). */
  reconstructionWeight?: number;
  /** Weight of the temporal term (0.3, DVI's). */
  temporalWeight?: number;
  /** UMAP's min_dist (0.1). */
  minDist?: number;
  /** The classifier whose predictions decoded rows should keep; without it there is no prediction term. */
  classifier?: RepresentationClassifier;
  /** Weight of the prediction term (1; measured in docs/decisions.md). */
  predictionWeight?: number;
}

/** Means over one epoch's batches. */
export interface EpochLosses {
  total: number;
  umap: number;
  reconstruction: number;
  temporal: number;
  /** 0 without a classifier. */
  prediction: number;
}

export interface VisualisationFit {
  model: VisualisationModel;
  /** n x 2 positions of the instances. */
  layout: Float32Array;
  /** m x 2 positions of the boundary points. */
  boundaryLayout: Float32Array;
  losses: EpochLosses[];
  /** True when the weights started from `previous`. */
  warmStarted: boolean;
}

export const DEFAULT_HIDDEN: readonly number[] = [128, 128];
export const COLD_EPOCHS = 8;
export const WARM_EPOCHS = 3;
/** Weight of the prediction term: measured on the smoke run (docs/decisions.md, issue 14's quality section). */
export const PREDICTION_WEIGHT = 1;
const FORWARD_BATCH = 2048;

/**
 * Fits the visualisation model on `data` (n x d row-major) and `options.boundary`. Throws when the rows don't
 * divide by d, when there are fewer than two rows in all, or when `previous` was fitted on another d.
 */
export async function fitVisualisationModel(data: Float32Array, d: number, options: VisualisationFitOptions = {}): Promise<VisualisationFit> {
  const n = rowCount(data, d, 'fitVisualisationModel');
  const boundary = options.boundary ?? new Float32Array(0);
  const m = rowCount(boundary, d, 'fitVisualisationModel (boundary)');
  const previous = options.previous;
  if (previous !== undefined && previous.dimensions !== d) {
    throw new RangeError(
      `fitVisualisationModel: the previous model maps d = ${previous.dimensions} but the data has d = ${d}. Pass a previous model of the same representation, or none.`,
    );
  }
  if (n + m < 2) {
    throw new RangeError(`fitVisualisationModel: got ${n + m} rows. Pass at least two rows to lay out.`);
  }
  const rows = new Float32Array((n + m) * d);
  rows.set(data);
  rows.set(boundary, n * d);
  const hidden = options.hidden ?? previous?.hidden ?? [...DEFAULT_HIDDEN];
  const seed = options.seed ?? 0;
  const fresh = {
    encoder: initialDenseWeights(layerWidths(d, hidden, 2), seed),
    decoder: initialDenseWeights(layerWidths(2, [...hidden].reverse(), d), seed + 1),
  };
  const warmStarted = previous !== undefined && sameShapes(previous.encoder, fresh.encoder) && sameShapes(previous.decoder, fresh.decoder);
  const { center, scale } = warmStarted ? previous : normalisation(rows, d);
  const anchors = previous === undefined ? undefined : await encode(previous, rows);
  const graph = fuzzyGraph(rows, d, options.neighbours ?? 15);
  const encoder = toVariables(warmStarted ? previous.encoder : fresh.encoder);
  const decoder = toVariables(warmStarted ? previous.decoder : fresh.decoder);
  const rowTensor = tf.tidy(() => normalise(tf.tensor2d(rows, [n + m, d]), center, scale));
  const anchorTensor = anchors === undefined ? undefined : tf.tensor2d(anchors, [n + m, 2]);
  const classifier = options.classifier;
  const head: ClassifierHead | undefined = classifier && ((normalised) => classifier(denormalise(normalised, center, scale)));
  const classTensor = classifier && (await predictedClasses(classifier, rowTensor, center, scale));
  const optimizer = tf.train.adam(options.learningRate ?? 2e-3);
  const trained = [...encoder, ...decoder].flatMap((v) => [v.kernel, v.bias]);
  try {
    const losses: EpochLosses[] = [];
    const random = new SeededRandom(seed + 2);
    const epochs = options.epochs ?? (warmStarted ? WARM_EPOCHS : COLD_EPOCHS);
    for (let epoch = 0; epoch < epochs; epoch++) {
      losses.push(await trainEpoch({ graph, rowTensor, anchorTensor, classTensor, head, encoder, decoder, trained, optimizer, random, options }));
    }
    const layoutAll = await forwardRows(encoder, rowTensor);
    const model: VisualisationModel = {
      dimensions: d,
      hidden: [...hidden],
      center,
      scale,
      encoder: await fromVariables(encoder),
      decoder: await fromVariables(decoder),
    };
    return { model, layout: layoutAll.slice(0, 2 * n), boundaryLayout: layoutAll.slice(2 * n), losses, warmStarted };
  } finally {
    optimizer.dispose();
    tf.dispose([rowTensor, ...(anchorTensor === undefined ? [] : [anchorTensor]), ...(classTensor === undefined ? [] : [classTensor]), ...trained]);
  }
}

/** What one epoch trains on and with. */
interface EpochState {
  graph: FuzzyGraph;
  rowTensor: tf.Tensor2D;
  anchorTensor: tf.Tensor2D | undefined;
  /** The classifier's class for every row (int32), when there is a classifier. */
  classTensor: tf.Tensor1D | undefined;
  head: ClassifierHead | undefined;
  encoder: DenseVariables[];
  decoder: DenseVariables[];
  /** The only variables Adam updates: the classifier's own are on the tape too, and must stay as they are. */
  trained: tf.Variable[];
  optimizer: tf.Optimizer;
  random: SeededRandom;
  options: VisualisationFitOptions;
}

/** One pass: every edge kept with probability weight / max weight (UMAP's epochs_per_sample), in random order. */
async function trainEpoch(state: EpochState): Promise<EpochLosses> {
  const { graph, rowTensor, anchorTensor, classTensor, head, encoder, decoder, trained, optimizer, random, options } = state;
  const curve = fitUmapCurve(options.minDist ?? 0.1);
  const weights = {
    reconstruction: options.reconstructionWeight ?? 1,
    temporal: anchorTensor === undefined ? 0 : (options.temporalWeight ?? 0.3),
    prediction: head === undefined ? 0 : (options.predictionWeight ?? PREDICTION_WEIGHT),
  };
  const negatives = options.negativeSamples ?? 5;
  const batchSize = options.batchSize ?? 512;
  const { heads, tails } = sampleEdges(graph, random);
  const parts: tf.Scalar[][] = [];
  for (let start = 0; start < heads.length; start += batchSize) {
    const size = Math.min(batchSize, heads.length - start);
    if (size < 2) {
      break; // a lone edge has no other tail to draw negatives from (and tf.oneHot needs a depth of 2)
    }
    const negativeHeads = Int32Array.from({ length: size * negatives }, (_, c) => Math.floor(c / negatives));
    const negativeTails = Int32Array.from({ length: size * negatives }, () => random.int(size));
    optimizer.minimize(
      () => {
        const headIndex = tf.tensor1d(heads.subarray(start, start + size), 'int32');
        const batch: LossBatch = {
          heads: tf.gather(rowTensor, headIndex),
          tails: tf.gather(rowTensor, tf.tensor1d(tails.subarray(start, start + size), 'int32')),
          negativeHeads: tf.tensor1d(negativeHeads, 'int32'),
          negativeTails: tf.tensor1d(negativeTails, 'int32'),
          ...(anchorTensor === undefined ? {} : { previousHeads: tf.gather(anchorTensor, headIndex) }),
          ...(classTensor === undefined ? {} : { headClasses: tf.gather(classTensor, headIndex) }),
        };
        const loss = visualisationLoss(encoder.map(asLayer), decoder.map(asLayer), batch, curve, weights, head);
        parts.push([tf.keep(loss.umap), tf.keep(loss.reconstruction), tf.keep(loss.temporal), tf.keep(loss.prediction)]);
        return loss.total;
      },
      false,
      trained,
    );
  }
  const values = await Promise.all(parts.flat().map((t) => t.data()));
  tf.dispose(parts.flat());
  const mean = (offset: number): number => {
    let sum = 0;
    for (let b = 0; b < parts.length; b++) {
      sum += values[PARTS * b + offset]![0]!;
    }
    return parts.length > 0 ? sum / parts.length : Number.NaN;
  };
  const [umap, reconstruction, temporal, prediction] = [mean(0), mean(1), mean(2), mean(3)];
  const total = umap + weights.reconstruction * reconstruction + weights.temporal * temporal + weights.prediction * prediction;
  return { total, umap, reconstruction, temporal, prediction };
}

/** Loss parts read per batch: umap, reconstruction, temporal, prediction. */
const PARTS = 4;

/** The classifier's class (argmax of its logits) for every row of a normalised tensor, in batches. */
async function predictedClasses(classifier: RepresentationClassifier, rows: tf.Tensor2D, center: Float32Array, scale: number): Promise<tf.Tensor1D> {
  const n = rows.shape[0];
  const classes = new Int32Array(n);
  for (let start = 0; start < n; start += FORWARD_BATCH) {
    const size = Math.min(FORWARD_BATCH, n - start);
    const chosen = tf.tidy(() => tf.argMax(classifier(denormalise(tf.slice(rows, [start, 0], [size, -1]), center, scale)), 1));
    classes.set(await chosen.data(), start);
    chosen.dispose();
  }
  return tf.tensor1d(classes, 'int32');
}

function asLayer(v: DenseVariables): { kernel: tf.Tensor; bias: tf.Tensor } {
  return { kernel: v.kernel, bias: v.bias };
}

/** Edges drawn for one epoch, each randomly oriented so every row serves as a head about as often. */
function sampleEdges(graph: FuzzyGraph, random: SeededRandom): { heads: Int32Array; tails: Int32Array } {
  let strongest = 0;
  for (const w of graph.weights) {
    strongest = Math.max(strongest, w);
  }
  const chosen: number[] = [];
  for (let e = 0; e < graph.weights.length; e++) {
    if (random.next() * strongest < graph.weights[e]!) {
      chosen.push(e);
    }
  }
  random.shuffle(chosen);
  const heads = new Int32Array(chosen.length);
  const tails = new Int32Array(chosen.length);
  chosen.forEach((e, c) => {
    const flip = random.chance(0.5);
    heads[c] = flip ? graph.tails[e]! : graph.heads[e]!;
    tails[c] = flip ? graph.heads[e]! : graph.tails[e]!;
  });
  return { heads, tails };
}

/** Column means and the root mean square of the centred values (1 when they are all 0). */
function normalisation(rows: Float32Array, d: number): { center: Float32Array; scale: number } {
  const n = rows.length / d;
  const sums = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      sums[c] = sums[c]! + rows[i * d + c]!;
    }
  }
  const center = Float32Array.from(sums, (s) => s / n);
  let squares = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      squares += (rows[i * d + c]! - center[c]!) ** 2;
    }
  }
  const rms = Math.sqrt(squares / (n * d));
  return { center, scale: rms > 0 ? rms : 1 };
}

function normalise(rows: tf.Tensor2D, center: Float32Array, scale: number): tf.Tensor2D {
  return tf.div(tf.sub(rows, tf.tensor1d(center)), scale);
}

function denormalise(rows: tf.Tensor2D, center: Float32Array, scale: number): tf.Tensor2D {
  return tf.add(tf.mul(rows, scale), tf.tensor1d(center));
}

/** The encoder's 2-D output for every row of an already normalised tensor, in batches. */
async function forwardRows(layers: readonly { kernel: tf.Tensor; bias: tf.Tensor }[], rows: tf.Tensor2D): Promise<Float32Array> {
  const n = rows.shape[0];
  const out = new Float32Array(n * 2);
  for (let start = 0; start < n; start += FORWARD_BATCH) {
    const size = Math.min(FORWARD_BATCH, n - start);
    const points = tf.tidy(() => denseForward(layers, tf.slice(rows, [start, 0], [size, -1])));
    out.set(await points.data(), start * 2);
    points.dispose();
  }
  return out;
}

function layerTensors(layers: readonly DenseWeights[]): { kernel: tf.Tensor; bias: tf.Tensor }[] {
  return layers.map((layer) => ({ kernel: tf.tensor2d(layer.kernel, [layer.inputs, layer.outputs]), bias: tf.tensor1d(layer.bias) }));
}

/** 2-D positions (n x 2) of representation rows (n x d) under `model`; works for rows it was not fitted on. */
export async function encode(model: VisualisationModel, rows: Float32Array): Promise<Float32Array> {
  const n = rowCount(rows, model.dimensions, 'encode');
  const layers = layerTensors(model.encoder);
  const input = tf.tidy(() => normalise(tf.tensor2d(rows, [n, model.dimensions]), model.center, model.scale));
  try {
    return await forwardRows(layers, input);
  } finally {
    tf.dispose([input, ...layers.flatMap((l) => [l.kernel, l.bias])]);
  }
}

/** Representation rows (n x d) that `model`'s decoder gives for 2-D points (n x 2). */
export async function decode(model: VisualisationModel, points: Float32Array): Promise<Float32Array> {
  const n = rowCount(points, 2, 'decode');
  const d = model.dimensions;
  const layers = layerTensors(model.decoder);
  const center = tf.tensor1d(model.center);
  const out = new Float32Array(n * d);
  try {
    for (let start = 0; start < n; start += FORWARD_BATCH) {
      const size = Math.min(FORWARD_BATCH, n - start);
      const rows = tf.tidy(() =>
        tf.add(tf.mul(denseForward(layers, tf.tensor2d(points.subarray(2 * start, 2 * (start + size)), [size, 2])), model.scale), center),
      );
      out.set(await rows.data(), start * d);
      rows.dispose();
    }
    return out;
  } finally {
    tf.dispose([center, ...layers.flatMap((l) => [l.kernel, l.bias])]);
  }
}
