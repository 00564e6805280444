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
 * Bytes of coarse points (dF/dy and y at every point, every layer) kept per group of instances until their check:
 * it bounds memory, and an instance whose points alone exceed it is not refined (null).
 */
export const KEPT_POINTS_BYTES = 256 * 2 ** 20;

export interface MidpointCheck {
  count: number;
  targets: Int32Array;
  logitAtInput: Float32Array;
  logitAtBaseline: Float32Array;
  /** Over the span of `fineAlphas`: kept coarse results stretched to it, refined ones integrated over it. */
  layers: LayerConductance[];
  /** Per instance: the residual (`relativeTo: 'attribution'`) of the result given, worst layer. */
  residuals: Float64Array;
  /** Instances that failed the coarse check and were refined, ascending. */
  refined: number[];
}

/** One instance's coarse points, per layer: row k of `gradients` is dF/dy(c_k), of `outputs` y(c_k). */
interface KeptPoints {
  maps: Float64Array[];
  gradients: Float32Array[];
  outputs: Float32Array[];
}

/**
 * Conductances at `checkSteps` Gauss-Legendre steps c_0..c_m, stretched to the span of `fineAlphas` (the full rule's
 * points f_0..f_n) and checked for completeness against its ends as `checkedConductance` does. Every instance whose
 * residual exceeds `tolerance` is refined in place to the partition f_0, c_0, m_0, c_1, ..., m_{m-1}, c_m, f_n with
 * m_k the midpoint of [c_k, c_{k+1}]: 2m + 2 steps on the fine rule's own span, so no stretch (a stretch is wrong
 * where a unit switches near the path's ends; on digits source instances that was a third of the failing paths).
 * With g = dF/dy and y a layer's output, elementwise per position, the refined sum is the coarse one plus
 *   g(f_0) (y(c_0) - y(f_0)) + sum_k (g(m_k) - g(c_k)) (y(c_{k+1}) - y(m_k)) + g(c_m) (y(f_n) - y(c_m)),
 * one pass over the m + 2 new points, whose own maps need not be kept. Coarse points are kept for groups of
 * instances that fit in `keptPointsBytes`, and a failing instance's until its refinement, which waits for a full
 * pass of `batchSize` new points. Null when a single instance's points do not fit.
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
  const keptBytes = 2 * (checkSteps + 1) * widths.reduce((a, b) => a + b, 0) * Float32Array.BYTES_PER_ELEMENT;
  if (keptBytes > keptPointsBytes) {
    return null;
  }
  const coarseAlphas = pathAlphas('gausslegendre', checkSteps + 1);
  const stretch = (fineAlphas.at(-1)! - fineAlphas[0]!) / (coarseAlphas.at(-1)! - coarseAlphas[0]!);
  const newAlphas = Float64Array.from({ length: checkSteps + 2 }, (_, j) =>
    j === 0 ? fineAlphas[0]! : j === checkSteps + 1 ? fineAlphas.at(-1)! : (coarseAlphas[j - 1]! + coarseAlphas[j]!) / 2,
  );
  const { pass, count, targets, logitAtInput, logitAtBaseline, layers } = await preparePass(model, images, options, coarseAlphas, batchSize);
  const residuals = new Float64Array(count);
  const refined: number[] = [];
  try {
    const integrated = await integratedLogits(model, images, targets, fineAlphas, options.baseline);
    const checked = checkedLayers(model, layers);
    const finish = (i: number, maps: Float64Array[], scale: number) => {
      reduceSpatially(maps, pass.geometry, layers, i);
      if (scale !== 1) {
        for (const layer of layers) {
          for (let j = i * layer.neurons; j < (i + 1) * layer.neurons; j++) {
            layer.values[j]! *= scale;
            layer.summed[j]! *= scale;
          }
        }
      }
      residuals[i] = completenessResidual({ logitAtInput, logitAtBaseline }, checked, i, integrated[i]!, 'attribution');
    };
    const refinement = makeRefinement({ ...pass, alphas: newAlphas }, widths, batchSize, (i, points) => {
      finish(i, points.maps, 1);
      refined.push(i);
      spare.push(points);
    });
    const group = Math.floor(keptPointsBytes / keptBytes);
    // Buffers of instances done with, reused: allocating (and zeroing) each instance's anew cost ~10% of a kept pass.
    const spare: KeptPoints[] = [];
    for (let first = 0; first < count; first += group) {
      coarsePass(pass, first, Math.min(count, first + group), widths, batchSize, spare).forEach((points, i) => {
        finish(i, points.maps, stretch);
        // A residual that is not finite (nothing to scale it by) fails the check too.
        if (!(residuals[i]! <= tolerance)) {
          refinement.add(i, points);
        } else {
          spare.push(points);
        }
      });
      refinement.run(false);
    }
    refinement.run(true);
  } finally {
    pass.probes.forEach((t) => t.dispose());
  }
  refined.sort((a, b) => a - b);
  return { count, targets, logitAtInput, logitAtBaseline, layers, residuals, refined };
}

/**
 * The coarse path of instances `first`..`end - 1`: their Stieltjes maps, and every point's y and dF/dy, in buffers
 * taken from `spare` while it has some.
 */
function coarsePass(pass: ChunkPass, first: number, end: number, widths: number[], batchSize: number, spare: KeptPoints[]): Map<number, KeptPoints> {
  const points = pass.alphas.length;
  const kept = new Map<number, KeptPoints>();
  for (let i = first; i < end; i++) {
    const reused = spare.pop();
    reused?.maps.forEach((map) => map.fill(0));
    kept.set(
      i,
      reused ?? {
        maps: widths.map((w) => new Float64Array(w)),
        gradients: widths.map((w) => new Float32Array(points * w)),
        outputs: widths.map((w) => new Float32Array(points * w)),
      },
    );
  }
  for (const chunk of planPathChunks(end - first, points, batchSize)) {
    const segments = chunk.map((s) => ({ ...s, instance: s.instance + first }));
    passOfChunk(pass, segments, (l, y, dy) => {
      const width = widths[l]!;
      let row = 0;
      for (const s of segments) {
        const instance = kept.get(s.instance)!;
        const rows = s.to - s.from + 1;
        addStieltjesSum(instance.maps[l]!, y, dy, row, rows - 1);
        // Copies, not views: the backend's memory is reused by the next pass.
        instance.gradients[l]!.set(dy.subarray(row * width, (row + rows) * width), s.from * width);
        instance.outputs[l]!.set(y.subarray(row * width, (row + rows) * width), s.from * width);
        row += rows;
      }
    });
  }
  return kept;
}

/**
 * Failing instances' new points (`pass.alphas`: f_0, the midpoints, f_n) queued and evaluated in passes of `batchSize`
 * points across instances; `done` gets each instance once its refined map is complete. `run(false)` evaluates full
 * passes only, `run(true)` everything queued.
 */
function makeRefinement(pass: ChunkPass, widths: number[], batchSize: number, done: (instance: number, points: KeptPoints) => void) {
  const points = pass.alphas.length;
  const queue: { instance: number; points: KeptPoints; from: number }[] = [];
  let queued = 0;
  const runChunk = (rows: number) => {
    const segments: PathSegment[] = [];
    const finished: (typeof queue)[number][] = [];
    const kept = new Map<number, KeptPoints>();
    for (let free = rows; free > 0;) {
      const head = queue[0]!;
      const to = Math.min(points, head.from + free) - 1;
      segments.push({ instance: head.instance, from: head.from, to });
      kept.set(head.instance, head.points);
      free -= to - head.from + 1;
      head.from = to + 1;
      if (head.from === points) {
        finished.push(queue.shift()!);
      }
    }
    queued -= rows;
    passOfChunk(pass, segments, (l, y, dy) => {
      let row = 0;
      for (const s of segments) {
        const instance = kept.get(s.instance)!;
        addRefinementTerms(instance.maps[l]!, instance.gradients[l]!, instance.outputs[l]!, y, dy, row, s.from, s.to, points, widths[l]!);
        row += s.to - s.from + 1;
      }
    });
    finished.forEach((f) => done(f.instance, f.points));
  };
  return {
    add(instance: number, kept: KeptPoints) {
      queue.push({ instance, points: kept, from: 0 });
      queued += points;
    },
    run(all: boolean) {
      while (queued >= batchSize || (all && queued > 0)) {
        runChunk(Math.min(batchSize, queued));
      }
    },
  };
}

/** Map entries per block, as `addStieltjesSum`'s: the map's block stays in cache over all the segment's points. */
const REFINEMENT_BLOCK = 2048;

/**
 * Adds the refinement's terms of new points `from`..`to` (of `points`: f_0, m_0..m_{points-3}, f_n) at rows
 * `first`.. of y and dy (the new pass's), with dF/dy(c_k) and y(c_k) at row k of `gradients` and `outputs`.
 */
function addRefinementTerms(
  map: Float64Array,
  gradients: Float32Array,
  outputs: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  first: number,
  from: number,
  to: number,
  points: number,
  width: number,
): void {
  const last = points - 1;
  for (let start = 0; start < width; start += REFINEMENT_BLOCK) {
    const end = Math.min(width, start + REFINEMENT_BLOCK);
    for (let j = from; j <= to; j++) {
      const here = (first + j - from) * width;
      if (j === 0) {
        // g(f_0) (y(c_0) - y(f_0))
        for (let d = start; d < end; d++) {
          map[d]! += dy[here + d]! * (outputs[d]! - y[here + d]!);
        }
      } else if (j === last) {
        // g(c_m) (y(f_n) - y(c_m)), c_m the coarse path's last point
        const coarse = (last - 1) * width;
        for (let d = start; d < end; d++) {
          map[d]! += gradients[coarse + d]! * (y[here + d]! - outputs[coarse + d]!);
        }
      } else {
        // (g(m_k) - g(c_k)) (y(c_{k+1}) - y(m_k)), k = j - 1
        const coarse = (j - 1) * width;
        const next = j * width;
        for (let d = start; d < end; d++) {
          map[d]! += (dy[here + d]! - gradients[coarse + d]!) * (outputs[next + d]! - y[here + d]!);
        }
      }
    }
  }
}
