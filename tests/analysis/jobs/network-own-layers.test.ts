// The network abstraction of a Sequential model with its own layer names, batch norm between two convolutions and
// global pooling before a dense layer: each boundary's important weights are those of the weights times what the
// second layer actually reads (its input), computed here with a sub-model as the reference.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { networkAbstraction } from '../../../analysis/jobs/network-abstraction.ts';
import { checkpointModel } from '../../../analysis/jobs/checkpoint-model.ts';
import { modelLayers } from '../../../analysis/run-layers.ts';
import { importantWeights, type WeightBoundary } from '../../../analysis/important-weights.ts';
import { describeModel } from '../../../trainer/model-description.ts';
import { readModelWeights } from '../../../trainer/layer-weights.ts';
import type { NetworkAbstraction } from '../../../core/network-protocol.ts';
import type { LayerWeights, RunModel } from '../../../store/schema/tables.ts';

const CLASSES = 3;
const PER_CLASS = 4;

/** 6x6 inputs: c1 -> BN -> ReLU -> c2 -> GAP -> d1 -> dropout -> head, every layer seeded. */
function ownModel(): tfl.Sequential {
  let seed = 1;
  const init = () => tfl.initializers.glorotUniform({ seed: seed++ });
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ name: 'c1', filters: 4, kernelSize: 3, useBias: false, kernelInitializer: init(), inputShape: [6, 6, 3] }));
  model.add(tfl.layers.batchNormalization({ name: 'bn' }));
  model.add(tfl.layers.reLU({ name: 'relu' }));
  model.add(tfl.layers.conv2d({ name: 'c2', filters: 5, kernelSize: 3, activation: 'relu', kernelInitializer: init() }));
  model.add(tfl.layers.globalAveragePooling2d({ name: 'gap' }));
  model.add(tfl.layers.dense({ name: 'd1', units: 6, activation: 'relu', kernelInitializer: init() }));
  model.add(tfl.layers.dropout({ name: 'drop', rate: 0.5 }));
  model.add(tfl.layers.dense({ name: 'head', units: CLASSES, kernelInitializer: init() }));
  // Batch norm that shifts and scales: a boundary read before it would see other numbers.
  tf.tidy(() =>
    model
      .getLayer('bn')
      .setWeights([tf.tensor1d([1.5, 0.5, 2, 1]), tf.tensor1d([0.3, -0.2, 0.1, 0.4]), tf.tensor1d([0.1, -0.1, 0.2, 0]), tf.tensor1d([0.5, 2, 1, 0.25])]),
  );
  return model;
}

let model: tfl.Sequential;
let stored: RunModel;
let weights: LayerWeights[];
let images: Float32Array;
let labels: Int32Array;
let result: NetworkAbstraction;
let tensorsBefore: number;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = ownModel();
  stored = describeModel(model);
  weights = readModelWeights(model);
  const count = CLASSES * PER_CLASS;
  labels = Int32Array.from({ length: count }, (_, i) => i % CLASSES);
  images = tf.tidy(() => tf.randomUniform([count * 6 * 6 * 3], 0, 1, 'float32', 7).dataSync() as Float32Array);
  tensorsBefore = tf.memory().numTensors;
  result = await networkAbstraction(
    { sourceWeights: weights, targetWeights: weights, images, labels, classCount: CLASSES },
    { steps: 4, maxPerClass: PER_CLASS, layers: modelLayers(stored), build: (w) => checkpointModel(stored, CLASSES, w) },
  );
});

/** Instances x neurons of what `reader` outputs, each channel's map reduced to its maximum. */
function readerOutput(reader: string): { values: Float32Array; neurons: number } {
  return tf.tidy(() => {
    const sub = tfl.model({ inputs: model.inputs, outputs: model.getLayer(reader).output as tfl.SymbolicTensor });
    let y = sub.predict(tf.tensor4d(images, [labels.length, 6, 6, 3])) as tf.Tensor;
    y = y.rank === 4 ? tf.max(y, [1, 2]) : y;
    return { values: y.dataSync() as Float32Array, neurons: y.shape[1]! };
  });
}

function kernelOf(layer: string): { kernel: Float32Array; shape: number[] } {
  const w = weights.find((l) => l.layer === layer)!;
  return { kernel: w.kernel, shape: w.kernelShape };
}

describe('networkAbstraction on a model with its own layer names', () => {
  it('leaves no tensor behind and names the monitored layers and their direct links', () => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(result.layers).toEqual(['c1', 'c2', 'd1', 'head']);
    expect(result.links?.every((l) => l.direct)).toBe(true);
    for (const cls of result.classes) {
      expect(cls.layers.map((l) => [l.layer, l.targetNeurons])).toEqual([
        ['c1', 4],
        ['c2', 5],
        ['d1', 6],
        ['head', 3],
      ]);
      expect(cls.boundaries.map((b) => `${b.fromLayer}>${b.toLayer}`)).toEqual(['c1>c2', 'c2>d1', 'd1>head']);
    }
  });

  it("finds each boundary's important weights from the second layer's own input (after batch norm, after global pooling)", () => {
    const c2 = kernelOf('c2');
    const d1 = kernelOf('d1');
    const head = kernelOf('head');
    const boundaries: [string, WeightBoundary][] = [
      ['relu', { kind: 'conv', kernel: c2.kernel, kernelHeight: 3, kernelWidth: 3, inputs: 4, outputs: 5 }],
      ['gap', { kind: 'dense', kernel: d1.kernel, inputs: 5, outputs: 6 }],
      ['drop', { kind: 'dense', kernel: head.kernel, inputs: 6, outputs: CLASSES }],
    ];
    expect([c2.shape, d1.shape, head.shape]).toEqual([
      [3, 3, 4, 5],
      [5, 6],
      [6, CLASSES],
    ]);
    const selection = result.classes.flatMap((c) => c.instances);
    const important = (reader: string, boundary: WeightBoundary, rows: number[]) => {
      const input = readerOutput(reader);
      const reordered = new Float32Array(input.values.length);
      selection.forEach((instance, row) => reordered.set(input.values.subarray(instance * input.neurons, (instance + 1) * input.neurons), row * input.neurons));
      const found = importantWeights(boundary, { values: reordered, instances: labels.length, neurons: input.neurons }, { rows });
      return { from: Array.from(found.from), to: Array.from(found.to), count: Array.from(found.count) };
    };
    let differsBeforeBatchNorm = false;
    for (const cls of result.classes) {
      const rows = cls.instances.map((_, j) => cls.classIndex * PER_CLASS + j);
      // The abstraction's rows are its selection's order: the first PER_CLASS instances of each class in turn.
      expect(cls.instances).toEqual(Array.from({ length: PER_CLASS }, (_, j) => j * CLASSES + cls.classIndex));
      boundaries.forEach(([reader, boundary], b) => {
        expect(cls.boundaries[b]!.target, `${cls.classIndex}: ${reader}`).toEqual(important(reader, boundary, rows));
      });
      // The same kernel times c1's own output (before batch norm) ranks other weights: the reader matters here.
      differsBeforeBatchNorm ||= JSON.stringify(important('c1', boundaries[0]![1], rows)) !== JSON.stringify(cls.boundaries[0]!.target);
    }
    expect(differsBeforeBatchNorm).toBe(true);
  });
});
