// Which validation instances the instance view lays out, and a checkpoint's activations of them at the
// flatten layer (the input of fc6: "right before the dense layers", paper §5.2).
import type { AnalysisKey } from '../monitor/analysis-protocol.ts';
import type { AnalysisContext, ModelInputs } from './analysis-context.ts';
import { layerActivations } from './attribution/activations.ts';
import { modelFromWeights } from './network-abstraction.ts';

/** Parallel arrays, one entry per laid-out instance: its split (0 source, 1 target), index there, and label. */
export interface InstanceSelection {
  domain: Uint8Array;
  index: Int32Array;
  label: Int32Array;
}

/**
 * The first `perClassCap` instances of every class in each split's order (splits in the given order, then
 * instance order). Deterministic, so every checkpoint of a run lays out the same instances in the same order.
 */
export function selectInstances(labelsBySplit: readonly Int32Array[], perClassCap: number): InstanceSelection {
  const domain: number[] = [];
  const index: number[] = [];
  const label: number[] = [];
  labelsBySplit.forEach((labels, split) => {
    const taken = new Map<number, number>();
    labels.forEach((c, i) => {
      const count = taken.get(c) ?? 0;
      if (count < perClassCap) {
        taken.set(c, count + 1);
        domain.push(split);
        index.push(i);
        label.push(c);
      }
    });
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
const LAYER = 'flatten';

/** The flatten-layer activations of the checkpoint of `key` for the selected instances. */
export async function checkpointActivations(context: AnalysisContext, key: AnalysisKey, selection: InstanceSelection): Promise<InstanceActivations> {
  const [{ meta, config }, weights, source, target] = await Promise.all([
    context.run(),
    context.store.getWeights({ runId: key.runId, phase: key.phase, epoch: key.epoch }),
    context.inputs('source-validation'),
    context.inputs('target-validation'),
  ]);
  const splits: ModelInputs[] = [source, target];
  const size = source.height * source.width * 3;
  const model = modelFromWeights(config.model, meta.classNames.length, weights);
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
      const result = await layerActivations(model, images, { layers: [], flattenLayer: LAYER, batchSize: CHUNK });
      if (from === 0) {
        dimensions = result.flattenUnits;
        values = new Float32Array(n * dimensions);
      }
      values.set(result.flatten, from * dimensions);
    }
    return { layer: LAYER, values, dimensions };
  } finally {
    model.dispose();
  }
}
