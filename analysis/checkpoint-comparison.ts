// Two epochs side by side (of one run, or of two runs such as two fine-tuning settings): per-class accuracy
// changes, per-layer weight changes, and which important neurons and weights changed.
import type { LayerName } from '../core/protocol.ts';
import type { ClassAccuracyChange, ImportantChangesResponse, LayerChange, SetChange } from '../core/compare-protocol.ts';
import { NEURON_SIMILARITY_BINS } from '../core/compare-protocol.ts';
import type { NetworkAbstraction } from '../core/network-protocol.ts';
import type { ValidationSplit } from '../core/protocol.ts';
import { neuronWeightSimilarity, relativeL2, type LayerParameters } from './weight-change.ts';

export interface SideAccuracy {
  classNames: readonly string[];
  /** Per split, per class index: accuracy in [0, 1], NaN for a class without instances; a missing split has none. */
  accuracy: ReadonlyMap<ValidationSplit, readonly number[]>;
}

const finiteOrNull = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : x);

/** Classes matched by name: b's classes in b's order, then a's classes b lacks; one row per split and class. */
export function classAccuracyChanges(a: SideAccuracy, b: SideAccuracy): ClassAccuracyChange[] {
  const names = [...b.classNames, ...a.classNames.filter((n) => !b.classNames.includes(n))];
  const rows: ClassAccuracyChange[] = [];
  for (const split of ['target-validation', 'source-validation'] as const) {
    for (const className of names) {
      const va = finiteOrNull(a.accuracy.get(split)?.[a.classNames.indexOf(className)]);
      const vb = finiteOrNull(b.accuracy.get(split)?.[b.classNames.indexOf(className)]);
      rows.push({ className, split, a: va, b: vb, delta: va !== null && vb !== null ? vb - va : null });
    }
  }
  return rows;
}

/**
 * Per layer of `b` (matched to `a` by name): relative L2 distance from a, and per-neuron weight similarity. `neurons`
 * counts a layer's neurons from its class and kernel (analysis/run-layers.ts), for kernels whose last axis is not
 * the neuron (depthwise); without it the row alone decides.
 */
export function layerChanges(
  a: readonly (LayerParameters & { layer: LayerName })[],
  b: readonly (LayerParameters & { layer: LayerName })[],
  neurons?: (layer: LayerName, kernelShape: readonly number[]) => number,
): LayerChange[] {
  return b.map((lb): LayerChange => {
    const la = a.find((l) => l.layer === lb.layer);
    const similarity = la ? neuronWeightSimilarity(la, lb, neurons?.(lb.layer, lb.kernelShape)) : null;
    return { layer: lb.layer, relativeL2: la ? relativeL2(la, lb) : null, neuronSimilarity: similarity && summariseSimilarity(similarity) };
  });
}

function summariseSimilarity(similarity: Float32Array): NonNullable<LayerChange['neuronSimilarity']> {
  const sorted = Float32Array.from(similarity).sort();
  const histogram = new Array<number>(NEURON_SIMILARITY_BINS).fill(0);
  for (const s of similarity) {
    const bin = Math.min(NEURON_SIMILARITY_BINS - 1, Math.max(0, Math.floor(((s + 1) / 2) * NEURON_SIMILARITY_BINS)));
    histogram[bin]! += 1;
  }
  const mid = sorted.length >> 1;
  return {
    median: sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    min: sorted[0] ?? 0,
    histogram,
    leastSimilar: leastSimilar(similarity, 5).map((neuron) => ({ neuron, similarity: similarity[neuron]! })),
  };
}

/** The `count` neurons of lowest similarity, lowest first, ties by neuron index: one pass, not a sort of them all. */
function leastSimilar(similarity: Float32Array, count: number): number[] {
  const chosen: number[] = [];
  for (let neuron = 0; neuron < similarity.length; neuron++) {
    const s = similarity[neuron]!;
    if (chosen.length === count && s >= similarity[chosen[count - 1]!]!) {
      continue;
    }
    // Later neurons go after equal ones, so ties stay in index order.
    let at = chosen.length;
    while (at > 0 && similarity[chosen[at - 1]!]! > s) {
      at--;
    }
    chosen.splice(at, 0, neuron);
    chosen.length = Math.min(chosen.length, count);
  }
  return chosen;
}

/** For classes present in both (by name, in b's order): important neurons per layer and important target weights per boundary, a -> b. */
export function importantChanges(
  a: { abstraction: NetworkAbstraction; classNames: readonly string[] },
  b: { abstraction: NetworkAbstraction; classNames: readonly string[] },
): ImportantChangesResponse['classes'] {
  return b.classNames.flatMap((className, cb) => {
    const ca = a.classNames.indexOf(className);
    const classA = a.abstraction.classes[ca];
    const classB = b.abstraction.classes[cb];
    if (!classA || !classB) {
      return [];
    }
    const weightIds = (list: { from: number[]; to: number[] }) => list.from.map((f, i) => `${f}>${list.to[i]}`);
    return [
      {
        className,
        layers: classB.layers.map((lb) => ({
          layer: lb.layer,
          neurons: setChanges(classA.layers.find((l) => l.layer === lb.layer)?.importantNeurons ?? [], lb.importantNeurons),
        })),
        boundaries: classB.boundaries.map((bb) => {
          const ba = classA.boundaries.find((x) => x.fromLayer === bb.fromLayer && x.toLayer === bb.toLayer);
          return { fromLayer: bb.fromLayer, toLayer: bb.toLayer, weights: setChanges(ba ? weightIds(ba.target) : [], weightIds(bb.target)) };
        }),
      },
    ];
  });
}

/** Which members of `a` stayed and which are new in `b` (both in b's order), and which left (in a's order). */
export function setChanges<T>(a: readonly T[], b: readonly T[]): SetChange<T> {
  const inA = new Set(a);
  const inB = new Set(b);
  return { kept: b.filter((x) => inA.has(x)), added: b.filter((x) => !inA.has(x)), removed: a.filter((x) => !inB.has(x)) };
}
