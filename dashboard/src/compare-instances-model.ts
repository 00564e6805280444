// Pure shaping of two checkpoints' instance layouts for compare mode (paper §5.2, side by side): which instances
// are the same at both sides, B's layout aligned onto A's, and whose prediction changed from A to B.
import type { RunMeta } from '../../core/protocol.ts';
import type { InstanceProjection, LaidOutInstances } from '../../core/instances-protocol.ts';
// A pure module without imports: the same fit the trainer uses between consecutive checkpoints.
import { procrustes } from '../../lib/procrustes/index.ts';
import { instanceId } from './instance-model.ts';

/** fixed: mispredicted at A, right at B; broken: right at A, mispredicted at B. */
export type PredictionChange = 'fixed' | 'broken';

export interface InstanceChange {
  /** The point id of both sides' scatters (`s12`, `t3`). */
  id: string;
  domain: 0 | 1;
  index: number;
  label: number;
  predictedA: number;
  predictedB: number;
  change: PredictionChange;
}

/** Rows of A's and of B's layout that hold the same instance, pairwise, in A's row order. */
export interface InstancePairs {
  a: number[];
  b: number[];
}

/**
 * Whether two runs stored the same validation instances under the same split indices: one run, or two runs whose
 * domains, seed, split fraction, model input and resulting classes and sizes agree (the split is seeded), as two
 * fine-tuning settings of one config do. `config` is the run's validated config as stored.
 */
export function sameValidationData(a: RunMeta, b: RunMeta): boolean {
  if (a.id === b.id) {
    return true;
  }
  const data = (run: RunMeta): string => {
    const config = (run.config ?? {}) as Record<string, unknown>;
    return JSON.stringify([config['source'], config['target'], config['seed'], config['trainFraction'], config['model'], run.classNames, run.datasetSizes]);
  };
  return data(a) === data(b);
}

/**
 * Rows holding the same instance at A and at B: same domain and split index, and (a guard against runs over other
 * data) the same true label. Instances laid out at one side only are left out.
 */
export function matchInstances(a: LaidOutInstances, b: LaidOutInstances): InstancePairs {
  const rowOfB = new Map<string, number>();
  for (let r = 0; r < b.count; r++) {
    rowOfB.set(instanceId(b.domain[r] === 1 ? 1 : 0, b.index[r]!), r);
  }
  const pairs: InstancePairs = { a: [], b: [] };
  for (let r = 0; r < a.count; r++) {
    const rb = rowOfB.get(instanceId(a.domain[r] === 1 ? 1 : 0, a.index[r]!));
    if (rb !== undefined && b.label[rb] === a.label[r]) {
      pairs.a.push(r);
      pairs.b.push(rb);
    }
  }
  return pairs;
}

/** B's layout mapped onto A's; `rmsd` in A's layout units over the shared instances. */
export interface AlignedLayout {
  projection: InstanceProjection;
  shared: number;
  rmsd: number;
}

/**
 * B with every point moved by the rotation or reflection and shift that best fit the shared instances onto their
 * places at A, after scaling B to A's spread: two t-SNE runs differ by such a transform when nothing else changed,
 * so what still differs after it is the model. Null with fewer than 3 shared instances.
 */
export function alignOnto(a: InstanceProjection, b: InstanceProjection, pairs: InstancePairs): AlignedLayout | null {
  const n = pairs.a.length;
  if (n < 3) {
    return null;
  }
  const target = new Float32Array(2 * n);
  const moving = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const ra = pairs.a[i]!;
    const rb = pairs.b[i]!;
    target[2 * i] = a.x[ra]!;
    target[2 * i + 1] = a.y[ra]!;
    moving[2 * i] = b.x[rb]!;
    moving[2 * i + 1] = b.y[rb]!;
  }
  // The least-squares scale is the layouts' correlation: two layouts that agree poorly (two runs' t-SNEs) would
  // shrink B to a blob. Matching spreads keeps B readable; t-SNE's scale carries no meaning anyway.
  const movingSpread = spread(moving);
  const k = movingSpread > 0 ? spread(target) / movingSpread : 1;
  const fit = procrustes(
    target,
    moving.map((v) => k * v),
    { allowScale: false },
  );
  const [m00, m01, m10, m11] = fit.matrix;
  const [tx, ty] = fit.translation;
  // Four significant digits, as the stored layouts: more would be noise, not precision.
  const round = (v: number): number => Number(v.toPrecision(4));
  const x = b.x.map((bx, r) => round(k * (m00 * bx + m01 * b.y[r]!) + tx));
  const y = b.x.map((bx, r) => round(k * (m10 * bx + m11 * b.y[r]!) + ty));
  return { projection: { ...b, x, y }, shared: n, rmsd: fit.rmsd };
}

/** Root-mean-square distance of an n x 2 row-major layout's points from their centroid. */
function spread(layout: Float32Array): number {
  const n = layout.length / 2;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    cx += layout[2 * i]! / n;
    cy += layout[2 * i + 1]! / n;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += (layout[2 * i]! - cx) ** 2 + (layout[2 * i + 1]! - cy) ** 2;
  }
  return n > 0 ? Math.sqrt(sum / n) : 0;
}

/** The shared instances whose prediction turned right (fixed) or wrong (broken) from A to B, in A's row order. */
export function predictionChanges(a: LaidOutInstances, b: LaidOutInstances, pairs: InstancePairs): InstanceChange[] {
  const changes: InstanceChange[] = [];
  pairs.a.forEach((ra, i) => {
    const rb = pairs.b[i]!;
    const label = a.label[ra]!;
    const rightA = a.predicted[ra] === label;
    const rightB = b.predicted[rb] === label;
    if (rightA !== rightB) {
      const domain = a.domain[ra] === 1 ? 1 : 0;
      changes.push({
        id: instanceId(domain, a.index[ra]!),
        domain,
        index: a.index[ra]!,
        label,
        predictedA: a.predicted[ra]!,
        predictedB: b.predicted[rb]!,
        change: rightB ? 'fixed' : 'broken',
      });
    }
  });
  return changes;
}

/** Per class and domain (index 0 source, 1 target): how many instances were fixed and broken. */
export interface ClassChangeCounts {
  classIndex: number;
  fixed: [number, number];
  broken: [number, number];
}

/** One entry per class in `classes` (class indices), in that order; classes without changes count zeros. */
export function changeCounts(changes: readonly InstanceChange[], classes: readonly number[]): ClassChangeCounts[] {
  const byClass = new Map(classes.map((c) => [c, { classIndex: c, fixed: [0, 0], broken: [0, 0] } as ClassChangeCounts]));
  for (const change of changes) {
    const counts = byClass.get(change.label);
    if (counts) {
      counts[change.change][change.domain] += 1;
    }
  }
  return [...byClass.values()];
}

/** Indices into `classNames` of the `selected` names (every class when none is selected), in class order. */
export function selectedClassIndices(classNames: readonly string[], selected: readonly string[] | undefined): number[] {
  const wanted = new Set(selected ?? []);
  return classNames.map((name, c) => (wanted.size === 0 || wanted.has(name) ? c : -1)).filter((c) => c >= 0);
}
