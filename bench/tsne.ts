// t-SNE benchmark: our Barnes-Hut t-SNE on the instance view's target size (5,000 x 256), and ours against
// tsne-js (exact, O(n²)) on 500 points, and the PCA-50 path side by side with it.
// `npx tsx bench/tsne.ts [--skip-reference] [--pca-only]` prints JSON.
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { nearestNeighbours } from '../monitor/analytics/neighbour-search.ts';
import { meanOf, preservationFromGraph } from '../monitor/analytics/neighbour-preservation.ts';
import { principalCoordinates } from '../monitor/analytics/principal-coordinates.ts';
import { projectCheckpoint } from '../monitor/analytics/projection.ts';
import { embedAffinities, tsne } from '../monitor/analytics/tsne.ts';
import { inputAffinities } from '../monitor/analytics/tsne-affinities.ts';
import { layoutKlDivergence } from '../monitor/analytics/tsne-kl.ts';
import { gaussianClusters, perturbed } from '../tests/monitor/analytics/tsne-fixtures.ts';
import { runTsneJs } from '../tests/monitor/analytics/tsne-reference.ts';

export interface TsneBench {
  /** Wall time of t-SNE on 5,000 x 256 with the default options (perplexity 40, 1000 steps). */
  tsne5000Seconds: number;
  /** tsne-js on 500 x 256 (perplexity 30, its documented settings); null when skipped. */
  referenceSeconds500: number | null;
  /** Ours on the same 500 points and perplexity. */
  oursSeconds500: number;
  speedupVsReference: number | null;
  /** Where the 5,000-point time goes, and the exact KL (t-SNE objective) of both 500-point layouts. */
  details: {
    data: string;
    /** Other processes share the machine's cores; wall times stretch with the load, CPU time much less. */
    cores: number;
    loadAverageAtStart: number;
    cpuSeconds5000: number;
    neighboursSeconds5000: number;
    affinitiesSeconds5000: number;
    optimiseSeconds5000: number;
    oursKl500: number;
    referenceKl500: number | null;
    referenceSteps500: number | null;
  };
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/** Runs the benchmark; `skipReference` leaves out tsne-js (about a minute on 500 points). */
export async function benchTsne(options: { skipReference?: boolean } = {}): Promise<TsneBench> {
  // Ten clusters whose centres are about as far apart as each cluster is wide (separation 1): a hard case
  // for the kNN screen, as noise fills all 256 dimensions; real activations are lower-dimensional.
  const big = gaussianClusters(1, 5000, 256, 10, 1);
  const loadAverageAtStart = loadavg()[0] ?? 0;
  const cpuStart = process.cpuUsage();
  let started = performance.now();
  const graph = nearestNeighbours(big.data, big.d, 120);
  const neighboursSeconds5000 = seconds(started);
  started = performance.now();
  const P = inputAffinities(graph, 40);
  const affinitiesSeconds5000 = seconds(started);
  started = performance.now();
  embedAffinities(P);
  const optimiseSeconds5000 = seconds(started);
  const cpuSeconds5000 = process.cpuUsage(cpuStart).user / 1e6;
  // The three phases are tsne()'s whole body; timing them apart avoids a second 5,000-point run.
  const tsne5000Seconds = neighboursSeconds5000 + affinitiesSeconds5000 + optimiseSeconds5000;

  const small = gaussianClusters(2, 500, 256, 10, 1);
  started = performance.now();
  const ours = tsne(small.data, small.d, { perplexity: 30 });
  const oursSeconds500 = seconds(started);
  const reference = options.skipReference ? null : runTsneJs(small.data, small.d, { perplexity: 30, earlyExaggeration: 4, learningRate: 100, iterations: 1000 }, 1);
  return {
    tsne5000Seconds,
    referenceSeconds500: reference?.seconds ?? null,
    oursSeconds500,
    speedupVsReference: reference ? reference.seconds / oursSeconds500 : null,
    details: {
      data: 'seeded Gaussian clusters: 5000 x 256 in 10 clusters and 500 x 256 in 10, centre spread = within-cluster spread',
      cores: cpus().length,
      loadAverageAtStart,
      cpuSeconds5000,
      neighboursSeconds5000,
      affinitiesSeconds5000,
      optimiseSeconds5000,
      oursKl500: layoutKlDivergence(small.data, small.d, ours, 30),
      referenceKl500: reference ? layoutKlDivergence(small.data, small.d, reference.layout, 30) : null,
      referenceSteps500: reference?.iterations ?? null,
    },
  };
}

export interface TsnePrincipalBench {
  /** PCA-50 path time / current path time, both a cold 1,000-step t-SNE of the same 5,000 x 256 (wall clock). */
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

function timed<T>(body: () => T): { value: T; seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = body();
  return { value, seconds: seconds(started), cpuSeconds: process.cpuUsage(cpu).user / 1e6 };
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
  const principal = benchTsnePrincipal();
  const all = process.argv.includes('--pca-only') ? {} : await benchTsne({ skipReference: process.argv.includes('--skip-reference') });
  console.log(JSON.stringify({ ...all, principal }, null, 2));
}
