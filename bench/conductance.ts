// How much the one-pass, all-layer Layer Conductance costs next to plain gradient passes, and what it
// saves over computing the paper's eight layers one at a time. Run: npx tsx bench/conductance.ts
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildAlexNet } from '../trainer/alexnet.ts';
import { pathAlphas } from '../analysis/attribution/integration-path.ts';
import { runLayers } from '../analysis/attribution/layer-chain.ts';
import { layerConductance } from '../analysis/attribution/layer-conductance.ts';
import { ALEXNET_LAYERS } from '../trainer/alexnet-layers.ts';

export interface BenchConductanceOptions {
  /** Images attributed (default 16). */
  instances?: number;
  /** Integration steps m (default 50). */
  steps?: number;
  /** Path points per pass, for every method timed (default 128). */
  batchSize?: number;
  /** 'auto' (default) uses wasm with the training kernels when they load, else cpu. */
  backend?: 'auto' | 'wasm' | 'cpu';
  seed?: number;
}

export interface BenchConductanceResult {
  backend: string;
  instances: number;
  steps: number;
  batchSize: number;
  /** Process CPU time (user + system), milliseconds: what the ratios use. */
  allLayersMs: number;
  plainPassesMs: number;
  oneLayerAtATimeMs: number;
  /** Wall times, milliseconds, for reference. */
  wallMs: { allLayers: number; plainPasses: number; oneLayerAtATime: number };
  /** All-layer conductance time / time of instances * steps plain forward+backward passes (input gradient of the logit). */
  allLayersVsPasses: number;
  /** The eight one-layer runs / the all-layer run: `conductance_per_layer_speedup`. */
  perLayerSpeedup: number;
}

/**
 * Runs `work` and returns its CPU and wall milliseconds. CPU time, because the bench machines are shared:
 * two wall-clock runs at load average 3.4 on 2 cores gave all-layer / plain ratios of 1.0 and 1.6.
 */
async function timed(work: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1000, wall: performance.now() - wall };
}

const KERNELS = fileURLToPath(new URL('../trainer/kernels/register-wasm-training-kernels.ts', import.meta.url));

async function useBackend(choice: 'auto' | 'wasm' | 'cpu'): Promise<string> {
  if (choice !== 'cpu' && existsSync(KERNELS)) {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      const { registerWasmTrainingKernels } = (await import(pathToFileURL(KERNELS).href)) as { registerWasmTrainingKernels: () => void };
      registerWasmTrainingKernels();
      if ((await tf.setBackend('wasm')) && tf.getBackend() === 'wasm') {
        await tf.ready();
        return `wasm (${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'simd' : 'no simd'}) + training kernels`;
      }
    } catch (error) {
      if (choice === 'wasm') {
        throw error;
      }
    }
  }
  if (choice === 'wasm') {
    throw new Error(`The wasm backend with ${KERNELS} is not available. Use --backend=cpu or auto.`);
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

/** `count * (points - 1)` plain passes over the same path points: the gradient of the target logit wrt the input. */
async function plainPasses(model: tfl.LayersModel, images: Float32Array, targets: Int32Array, alphas: Float64Array, batchSize: number): Promise<void> {
  const pixels = 32 * 32 * 3;
  const rows: [number, number][] = [];
  targets.forEach((_, i) => alphas.slice(0, -1).forEach((a) => rows.push([i, a])));
  for (let from = 0; from < rows.length; from += batchSize) {
    const chunk = rows.slice(from, from + batchSize);
    const inputs = new Float32Array(chunk.length * pixels);
    const weights = new Float32Array(chunk.length * 10);
    chunk.forEach(([i, a], r) => {
      for (let p = 0; p < pixels; p++) {
        inputs[r * pixels + p] = a * images[i * pixels + p]!;
      }
      weights[r * 10 + targets[i]!] = 1;
    });
    const gradient = tf.tidy(() => {
      const w = tf.tensor2d(weights, [chunk.length, 10]);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(runLayers(model, x), w)))(tf.tensor4d(inputs, [chunk.length, 32, 32, 3]));
    });
    await gradient.data();
    gradient.dispose();
  }
}

const ROUNDS = 5;

/** The run with the median CPU time. */
function medianRun(runs: { cpu: number; wall: number }[]): { cpu: number; wall: number } {
  return [...runs].sort((a, b) => a.cpu - b.cpu)[Math.floor(runs.length / 2)]!;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Times the three ways on AlexNet-32 with a fixed seed; each is warmed up once on one instance first. */
export async function benchConductance(options: BenchConductanceOptions = {}): Promise<BenchConductanceResult> {
  const instances = options.instances ?? 16;
  const steps = options.steps ?? 50;
  const batchSize = options.batchSize ?? 128;
  const backend = await useBackend(options.backend ?? 'auto');
  const model = buildAlexNet({ variant: 'alexnet-32', classCount: 10, seed: options.seed ?? 1 });
  const images = Float32Array.from({ length: instances * 32 * 32 * 3 }, (_, i) => (Math.sin(i * 0.731 + (options.seed ?? 1)) + 1) / 2);
  const alphas = pathAlphas('gausslegendre', steps + 1);
  const one = images.subarray(0, 32 * 32 * 3);

  await layerConductance(model, one, { steps, batchSize });
  const targets = (await layerConductance(model, one, { steps, batchSize })).targets;
  const allTargets = (await layerConductance(model, images, { steps: 1, batchSize })).targets;
  await plainPasses(model, one, targets, alphas, batchSize);
  // Paired rounds: each round times both back to back, the first of the pair alternating, and the ratio is the median
  // of the rounds' own ratios. Comparing the medians of separately timed runs let a slow phase of the machine (the
  // other core's load, a garbage collection of the downloaded maps) land on one side only: 1.24-1.61 across runs.
  const allLayerRuns: { cpu: number; wall: number }[] = [];
  const passRuns: { cpu: number; wall: number }[] = [];
  const ratios: number[] = [];
  const timeConductance = () => timed(() => layerConductance(model, images, { steps, batchSize }));
  const timePasses = () => timed(() => plainPasses(model, images, allTargets, alphas, batchSize));
  for (let round = 0; round < ROUNDS; round++) {
    let c: { cpu: number; wall: number };
    let p: { cpu: number; wall: number };
    if (round % 2 === 0) {
      c = await timeConductance();
      p = await timePasses();
    } else {
      p = await timePasses();
      c = await timeConductance();
    }
    allLayerRuns.push(c);
    passRuns.push(p);
    ratios.push(c.cpu / p.cpu);
  }
  const allLayers = medianRun(allLayerRuns);
  const passes = medianRun(passRuns);

  const oneLayerAtATime = await timed(async () => {
    for (const layer of ALEXNET_LAYERS) {
      await layerConductance(model, images, { steps, batchSize, layers: [layer], targets: allTargets });
    }
  });
  model.dispose();
  return {
    backend,
    instances,
    steps,
    batchSize,
    allLayersMs: allLayers.cpu,
    plainPassesMs: passes.cpu,
    oneLayerAtATimeMs: oneLayerAtATime.cpu,
    wallMs: { allLayers: allLayers.wall, plainPasses: passes.wall, oneLayerAtATime: oneLayerAtATime.wall },
    allLayersVsPasses: median(ratios),
    perLayerSpeedup: oneLayerAtATime.cpu / allLayers.cpu,
  };
}

function parseFlags(argv: string[]): BenchConductanceOptions {
  const options: BenchConductanceOptions = {};
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    const n = Number(value);
    if (key === 'backend' && (value === 'auto' || value === 'wasm' || value === 'cpu')) {
      options.backend = value;
    } else if ((key === 'instances' || key === 'steps' || key === 'batchSize' || key === 'seed') && Number.isInteger(n) && n > 0) {
      options[key] = n;
    } else {
      throw new Error(`Unknown or invalid flag '${arg}'. Use --instances=16 --steps=50 --batchSize=128 --seed=1 --backend=auto|wasm|cpu.`);
    }
  }
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchConductance(parseFlags(process.argv.slice(2)));
  console.log(JSON.stringify({ ...result, conductance_per_layer_speedup: result.perLayerSpeedup }, null, 2));
}
