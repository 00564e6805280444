// DeepVisualInsight benchmark (issue 14): the visualisation model of a demo-sized checkpoint (1,500 instances + 150
// boundary points, d = 1,024) cold and warm-started, the same at 5,000 + 500, boundary-point generation with a
// small dense classifier, and the boundary map at R = 200 and 400, on the WASM backend with our training kernels.
// The fits carry the prediction term through the same classifier, as the product's projection stage does.
// `npx tsx bench/dvi.ts [--skip-5000]` prints JSON.
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {
  boundaryMap,
  boundaryNeighbourPreservation,
  boundaryPoints,
  decode,
  encode,
  fitVisualisationModel,
  neighbourPreservation,
  predictionPreservation,
  type Classify,
  type RepresentationClassifier,
  type VisualisationFit,
} from '../lib/dvi/index.ts';
import { SeededRandom } from '../lib/random/index.ts';
import { selectBackend } from '../trainer/backend.ts';

const D = 1024;
const CLASSES = 10;
/** The instances lie near a 12-dimensional latent space lifted to d = 1,024 (ReLU, small noise), like a CNN layer. */
const LATENT = 12;

interface Timed<T> {
  value: T;
  seconds: number;
  cpuSeconds: number;
}

async function timed<T>(body: () => Promise<T>): Promise<Timed<T>> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = await body();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - wall) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** n rows of d = 1,024 from 10 latent clusters; `drift` scales and jitters them as a later checkpoint would. */
function representations(n: number, drift: number): Float32Array {
  const random = new SeededRandom(1);
  const centres = Float32Array.from({ length: CLASSES * LATENT }, () => random.normal() * 2.5);
  const lift = Float32Array.from({ length: LATENT * D }, () => random.normal() / Math.sqrt(LATENT));
  const noise = new SeededRandom(2);
  const rows = new Float32Array(n * D);
  const z = new Float64Array(LATENT);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < LATENT; l++) {
      z[l] = centres[(i % CLASSES) * LATENT + l]! + noise.normal();
    }
    for (let j = 0; j < D; j++) {
      let v = 0;
      for (let l = 0; l < LATENT; l++) {
        v += z[l]! * lift[l * D + j]!;
      }
      rows[i * D + j] = Math.max(0, v * (1 + drift) + noise.normal() * (0.1 + drift));
    }
  }
  return rows;
}

/** A small dense classifier d -> 64 (ReLU) -> 10 (softmax): random first layer, class means of its features after. */
function denseClassifier(rows: Float32Array, n: number): { classify: Classify; logits: RepresentationClassifier; dispose: () => void } {
  const random = new SeededRandom(3);
  const first = tf.tensor2d(
    Float32Array.from({ length: D * 64 }, () => random.normal() / Math.sqrt(D)),
    [D, 64],
  );
  const { kernel, bias } = tf.tidy(() => {
    const features = tf.relu(tf.matMul(tf.tensor2d(rows, [n, D]), first));
    const labels = tf.cast(
      tf.oneHot(
        tf.tensor1d(
          Int32Array.from({ length: n }, (_, i) => i % CLASSES),
          'int32',
        ),
        CLASSES,
      ),
      'float32',
    );
    const means = tf.div(tf.matMul(labels, features, true, false), tf.expandDims(tf.sum(labels, 0), 1)); // C x 64
    return { kernel: tf.keep(tf.transpose(means)), bias: tf.keep(tf.mul(tf.sum(tf.square(means), 1), -0.5)) };
  });
  const logits: RepresentationClassifier = (x) => tf.add(tf.matMul(tf.relu(tf.matMul(x, first)), kernel), bias);
  const classify: Classify = async (inputs, count) => {
    const probabilities = tf.tidy(() => tf.softmax(logits(tf.tensor2d(inputs, [count, D]))));
    const out = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    return out;
  };
  return { classify, logits, dispose: () => tf.dispose([first, kernel, bias]) };
}

export interface DviBenchCheckpoint {
  instances: number;
  boundaryPoints: number;
  boundaryPointSeconds: number;
  coldSeconds: number;
  coldCpuSeconds: number;
  /** Prediction preservation of the cold layout. */
  coldPredictionPreservation: number;
  warmSeconds: number;
  warmCpuSeconds: number;
  /** Out of 15, for the warm-started layout. */
  neighbourPreservation15: number;
  boundaryNeighbourPreservation15: number;
  predictionPreservation: number;
}

async function checkpointPair(
  n: number,
): Promise<{ result: DviBenchCheckpoint; warm: VisualisationFit; rows: Float32Array; classifier: ReturnType<typeof denseClassifier> }> {
  const first = representations(n, 0);
  const classifier = denseClassifier(first, n);
  const boundary = await timed(() => boundaryPoints(first, D, classifier.classify, { count: Math.round(n / 10), seed: 1 }));
  const cold = await timed(() => fitVisualisationModel(first, D, { boundary: boundary.value.inputs, seed: 1, classifier: classifier.logits }));
  const second = representations(n, 0.05);
  const secondBoundary = await boundaryPoints(second, D, classifier.classify, { count: Math.round(n / 10), seed: 2 });
  const warm = await timed(() =>
    fitVisualisationModel(second, D, { boundary: secondBoundary.inputs, previous: cold.value.model, seed: 2, classifier: classifier.logits }),
  );
  const reconstruct = (model: VisualisationFit['model']) => async (rows: Float32Array) => decode(model, await encode(model, rows));
  const fit = warm.value;
  const model = fit.model;
  const result: DviBenchCheckpoint = {
    instances: n,
    boundaryPoints: boundary.value.count,
    boundaryPointSeconds: boundary.seconds,
    coldSeconds: cold.seconds,
    coldCpuSeconds: cold.cpuSeconds,
    coldPredictionPreservation: await predictionPreservation(first, D, reconstruct(cold.value.model), classifier.classify),
    warmSeconds: warm.seconds,
    warmCpuSeconds: warm.cpuSeconds,
    neighbourPreservation15: 15 * neighbourPreservation(second, D, fit.layout, 15),
    boundaryNeighbourPreservation15: 15 * boundaryNeighbourPreservation(second, D, fit.layout, secondBoundary.inputs, fit.boundaryLayout, 15),
    predictionPreservation: await predictionPreservation(second, D, reconstruct(model), classifier.classify),
  };
  return { result, warm: fit, rows: second, classifier };
}

export async function measureDvi(options: { skip5000?: boolean } = {}): Promise<Record<string, unknown>> {
  const backend = await selectBackend('wasm');
  const demo = await checkpointPair(1500);
  const maps: Record<string, number> = {};
  for (const resolution of [200, 400]) {
    const model = demo.warm.model;
    const map = await timed(() => boundaryMap(demo.warm.layout, (points) => decode(model, points), demo.classifier.classify, { resolution }));
    maps[`boundaryMap${resolution}Ms`] = map.seconds * 1000;
    maps[`boundaryMap${resolution}CpuMs`] = map.cpuSeconds * 1000;
  }
  demo.classifier.dispose();
  let large: DviBenchCheckpoint | null = null;
  if (options.skip5000 !== true) {
    const pair = await checkpointPair(5000);
    pair.classifier.dispose();
    large = pair.result;
  }
  return { backend: backend.name, demo: demo.result, ...maps, large, tensorsLeft: tf.memory().numTensors };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measureDvi({ skip5000: process.argv.includes('--skip-5000') });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
