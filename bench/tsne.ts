// t-SNE benchmark: our t-SNE on the instance view's target size (5,000 x 256) with the SIMD kernels and with the JS
// loops side by side, before and after the FFT repulsion and step schedule, the product's PCA-50 path and a
// demo-sized checkpoint phase by phase, ours against tsne-js (exact, O(n²)) on 500 points.
// `npx tsx bench/tsne.ts [--skip-reference] [--skip-pca | --pca-only]` prints JSON.
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { nearestNeighbours, type NeighbourGraph } from '../lib/neighbours/neighbour-search.ts';
import { meanOf, preservationFromGraph } from '../lib/neighbours/neighbour-preservation.ts';
import { principalCoordinates } from '../lib/neighbours/principal-coordinates.ts';
import { firstColumns, projectCheckpoint } from '../analysis/checkpoint-projection.ts';
import { embedAffinities, tsne, type TsneOptions } from '../lib/tsne/tsne.ts';
import { inputAffinities } from '../lib/tsne/tsne-affinities.ts';
import { layoutKlDivergence, sparseKlDivergence } from '../tests/lib/tsne/tsne-kl.ts';
import { gaussianClusters, perturbed } from '../tests/lib/tsne/tsne-fixtures.ts';
import { runTsneJs } from '../tests/lib/tsne/tsne-reference.ts';

export interface TsneBench {
  /** Wall time of t-SNE on 5,000 x 256 with the default options (neighbours, affinities, optimisation). */
  tsne5000Seconds: number;
  /** The same in CPU seconds of this process, which other processes on the machine stretch much less. */
  tsne5000CpuSeconds: number;
  /** Before: the same neighbours and affinities, optimised as before this change (see `BEFORE`). */
  before5000Seconds: number;
  before5000CpuSeconds: number;
  /** before / after, in CPU time. */
  speedupVsBefore: number;
  /** The default layout with the JS loops for the neighbour search and the attraction (`simd: false`). */
  jsLoops5000Seconds: number;
  jsLoops5000CpuSeconds: number;
  /** JS loops / SIMD kernels, in CPU time of the whole layout (same neighbours, same layout bits). */
  speedupVsJsLoops: number;
  /**
   * The product's path (the instances stage): PCA to 50 dimensions, kNN there, affinities, default optimisation,
   * CPU seconds of the same 5,000 x 256. The headline; `tsne5000CpuSeconds` is the same layout without the PCA.
   */
  tsne5000Pca50CpuSeconds: number;
  /** tsne-js on 500 x 256 (perplexity 30, its documented settings); null when skipped. */
  referenceSeconds500: number | null;
  /** Ours on the same 500 points and perplexity. */
  oursSeconds500: number;
  speedupVsReference: number | null;
  /** Where the 5,000-point time goes, layout quality before and after, and the exact KL on 500 points. */
  details: {
    data: string;
    /** Other processes share the machine's cores; wall times stretch with the load, CPU time much less. */
    cores: number;
    loadAverageAtStart: number;
    neighboursSeconds5000: number;
    affinitiesSeconds5000: number;
    prepareCpuSeconds5000: number;
    /** The exact kNN (k = 120) of 5,000 x 256 and the score's (k = 15) of 1,500 x 1,024, by each kernel. */
    neighbours: Record<string, NeighbourRun>;
    /** The optimisation alone, per variant, on the same P: wall and CPU seconds, gradient steps, quality. */
    optimise5000: Record<string, OptimiseRun>;
    /** The PCA-50 path's phases in CPU seconds (PCA by the SIMD kernel and by the JS loops), its layout's quality. */
    productPath5000: ProductPath;
    /** One demo-sized checkpoint (1,500 x 1,024, PCA-50), cold and then warm, phase by phase in CPU seconds. */
    demoCheckpoint1500: DemoCheckpoint;
    oursKl500: number;
    beforeKl500: number;
    referenceKl500: number | null;
    /** ours / tsne-js exact KL on 500 points (< 1: ours is lower); null when skipped. */
    klVsReference500: number | null;
    referenceSteps500: number | null;
  };
}

export interface OptimiseRun {
  seconds: number;
  cpuSeconds: number;
  steps: number;
  /** KL(P || Q) of the layout under the sparse P it optimised (exact Z over all pairs). */
  kl: number;
  /** kNN preservation (k = 15) against the 256-D neighbours. */
  preservation: number;
}

export interface ProductPath {
  pcaCpuSeconds: number;
  pcaJsCpuSeconds: number;
  neighboursCpuSeconds: number;
  affinitiesCpuSeconds: number;
  optimise: OptimiseRun;
}

export interface DemoCheckpoint {
  coldCpuSeconds: number;
  /** The warm start's phases: PCA-50 (kernel / JS loops), kNN (k = 120) in 50-D, affinities, 300 steps, and the
   * neighbour-preservation score's kNN (k = 15) in the full 1,024-D. */
  pcaCpuSeconds: number;
  pcaJsCpuSeconds: number;
  neighboursCpuSeconds: number;
  affinitiesCpuSeconds: number;
  optimiseCpuSeconds: number;
  scoreNeighboursCpuSeconds: number;
  warmCpuSeconds: number;
}

export interface NeighbourRun {
  n: number;
  d: number;
  k: number;
  jsCpuSeconds: number;
  simdCpuSeconds: number;
  /** Share of the JS search's neighbours the SIMD search found (both are exact: 1 unless one is wrong). */
  recall: number;
}

/** The optimisation as it was before the FFT repulsion and the larger final step: Barnes-Hut, 1,000 steps at 100. */
export const BEFORE: TsneOptions = { repulsion: 'barnes-hut', iterations: 1000, finalLearningRate: 100 };

/** Variants timed on the same P: before, each lever alone, and the default. `fft` alone is FIt-SNE's grid throughout. */
const VARIANTS: Record<string, TsneOptions> = {
  before: BEFORE,
  scheduleOnly: { repulsion: 'barnes-hut' },
  fftOnly: { repulsion: 'fft' },
  default: {},
  jsLoops: { simd: false },
  /** The previous pass's schedule: 250 exaggeration steps (now 150 from 500 points on), 250 after. */
  exaggeration250: { exaggerationIterations: 250, iterations: 500 },
};

const seconds = (since: number) => (performance.now() - since) / 1000;

interface Timed<T> {
  value: T;
  seconds: number;
  cpuSeconds: number;
}

function timed<T>(body: () => T): Timed<T> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = body();
  return { value, seconds: seconds(started), cpuSeconds: process.cpuUsage(cpu).user / 1e6 };
}

/** Runs the benchmark; `skipReference` leaves out tsne-js (about two minutes on 500 points). */
export async function benchTsne(options: { skipReference?: boolean } = {}): Promise<TsneBench> {
  // Ten clusters whose centres are about as far apart as each cluster is wide (separation 1): a hard case
  // for the kNN screen, as noise fills all 256 dimensions; real activations are lower-dimensional.
  const big = gaussianClusters(1, 5000, 256, 10, 1);
  const loadAverageAtStart = loadavg()[0] ?? 0;
  const neighbours = timed(() => nearestNeighbours(big.data, big.d, 120));
  const jsNeighbours = timed(() => nearestNeighbours(big.data, big.d, 120, { kernel: 'js' }));
  const demo = gaussianClusters(3, 1500, 1024, 10, 1);
  const demoSimd = timed(() => nearestNeighbours(demo.data, demo.d, 15));
  const demoJs = timed(() => nearestNeighbours(demo.data, demo.d, 15, { kernel: 'js' }));
  const affinities = timed(() => inputAffinities(neighbours.value, 40));
  const high = firstColumns(neighbours.value, 15);
  const optimise5000: Record<string, OptimiseRun> = {};
  for (const [name, variant] of Object.entries(VARIANTS)) {
    let steps = 0;
    const run = timed(() => embedAffinities(affinities.value, { ...variant, onProgress: (_step, total) => (steps = total) }));
    optimise5000[name] = {
      seconds: run.seconds,
      cpuSeconds: run.cpuSeconds,
      steps,
      kl: sparseKlDivergence(affinities.value, run.value),
      preservation: meanOf(preservationFromGraph(high, run.value, 15)),
    };
  }
  // tsne()'s whole body is the three phases; timing them apart avoids more 5,000-point runs.
  const prepareSeconds = neighbours.seconds + affinities.seconds;
  const prepareCpuSeconds = neighbours.cpuSeconds + affinities.cpuSeconds;
  const after = optimise5000.default!;
  const before = optimise5000.before!;
  const jsLoops = optimise5000.jsLoops!;
  const jsPrepareCpuSeconds = jsNeighbours.cpuSeconds + affinities.cpuSeconds;

  const productPath5000 = productPath(big.data, big.d, high);
  const demoCheckpoint1500 = demoCheckpoint(demo.data, demo.d);

  const small = gaussianClusters(2, 500, 256, 10, 1);
  const ours = timed(() => tsne(small.data, small.d, { perplexity: 30 }));
  const previous = tsne(small.data, small.d, { perplexity: 30, ...BEFORE });
  const reference = options.skipReference
    ? null
    : runTsneJs(small.data, small.d, { perplexity: 30, earlyExaggeration: 4, learningRate: 100, iterations: 1000 }, 1);
  const oursKl500 = layoutKlDivergence(small.data, small.d, ours.value, 30);
  const referenceKl500 = reference ? layoutKlDivergence(small.data, small.d, reference.layout, 30) : null;
  return {
    tsne5000Seconds: prepareSeconds + after.seconds,
    tsne5000CpuSeconds: prepareCpuSeconds + after.cpuSeconds,
    before5000Seconds: prepareSeconds + before.seconds,
    before5000CpuSeconds: prepareCpuSeconds + before.cpuSeconds,
    speedupVsBefore: (prepareCpuSeconds + before.cpuSeconds) / (prepareCpuSeconds + after.cpuSeconds),
    jsLoops5000Seconds: jsNeighbours.seconds + affinities.seconds + jsLoops.seconds,
    jsLoops5000CpuSeconds: jsPrepareCpuSeconds + jsLoops.cpuSeconds,
    speedupVsJsLoops: (jsPrepareCpuSeconds + jsLoops.cpuSeconds) / (prepareCpuSeconds + after.cpuSeconds),
    tsne5000Pca50CpuSeconds:
      productPath5000.pcaCpuSeconds + productPath5000.neighboursCpuSeconds + productPath5000.affinitiesCpuSeconds + productPath5000.optimise.cpuSeconds,
    referenceSeconds500: reference?.seconds ?? null,
    oursSeconds500: ours.seconds,
    speedupVsReference: reference ? reference.seconds / ours.seconds : null,
    details: {
      data: 'seeded Gaussian clusters: 5000 x 256 in 10 clusters and 500 x 256 in 10, centre spread = within-cluster spread',
      cores: cpus().length,
      loadAverageAtStart,
      neighboursSeconds5000: neighbours.seconds,
      affinitiesSeconds5000: affinities.seconds,
      prepareCpuSeconds5000: prepareCpuSeconds,
      neighbours: {
        tsne5000: neighbourRun(neighbours, jsNeighbours, big.d),
        demoScore1500: neighbourRun(demoSimd, demoJs, demo.d),
      },
      optimise5000,
      productPath5000,
      demoCheckpoint1500,
      oursKl500,
      beforeKl500: layoutKlDivergence(small.data, small.d, previous, 30),
      referenceKl500,
      klVsReference500: referenceKl500 === null ? null : oursKl500 / referenceKl500,
      referenceSteps500: reference?.iterations ?? null,
    },
  };
}

function productPath(data: Float32Array, d: number, high: NeighbourGraph): ProductPath {
  const pcaJs = timed(() => principalCoordinates(data, d, 50, { simd: false }));
  const pca = timed(() => principalCoordinates(data, d, 50));
  const neighbours = timed(() => nearestNeighbours(pca.value.coordinates, 50, 120));
  const affinities = timed(() => inputAffinities(neighbours.value, 40));
  let steps = 0;
  const run = timed(() => embedAffinities(affinities.value, { onProgress: (_step, total) => (steps = total) }));
  return {
    pcaCpuSeconds: pca.cpuSeconds,
    pcaJsCpuSeconds: pcaJs.cpuSeconds,
    neighboursCpuSeconds: neighbours.cpuSeconds,
    affinitiesCpuSeconds: affinities.cpuSeconds,
    optimise: {
      seconds: run.seconds,
      cpuSeconds: run.cpuSeconds,
      steps,
      kl: sparseKlDivergence(affinities.value, run.value),
      preservation: meanOf(preservationFromGraph(high, run.value, 15)),
    },
  };
}

function demoCheckpoint(data: Float32Array, d: number): DemoCheckpoint {
  const cold = timed(() => projectCheckpoint(data, d, null, { principalDimensions: 50 }));
  const next = perturbed(data, 7, 0.1);
  const pcaJs = timed(() => principalCoordinates(next, d, 50, { simd: false }));
  const pca = timed(() => principalCoordinates(next, d, 50));
  const neighbours = timed(() => nearestNeighbours(pca.value.coordinates, 50, 120));
  const affinities = timed(() => inputAffinities(neighbours.value, 40));
  const optimise = timed(() => embedAffinities(affinities.value, { init: cold.value.layout }));
  const score = timed(() => nearestNeighbours(next, d, 15));
  const warm = timed(() => projectCheckpoint(next, d, cold.value.layout, { principalDimensions: 50 }));
  return {
    coldCpuSeconds: cold.cpuSeconds,
    pcaCpuSeconds: pca.cpuSeconds,
    pcaJsCpuSeconds: pcaJs.cpuSeconds,
    neighboursCpuSeconds: neighbours.cpuSeconds,
    affinitiesCpuSeconds: affinities.cpuSeconds,
    optimiseCpuSeconds: optimise.cpuSeconds,
    scoreNeighboursCpuSeconds: score.cpuSeconds,
    warmCpuSeconds: warm.cpuSeconds,
  };
}

function neighbourRun(simd: Timed<NeighbourGraph>, js: Timed<NeighbourGraph>, d: number): NeighbourRun {
  const { n, k } = js.value;
  let found = 0;
  const mark = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      mark[js.value.indices[i * k + r]!] = i;
    }
    for (let r = 0; r < k; r++) {
      found += mark[simd.value.indices[i * k + r]!] === i ? 1 : 0;
    }
  }
  return { n, d, k, jsCpuSeconds: js.cpuSeconds, simdCpuSeconds: simd.cpuSeconds, recall: found / (n * k) };
}

export interface TsnePrincipalBench {
  /** PCA-50 path time / current path time, both a cold default t-SNE of the same 5,000 x 256 (wall clock). */
  pca50VsFullRatio: number;
  /** The same ratio in CPU time, which other processes on the machine stretch much less. */
  pca50VsFullCpuRatio: number;
  fullSeconds: number;
  pca50Seconds: number;
  /** One checkpoint as the instance stage runs it: PCA-50, warm start (300 steps), alignment, full-space score. */
  warmCheckpointSeconds: number;
  details: {
    loadAverageAtStart: number;
    /** Neighbours + affinities of each path; the optimisation is the same work in both. */
    fullPrepareSeconds: number;
    pca50PrepareSeconds: number;
    fullOptimiseSeconds: number;
    pca50OptimiseSeconds: number;
    /** CPU seconds of the same phases. */
    fullPrepareCpuSeconds: number;
    pca50PrepareCpuSeconds: number;
    fullOptimiseCpuSeconds: number;
    pca50OptimiseCpuSeconds: number;
    warmCheckpointCpuSeconds: number;
    capturedVariance: number;
    /** kNN preservation (k = 15) of each layout against the full 256-D neighbours. */
    fullPreservation: number;
    pca50Preservation: number;
    /** Exact KL on the full 500 x 256 data (perplexity 30) of the direct and the PCA-50 layout. */
    fullKl500: number;
    pca50Kl500: number;
  };
}

/** The current t-SNE path against PCA to 50 dimensions first, on the 5,000 x 256 benchmark data. */
export function benchTsnePrincipal(): TsnePrincipalBench {
  const big = gaussianClusters(1, 5000, 256, 10, 1);
  const loadAverageAtStart = loadavg()[0] ?? 0;
  const fullPrepare = timed(() => inputAffinities(nearestNeighbours(big.data, big.d, 120), 40));
  const fullOptimise = timed(() => embedAffinities(fullPrepare.value));
  const reduced = principalCoordinates(big.data, big.d, 50);
  const pcaPrepare = timed(() => inputAffinities(nearestNeighbours(principalCoordinates(big.data, big.d, 50).coordinates, 50, 120), 40));
  const pcaOptimise = timed(() => embedAffinities(pcaPrepare.value));
  const high = nearestNeighbours(big.data, big.d, 15);
  const warm = timed(() => projectCheckpoint(perturbed(big.data, 7, 0.1), big.d, pcaOptimise.value, { principalDimensions: 50 }));

  const small = gaussianClusters(2, 500, 256, 10, 1);
  const direct = tsne(small.data, small.d, { perplexity: 30 });
  const viaPca = tsne(principalCoordinates(small.data, small.d, 50).coordinates, 50, { perplexity: 30 });
  const fullSeconds = fullPrepare.seconds + fullOptimise.seconds;
  const pca50Seconds = pcaPrepare.seconds + pcaOptimise.seconds;
  return {
    pca50VsFullRatio: pca50Seconds / fullSeconds,
    pca50VsFullCpuRatio: (pcaPrepare.cpuSeconds + pcaOptimise.cpuSeconds) / (fullPrepare.cpuSeconds + fullOptimise.cpuSeconds),
    fullSeconds,
    pca50Seconds,
    warmCheckpointSeconds: warm.seconds,
    details: {
      loadAverageAtStart,
      fullPrepareSeconds: fullPrepare.seconds,
      pca50PrepareSeconds: pcaPrepare.seconds,
      fullOptimiseSeconds: fullOptimise.seconds,
      pca50OptimiseSeconds: pcaOptimise.seconds,
      fullPrepareCpuSeconds: fullPrepare.cpuSeconds,
      pca50PrepareCpuSeconds: pcaPrepare.cpuSeconds,
      fullOptimiseCpuSeconds: fullOptimise.cpuSeconds,
      pca50OptimiseCpuSeconds: pcaOptimise.cpuSeconds,
      warmCheckpointCpuSeconds: warm.cpuSeconds,
      capturedVariance: reduced.capturedVariance,
      fullPreservation: meanOf(preservationFromGraph(high, fullOptimise.value, 15)),
      pca50Preservation: meanOf(preservationFromGraph(high, pcaOptimise.value, 15)),
      fullKl500: layoutKlDivergence(small.data, small.d, direct, 30),
      pca50Kl500: layoutKlDivergence(small.data, small.d, viaPca, 30),
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const all = process.argv.includes('--pca-only') ? {} : await benchTsne({ skipReference: process.argv.includes('--skip-reference') });
  const principal = process.argv.includes('--skip-pca') ? null : benchTsnePrincipal();
  console.log(JSON.stringify({ ...all, principal }, null, 2));
}
