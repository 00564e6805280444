// How much the one-pass, all-layer Layer Conductance costs next to plain gradient passes, and what it
// saves over computing the monitored layers one at a time, on AlexNet-32, ResNet-20 or MobileNet-32.
// Run: npx tsx bench/conductance.ts [--model=resnet-20]
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildAlexNet } from '../trainer/alexnet.ts';
import { pathAlphas } from '../analysis/attribution/integration-path.ts';
import { runGraph } from '../analysis/attribution/layer-graph.ts';
import { layerConductance } from '../analysis/attribution/layer-conductance.ts';
import { buildResNet20 } from '../trainer/models/resnet-20.ts';
import { buildMobileNet32 } from '../trainer/models/mobilenet-32.ts';

export type BenchConductanceModel = 'alexnet-32' | 'resnet-20' | 'mobilenet-32';

export const BENCH_CONDUCTANCE_MODELS: readonly BenchConductanceModel[] = ['alexnet-32', 'resnet-20', 'mobilenet-32'];

export interface BenchConductanceOptions {
  /** The network attributed (default 'alexnet-32'); its monitored layers are every Conv2D, DepthwiseConv2D and Dense. */
  model?: BenchConductanceModel;
  /** Images attributed (default 16). */
  instances?: number;
  /** Integration steps m (default 50). */
  steps?: number;
  /** Path points per pass, for every method timed (default 128). */
  batchSize?: number;
  /** Also time one run per monitored layer for `perLayerSpeedup` (default true; 22 runs on ResNet-20). */
  perLayer?: boolean;
  /** Paired timing rounds (default 7). */
  rounds?: number;
  /** 'auto' (default) uses wasm with the training kernels when they load, else cpu. */
  backend?: 'auto' | 'wasm' | 'cpu';
  seed?: number;
}

export interface BenchConductanceResult {
  backend: string;
  model: BenchConductanceModel;
  /** How many layers were attributed. */
  monitoredLayers: number;
  instances: number;
  steps: number;
  batchSize: number;
  /** Process CPU time (user + system), milliseconds: what the ratios use. */
  allLayersMs: number;
  plainPassesMs: number;
  /** NaN when `perLayer` was false. */
  oneLayerAtATimeMs: number;
  /** Wall times, milliseconds, for reference. */
  wallMs: { allLayers: number; plainPasses: number; oneLayerAtATime: number };
  /**
   * All-layer conductance time / time of instances * steps plain forward+backward passes (input gradient of the logit):
   * the least CPU time of each side over the rounds. A slowed run only ever adds time, and on this machine it came in
   * spells of a few rounds on one side only, so the median of the paired ratios moved with it (see `pairedRatios`).
   */
  allLayersVsPasses: number;
  /** Each round's all-layer / plain CPU ratio, in round order (the first of the pair alternates). */
  pairedRatios: number[];
  /** The median of `pairedRatios`, what the row reported before. */
  medianPairedRatio: number;
  /** Each round's CPU milliseconds per side, in round order. */
  roundsCpuMs: { allLayers: number[]; plainPasses: number[] };
  /** The one-layer runs (one per monitored layer) / the all-layer run: `conductance_per_layer_speedup`. */
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
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(runGraph(model, x), w)))(tf.tensor4d(inputs, [chunk.length, 32, 32, 3]));
    });
    await gradient.data();
    gradient.dispose();
  }
}

/** The run with the least CPU time: the least disturbed one. */
function fastestRun(runs: { cpu: number; wall: number }[]): { cpu: number; wall: number } {
  return [...runs].sort((a, b) => a.cpu - b.cpu)[0]!;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

const MONITORED_CLASSES = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);

function buildModel(name: BenchConductanceModel, seed: number): tfl.LayersModel {
  switch (name) {
    case 'resnet-20':
      return buildResNet20({ classCount: 10, seed });
    case 'mobilenet-32':
      return buildMobileNet32({ classCount: 10, seed });
    default:
      return buildAlexNet({ variant: 'alexnet-32', classCount: 10, seed });
  }
}

/** Times the three ways on the chosen 32x32 network with a fixed seed, after one untimed run of the all-layer and plain passes. */
export async function benchConductance(options: BenchConductanceOptions = {}): Promise<BenchConductanceResult> {
  const instances = options.instances ?? 16;
  const steps = options.steps ?? 50;
  const batchSize = options.batchSize ?? 128;
  const backend = await useBackend(options.backend ?? 'auto');
  const modelName = options.model ?? 'alexnet-32';
  const model = buildModel(modelName, options.seed ?? 1);
  const layers = model.layers.filter((l) => MONITORED_CLASSES.has(l.getClassName())).map((l) => l.name);
  const images = Float32Array.from({ length: instances * 32 * 32 * 3 }, (_, i) => (Math.sin(i * 0.731 + (options.seed ?? 1)) + 1) / 2);
  const alphas = pathAlphas('gausslegendre', steps + 1);

  const allTargets = (await layerConductance(model, images, { steps: 1, batchSize, layers })).targets;
  // One untimed run of each at full size: without it the first timed conductance run (it goes first) was 10-30% slower
  // than the later ones.
  await layerConductance(model, images, { steps, batchSize, layers });
  await plainPasses(model, images, allTargets, alphas, batchSize);
  // Paired rounds: each round times both back to back, the first of the pair alternating. The ratio is that of each
  // side's fastest round: runs slowed by 15-65% came in spells of three or four rounds on one side only (the other side's
  // rounds in between were not slowed), so neither the median of the paired ratios nor that of each side held still
  // (1.24-1.61 across runs of this row on a quiet machine). Both sides get the same number of tries.
  const allLayerRuns: { cpu: number; wall: number }[] = [];
  const passRuns: { cpu: number; wall: number }[] = [];
  const ratios: number[] = [];
  const timeConductance = () => timed(() => layerConductance(model, images, { steps, batchSize, layers }));
  const timePasses = () => timed(() => plainPasses(model, images, allTargets, alphas, batchSize));
  for (let round = 0; round < (options.rounds ?? 7); round++) {
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
  const allLayers = fastestRun(allLayerRuns);
  const passes = fastestRun(passRuns);

  const oneLayerAtATime =
    options.perLayer === false
      ? { cpu: NaN, wall: NaN }
      : await timed(async () => {
          for (const layer of layers) {
            await layerConductance(model, images, { steps, batchSize, layers: [layer], targets: allTargets });
          }
        });
  model.dispose();
  return {
    backend,
    model: modelName,
    monitoredLayers: layers.length,
    instances,
    steps,
    batchSize,
    allLayersMs: allLayers.cpu,
    plainPassesMs: passes.cpu,
    oneLayerAtATimeMs: oneLayerAtATime.cpu,
    wallMs: { allLayers: allLayers.wall, plainPasses: passes.wall, oneLayerAtATime: oneLayerAtATime.wall },
    allLayersVsPasses: allLayers.cpu / passes.cpu,
    pairedRatios: ratios,
    medianPairedRatio: median(ratios),
    roundsCpuMs: { allLayers: allLayerRuns.map((r) => r.cpu), plainPasses: passRuns.map((r) => r.cpu) },
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
    } else if (key === 'model' && BENCH_CONDUCTANCE_MODELS.includes(value as BenchConductanceModel)) {
      options.model = value as BenchConductanceModel;
    } else if (key === 'perLayer' && (value === 'true' || value === 'false')) {
      options.perLayer = value === 'true';
    } else if ((key === 'instances' || key === 'steps' || key === 'batchSize' || key === 'seed' || key === 'rounds') && Number.isInteger(n) && n > 0) {
      options[key] = n;
    } else {
      throw new Error(
        `Unknown or invalid flag '${arg}'. Use --model=${BENCH_CONDUCTANCE_MODELS.join('|')} --instances=16 --steps=50 --batchSize=128 --seed=1 --rounds=7 --perLayer=true|false --backend=auto|wasm|cpu.`,
      );
    }
  }
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchConductance(parseFlags(process.argv.slice(2)));
  console.log(JSON.stringify({ ...result, conductance_per_layer_speedup: result.perLayerSpeedup }, null, 2));
}
