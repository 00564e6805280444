// t-SNE benchmark: our Barnes-Hut t-SNE on the instance view's target size (5,000 x 256), and ours against
// tsne-js (exact, O(n²)) on 500 points. `npx tsx bench/tsne.ts [--skip-reference]` prints JSON.
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { nearestNeighbours } from '../monitor/analytics/neighbour-search.ts';
import { embedAffinities, tsne } from '../monitor/analytics/tsne.ts';
import { inputAffinities } from '../monitor/analytics/tsne-affinities.ts';
import { layoutKlDivergence } from '../monitor/analytics/tsne-kl.ts';
import { gaussianClusters } from '../tests/monitor/analytics/tsne-fixtures.ts';
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

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchTsne({ skipReference: process.argv.includes('--skip-reference') }), null, 2));
}
