import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cutLayers, layerGeometry, layerTopology, partitionsEveryPath, runGraph, type LayerTopology } from '../../../analysis/attribution/layer-graph.ts';
import { GRAPH_INPUT_SHAPE, graphImages, smallResidualModel, smallSeparableModel, weightedLayers } from '../../helpers/small-graph-models.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Every input-to-output path of the graph, as lists of layer names (source first): the brute-force reference. */
function allPaths(topology: LayerTopology): string[][] {
  const paths: string[][] = [];
  const walk = (layer: string, suffix: string[]) => {
    if (layer === topology.source) {
      paths.push([layer, ...suffix]);
      return;
    }
    for (const from of topology.inbound.get(layer) ?? []) {
      walk(from, [layer, ...suffix]);
    }
  };
  walk(topology.sink, []);
  return paths;
}

describe('runGraph', () => {
  it('computes what predict computes on residual and concatenating graphs, tapping every layer once', () => {
    for (const model of [smallResidualModel(3), smallSeparableModel(5)]) {
      const before = tf.memory().numTensors;
      const [ours, reference] = tf.tidy(() => {
        const x = tf.tensor(graphImages(2), [2, ...GRAPH_INPUT_SHAPE]);
        const tapped: string[] = [];
        const y = runGraph(model, x, (name, output) => {
          tapped.push(name);
          return output;
        });
        expect([...tapped].sort()).toEqual(
          model.layers
            .map((l) => l.name)
            .filter((n) => n !== 'input')
            .sort(),
        );
        return [y.arraySync() as number[][], (model.predict(x) as tf.Tensor).arraySync() as number[][]];
      });
      expect(tf.memory().numTensors).toBe(before);
      ours.flat().forEach((v, i) => expect(v).toBeCloseTo(reference.flat()[i]!, 5));
      model.dispose();
    }
  });

  it('feeds a tapped output to every consumer, shortcut included, and stops at `until`', () => {
    const model = smallResidualModel(3);
    const x = tf.tensor(graphImages(1), [1, ...GRAPH_INPUT_SHAPE]);
    // Zeroing stem_relu's output must reach both block1_conv1 and block1's identity shortcut into block1_add.
    const seen = new Map<string, number>();
    tf.tidy(() => {
      runGraph(model, x, (name, y) => {
        const out = name === 'stem_relu' ? tf.zerosLike(y) : y;
        seen.set(name, tf.sum(tf.abs(out)).arraySync() as number);
        return out;
      });
    });
    const block1Branch = tf.tidy(() => {
      let y: tf.Tensor = tf.zeros([1, 16, 16, 4]);
      for (const name of ['block1_conv1', 'block1_bn1', 'block1_relu1', 'block1_conv2', 'block1_bn2']) {
        y = model.getLayer(name).apply(y, { training: false }) as tf.Tensor;
      }
      return tf.sum(tf.abs(y)).arraySync() as number;
    });
    expect(block1Branch).toBeGreaterThan(0);
    expect(seen.get('block1_add')).toBeCloseTo(block1Branch, 4);
    const stopped = tf.tidy(() => runGraph(model, x, undefined, 'block1_conv2').shape);
    expect(stopped).toEqual([1, 16, 16, 4]);
    x.dispose();
    model.dispose();
  });

  it('runs a Sequential model as its chain', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ name: 'fc1', inputShape: [3], units: 2, kernelInitializer: 'ones' }), tfl.layers.reLU({ name: 'relu' })],
    });
    const y = tf.tidy(() => runGraph(model, tf.tensor2d([[1, -2, 0.5]])).arraySync());
    expect(y).toEqual([[0, 0]]);
    expect(cutLayers(model, ['fc1', 'relu'])).toEqual(['fc1', 'relu']);
    // After its first predict tfjs gives a Sequential model a graph, which runGraph then walks: same answer.
    tf.tidy(() => model.predict(tf.zeros([1, 3])));
    expect(Object.keys(model.nodesByDepth).length).toBeGreaterThan(0);
    expect(tf.tidy(() => runGraph(model, tf.tensor2d([[1, 2, 0.5]])).arraySync())).toEqual([[3.5, 3.5]]);
    expect(cutLayers(model, ['fc1', 'relu'])).toEqual(['fc1', 'relu']);
    model.dispose();
  });

  it("inside a gradient, gives the input gradient the fused layers give, without the kernels' gradients", async () => {
    // A biased, strided linear Conv2D and a biased linear Dense besides the residual graph's bias-free convolutions.
    const biased = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: GRAPH_INPUT_SHAPE, filters: 5, kernelSize: 3, strides: 2, padding: 'valid', biasInitializer: 'ones' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, biasInitializer: 'ones' }),
      ],
    });
    for (const model of [smallResidualModel(3), biased]) {
      const x = tf.tensor(graphImages(2), [2, ...GRAPH_INPUT_SHAPE]);
      const inputGradient = (run: (input: tf.Tensor) => tf.Tensor) => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(run(input), tf.range(1, 4))))(x);
      const kernelsOf = async (run: (input: tf.Tensor) => tf.Tensor) => {
        const profile = await tf.profile(() => {
          inputGradient(run).dispose();
        });
        return profile.kernelNames;
      };
      const ours = inputGradient((input) => runGraph(model, input));
      const fused = inputGradient((input) => model.apply(input, { training: false }) as tf.Tensor);
      const scale = Math.max(...(fused.dataSync() as Float32Array).map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      expect(tf.max(tf.abs(tf.sub(ours, fused))).dataSync()[0]! / scale).toBeLessThan(1e-5);
      // The fused layers' gradient computes the kernel's gradient; runGraph's leaves it to the tape, which prunes it.
      expect(await kernelsOf((input) => model.apply(input, { training: false }) as tf.Tensor)).toContain('Conv2DBackpropFilter');
      const kernels = await kernelsOf((input) => runGraph(model, input));
      expect(kernels).toContain('Conv2DBackpropInput');
      expect(kernels).not.toContain('Conv2DBackpropFilter');
      tf.dispose([x, ours, fused]);
      model.dispose();
    }
  });

  it('refuses to attribute a layer the graph calls twice', () => {
    const input = tfl.input({ shape: [2] });
    const shared = tfl.layers.dense({ name: 'shared', units: 2 });
    const once = tfl.layers.dense({ name: 'once', units: 2 });
    const model = tfl.model({ inputs: input, outputs: shared.apply(once.apply(shared.apply(input))) as tfl.SymbolicTensor });
    expect(layerGeometry(model, ['once']).map((g) => g.neurons)).toEqual([2]);
    expect(() => layerGeometry(model, ['shared'])).toThrow(/Layer shared is called more than once/);
    model.dispose();
  });

  it('refuses a model with two inputs in one line', () => {
    const [a, b] = [tfl.input({ shape: [2] }), tfl.input({ shape: [2] })];
    const model = tfl.model({ inputs: [a, b], outputs: tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor });
    expect(() => tf.tidy(() => runGraph(model, tf.zeros([1, 2])))).toThrow(/one input and one output \(got 2 and 1\)/);
  });
});

describe('partitionsEveryPath and cutLayers', () => {
  it('name the stem, block outputs, pooling and classifier as cuts of a residual graph, not the convolutions a shortcut bypasses', () => {
    const model = smallResidualModel(3);
    const monitored = weightedLayers(model);
    expect(cutLayers(model, monitored)).toEqual(['stem_conv', 'fc']);
    expect(cutLayers(model, ['stem_relu', 'block1_conv1', 'block1_add', 'block1_relu2', 'block2_conv2', 'pool'])).toEqual([
      'stem_relu',
      'block1_add',
      'block1_relu2',
      'pool',
    ]);
    const topology = layerTopology(model);
    expect(partitionsEveryPath(topology, ['block2_conv2', 'block2_shortcut_conv'])).toBe(true);
    // Both are cuts, but one feeds the other: their conductances would count the same flow twice.
    expect(partitionsEveryPath(topology, ['stem_conv', 'fc'])).toBe(false);
    expect(partitionsEveryPath(topology, ['block1_conv2', 'block2_conv2'])).toBe(false);
    model.dispose();
  });

  it('agrees with enumerating every path, for every single layer and pair of layers of both graphs', () => {
    for (const model of [smallResidualModel(3), smallSeparableModel(5)]) {
      const topology = layerTopology(model);
      const paths = allPaths(topology);
      expect(paths.length).toBeGreaterThan(1);
      const names = model.layers.map((l) => l.name).filter((n) => n !== topology.source);
      const sets = names.flatMap((a, i) => [[a], ...names.slice(i + 1).map((b) => [a, b])]);
      for (const set of sets) {
        const exactlyOnce = paths.every((path) => path.filter((layer) => set.includes(layer)).length === 1);
        expect(partitionsEveryPath(topology, set), set.join(' + ')).toBe(exactlyOnce);
      }
      model.dispose();
    }
  });
});
