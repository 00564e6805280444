// The completeness check of `checkedConductance` with its failing paths refined in place (issue 16, item 2): a coarse
// Gauss-Legendre path that misses completeness gets the midpoint of every step, reusing the coarse pass's points.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayerConductance, LayerConductanceOptions } from './layer-conductance.ts';
import { addStieltjesSum, passOfChunk, preparePass, reduceSpatially, type ChunkPass } from './layer-conductance.ts';
import { checkedLayers, completenessResidual, integratedLogits } from './completeness.ts';
import { layerGeometry } from './layer-graph.ts';
import { pathAlphas } from './integration-path.ts';
import { planPathChunks, type PathSegment } from './path-chunks.ts';

/**
 * Bytes of coarse points (each step's dF/dy at its start and y at its end, every layer) kept per group of instances
 * until their check: it bounds memory, and an instance whose points alone exceed it is not refined (null).
 */
export const KEPT_POINTS_BYTES = 256 * 2 ** 20;

export interface MidpointCheck {
  count: number;
  targets: Int32Array;
  logitAtInput: Float32Array;
  logitAtBaseline: Float32Array;
  /** Stretched to `fineAlphas`' span, as the check's kept results are. */
  layers: LayerConductance[];
  /** Per instance: the residual (`relativeTo: 'attribution'`) of the result given, worst layer. */
  residuals: Float64Array;
  /** Instances that failed the coarse check and were refined at the midpoints, ascending. */
  refined: number[];
}

/** One instance's coarse points for its refinement, per layer: row k of `gradients` is dF/dy(c_k), of `outputs` y(c_{k+1}). */
interface KeptPoints {
  maps: Float64Array[];
  gradients: Float32Array[];
  outputs: Float32Array[];
}

/**
 * Conductances at `checkSteps` Gauss-Legendre steps, stretched to the span of `fineAlphas` (the full rule's points),
 * and checked for completeness against its ends as `checkedConductance` does; every instance whose residual exceeds
 * `tolerance` is refined at the midpoint m_k of each step [c_k, c_{k+1}] (2 * checkSteps steps on the same span). With
 * g = dF/dy and y a layer's output, the finer sum is the coarse one plus
 *   sum_k (g(m_k) - g(c_k)) * (y(c_{k+1}) - y(m_k)),
 * elementwise per position: one pass over the midpoints, whose own points need not be kept. Instances are checked in
 * groups whose coarse points fit in `keptPointsBytes`; the refined residual is that of the refined sums. Null when
 * a single instance's points do not fit.
 */
export async function midpointCheckedConductance(
  model: tfl.LayersModel,
  images: Float32Array,
  options: LayerConductanceOptions & { steps: number },
  fineAlphas: Float64Array,
  tolerance: number,
  keptPointsBytes = KEPT_POINTS_BYTES,
): Promise<MidpointCheck | null> {
  const checkSteps = options.steps;
  const batchSize = options.batchSize ?? 128;
  const widths = layerGeometry(model, options.layers).map((g) => g.positions * g.neurons);
  const keptBytes = 2 * checkSteps * widths.reduce((a, b) => a + b, 0) * Float32Array.BYTES_PER_ELEMENT;
  if (keptBytes > keptPointsBytes) {
    return null;
  }
  const coarseAlphas = pathAlphas('gausslegendre', checkSteps + 1);
  const stretch = (fineAlphas.at(-1)! - fineAlphas[0]!) / (coarseAlphas.at(-1)! - coarseAlphas[0]!);
  const midpoints = Float64Array.from({ length: checkSteps }, (_, k) => (coarseAlphas[k]! + coarseAlphas[k + 1]!) / 2);
  const { pass, count, targets, logitAtInput, logitAtBaseline, layers } = await preparePass(model, images, options, coarseAlphas, batchSize);
  const residuals = new Float64Array(count);
  const refined: number[] = [];
  try {
    const integrated = await integratedLogits(model, images, targets, fineAlphas, options.baseline);
    const checked = checkedLayers(model, layers);
    const residualOf = (i: number) => completenessResidual({ logitAtInput, logitAtBaseline }, checked, i, integrated[i]!, 'attribution');
    const reduce = (i: number, maps: Float64Array[]) => {
      reduceSpatially(maps, pass.geometry, layers, i);
      for (const layer of layers) {
        for (let j = i * layer.neurons; j < (i + 1) * layer.neurons; j++) {
          layer.values[j]! *= stretch;
          layer.summed[j]! *= stretch;
        }
      }
    };
    const group = Math.floor(keptPointsBytes / keptBytes);
    for (let first = 0; first < count; first += group) {
      const kept = coarsePass(pass, first, Math.min(count, first + group), widths, batchSize);
      const failing: number[] = [];
      kept.forEach((points, i) => {
        reduce(i, points.maps);
        residuals[i] = residualOf(i);
        // A residual that is not finite (nothing to scale it by) fails the check too.
        if (!(residuals[i]! <= tolerance)) {
          failing.push(i);
        }
      });
      if (failing.length > 0) {
        midpointPass({ ...pass, alphas: midpoints }, failing, kept, widths, batchSize);
        for (const i of failing) {
          reduce(i, kept.get(i)!.maps);
          residuals[i] = residualOf(i);
          refined.push(i);
        }
      }
    }
  } finally {
    pass.probes.forEach((t) => t.dispose());
  }
  return { count, targets, logitAtInput, logitAtBaseline, layers, residuals, refined };
}

/** The coarse path of instances `first`..`end - 1`: their Stieltjes maps, and the points a refinement needs. */
function coarsePass(pass: ChunkPass, first: number, end: number, widths: number[], batchSize: number): Map<number, KeptPoints> {
  const steps = pass.alphas.length - 1;
  const kept = new Map<number, KeptPoints>();
  for (let i = first; i < end; i++) {
    kept.set(i, {
      maps: widths.map((w) => new Float64Array(w)),
      gradients: widths.map((w) => new Float32Array(steps * w)),
      outputs: widths.map((w) => new Float32Array(steps * w)),
    });
  }
  for (const chunk of planPathChunks(end - first, steps + 1, batchSize)) {
    const segments = chunk.map((s) => ({ ...s, instance: s.instance + first }));
    passOfChunk(pass, segments, (l, y, dy) => {
      const width = widths[l]!;
      let row = 0;
      for (const s of segments) {
        const points = kept.get(s.instance)!;
        const terms = s.to - s.from;
        addStieltjesSum(points.maps[l]!, y, dy, row, terms);
        // Copies, not views: the backend's memory is reused by the next pass.
        points.gradients[l]!.set(dy.subarray(row * width, (row + terms) * width), s.from * width);
        points.outputs[l]!.set(y.subarray((row + 1) * width, (row + 1 + terms) * width), s.from * width);
        row += terms + 1;
      }
    });
  }
  return kept;
}

/** Adds each failing instance's midpoint terms to its map, the midpoints of all of them in passes of `batchSize`. */
function midpointPass(pass: ChunkPass, failing: number[], kept: Map<number, KeptPoints>, widths: number[], batchSize: number): void {
  const steps = pass.alphas.length;
  let chunk: PathSegment[] = [];
  let rows = 0;
  const flush = () => {
    passOfChunk(pass, chunk, (l, y, dy) => {
      let row = 0;
      for (const s of chunk) {
        const points = kept.get(s.instance)!;
        addMidpointTerms(points.maps[l]!, points.gradients[l]!, points.outputs[l]!, y, dy, row, s.from, s.to - s.from + 1, widths[l]!);
        row += s.to - s.from + 1;
      }
    });
    chunk = [];
    rows = 0;
  };
  for (const instance of failing) {
    for (let from = 0; from < steps;) {
      const to = Math.min(steps, from + batchSize - rows) - 1;
      chunk.push({ instance, from, to });
      rows += to - from + 1;
      from = to + 1;
      if (rows === batchSize) {
        flush();
      }
    }
  }
  if (rows > 0) {
    flush();
  }
}

/** Map entries per block, as `addStieltjesSum`'s: the map's block stays in cache over all the segment's midpoints. */
const MIDPOINT_BLOCK = 2048;

/**
 * Adds (g(m_k) - g(c_k)) * (y(c_{k+1}) - y(m_k)) for the `points` midpoints k = `step`.. at rows `first`.. of
 * y and dy (the midpoint pass's), with g(c_k) and y(c_{k+1}) at row k of `gradients` and `outputs`.
 */
function addMidpointTerms(
  map: Float64Array,
  gradients: Float32Array,
  outputs: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  first: number,
  step: number,
  points: number,
  width: number,
): void {
  for (let start = 0; start < width; start += MIDPOINT_BLOCK) {
    const end = Math.min(width, start + MIDPOINT_BLOCK);
    for (let j = 0; j < points; j++) {
      const here = (first + j) * width;
      const coarse = (step + j) * width;
      for (let d = start; d < end; d++) {
        map[d]! += (dy[here + d]! - gradients[coarse + d]!) * (outputs[coarse + d]! - y[here + d]!);
      }
    }
  }
}
