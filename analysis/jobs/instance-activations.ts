// Which validation instances the instance view lays out, and a checkpoint's activations of them at the
// flatten layer (the input of fc6: "right before the dense layers", paper §5.2).
import type { AnalysisKey } from '../../core/analysis-protocol.ts';
import type { AnalysisContext, ModelInputs } from './analysis-context.ts';
import { layerActivations } from '../attribution/activations.ts';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkpointModel, isLayerChain, representationLayer } from './checkpoint-model.ts';
import { firstPerClass } from './first-per-class.ts';

/** Parallel arrays, one entry per laid-out instance: its split (0 source, 1 target), index there, and label. */
export interface InstanceSelection {
  domain: Uint8Array;
  index: Int32Array;
  label: Int32Array;
}

/**
 * The first `perClassCap` instances of every class of each split (splits in the given order, then instance
 * order), leaving out rows stored without pixels. Deterministic, so every checkpoint of a run lays out the
 * same instances in the same order.
 */
export function selectInstances(splits: readonly Pick<ModelInputs, 'labels' | 'withoutPixels'>[], perClassCap: number): InstanceSelection {
  const domain: number[] = [];
  const index: number[] = [];
  const label: number[] = [];
  splits.forEach(({ labels, withoutPixels }, split) => {
    const classCount = labels.reduce((max, c) => Math.max(max, c + 1), 0);
    for (const i of firstPerClass(labels, classCount, perClassCap, withoutPixels)
      .flat()
      .sort((a, b) => a - b)) {
      domain.push(split);
      index.push(i);
      label.push(labels[i]!);
    }
  });
  return { domain: Uint8Array.from(domain), index: Int32Array.from(index), label: Int32Array.from(label) };
}

export interface InstanceActivations {
  layer: string;
  /** selection size x dimensions, row-major, in selection order. */
  values: Float32Array;
  dimensions: number;
}

/** Images per forward pass: copies of the selected inputs are made one chunk at a time, never all at once. */
const CHUNK = 256;

/** A representation model's outputs for `count` images, flattened per image. */
async function graphActivations(graph: tfl.LayersModel, images: Float32Array, count: number): Promise<{ flattenUnits: number; flatten: Float32Array }> {
  const shape = graph.inputs[0]!.shape.slice(1) as number[];
  const out = tf.tidy(() => graph.predict(tf.tensor(images, [count, ...shape])) as tf.Tensor);
  const flatten = (await out.data()) as Float32Array;
  const flattenUnits = out.size / count;
  out.dispose();
  return { flattenUnits, flatten };
}

/** The flatten-layer activations of the checkpoint of `key` for the selected instances. */
export async function checkpointActivations(context: AnalysisContext, key: AnalysisKey, selection: InstanceSelection): Promise<InstanceActivations> {
  const [{ meta, architecture }, weights, source, target] = await Promise.all([
    context.run(),
    context.store.getWeights({ runId: key.runId, phase: key.phase, epoch: key.epoch }),
    context.inputs('source-validation'),
    context.inputs('target-validation'),
  ]);
  const splits: ModelInputs[] = [source, target];
  const size = source.height * source.width * 3;
  const layer = representationLayer(architecture);
  const model = await checkpointModel(architecture, meta.classNames.length, weights);
  // A graph's layers cannot run one after another: its representation is read through a model ending there.
  const graph = isLayerChain(architecture) ? null : tfl.model({ inputs: model.inputs, outputs: model.getLayer(layer).output as tfl.SymbolicTensor });
  try {
    const n = selection.index.length;
    let values = new Float32Array(0);
    let dimensions = 0;
    for (let from = 0; from < n; from += CHUNK) {
      const count = Math.min(CHUNK, n - from);
      const images = new Float32Array(count * size);
      for (let r = 0; r < count; r++) {
        const split = splits[selection.domain[from + r]!]!;
        const i = selection.index[from + r]!;
        images.set(split.pixels.subarray(i * size, (i + 1) * size), r * size);
      }
      const result = graph
        ? await graphActivations(graph, images, count)
        : await layerActivations(model, images, { layers: [], flattenLayer: layer, batchSize: CHUNK });
      if (from === 0) {
        dimensions = result.flattenUnits;
        values = new Float32Array(n * dimensions);
      }
      values.set(result.flatten, from * dimensions);
    }
    return { layer, values, dimensions };
  } finally {
    // The representation model shares the checkpoint model's layers and weights; disposing the one frees both.
    model.dispose();
  }
}
