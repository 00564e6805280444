// DVI's boundary points (§4.1, "mixup"): for pairs of inputs the classifier puts in two different classes, bisect
// the segment between them in input space until the two classes' min-max normalised scores are within 0.1, so the
// visualisation model sees samples on the decision boundary, not just the instances on either side of it.
import { SeededRandom } from '../random/index.ts';
import { runnerUpClass, topClass } from './class-scores.ts';

/** Class scores of n inputs (n x inputSize row-major): n x C row-major probabilities or logits. */
export type Classify = (inputs: Float32Array, n: number) => Promise<Float32Array>;

export interface BoundaryPointOptions {
  /** How many points to return (at most; fewer when the bisections keep failing). */
  count: number;
  seed?: number;
  /** Bisection steps per pair (DVI: 8). */
  maxSteps?: number;
  /** Largest normalised gap between the two classes at an accepted point (DVI: 0.1). */
  gap?: number;
  /** The classifier's scores of `inputs`, when the caller has them already. */
  scores?: Float32Array;
}

export interface BoundaryPoints {
  count: number;
  /** count x inputSize mixed inputs. */
  inputs: Float32Array;
  /** count x 2: the two classes each point lies between (the pair's predictions). */
  classes: Int32Array;
  /** Normalised gap between the two classes at each point. */
  gaps: Float32Array;
}

/** Pairs tried per point still missing, per round, and rounds before giving up on the rest. */
const PAIRS_PER_MISSING = 2;
const ROUNDS = 4;

/** Normalised gap between classes a and b of one score row: |s_a - s_b| / (max - min), DVI's min-max rescaling. */
export function normalisedGap(scores: Float32Array, row: number, classes: number, a: number, b: number): number {
  let max = -Infinity;
  let min = Infinity;
  for (let c = 0; c < classes; c++) {
    max = Math.max(max, scores[row * classes + c]!);
    min = Math.min(min, scores[row * classes + c]!);
  }
  return max > min ? Math.abs(scores[row * classes + a]! - scores[row * classes + b]!) / (max - min) : 0;
}

/**
 * Boundary points between classes of `inputs` (n x inputSize). Pairs are drawn as DVI draws them: two different
 * predicted classes at random, then one instance of each with probability inversely proportional to its score gap
 * between the two classes (instances near that boundary first). Every round classifies all open pairs' midpoints
 * in one call per step. Returns no points when fewer than two classes are predicted.
 */
export async function boundaryPoints(inputs: Float32Array, inputSize: number, classify: Classify, options: BoundaryPointOptions): Promise<BoundaryPoints> {
  const n = inputs.length / inputSize;
  if (!Number.isInteger(n) || inputSize < 1) {
    throw new RangeError(`boundaryPoints: inputs have ${inputs.length} values, which is not n rows of ${inputSize}. Pass n x inputSize row-major inputs.`);
  }
  const { count, maxSteps = 8, gap = 0.1 } = options;
  const random = new SeededRandom(options.seed ?? 0);
  const scores = options.scores ?? (await classify(inputs, n));
  const classes = scores.length / Math.max(n, 1);
  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < n; i++) {
    members[topClass(scores, i, classes)]!.push(i);
  }
  const predicted = members.flatMap((list, c) => (list.length > 0 ? [c] : []));
  const found = { inputs: [] as Float32Array[], classes: [] as number[], gaps: [] as number[] };
  for (let round = 0; round < ROUNDS && predicted.length > 1 && found.gaps.length < count; round++) {
    const pairs = Array.from({ length: (count - found.gaps.length) * PAIRS_PER_MISSING }, () => drawPair(members, predicted, scores, classes, random));
    const accepted = await bisectPairs(inputs, inputSize, classify, pairs, maxSteps, gap);
    for (const point of accepted) {
      if (found.gaps.length < count) {
        found.inputs.push(point.input);
        found.classes.push(point.a, point.b);
        found.gaps.push(point.gap);
      }
    }
  }
  const out = new Float32Array(found.gaps.length * inputSize);
  found.inputs.forEach((row, p) => out.set(row, p * inputSize));
  return { count: found.gaps.length, inputs: out, classes: Int32Array.from(found.classes), gaps: Float32Array.from(found.gaps) };
}

interface Pair {
  /** Instance predicted as class a (the λ = 1 end) and instance predicted as class b (the λ = 0 end). */
  first: number;
  second: number;
  a: number;
  b: number;
}

function drawPair(members: number[][], predicted: number[], scores: Float32Array, classes: number, random: SeededRandom): Pair {
  const a = random.pick(predicted);
  let b = random.pick(predicted);
  while (b === a) {
    b = random.pick(predicted);
  }
  const nearBoundary = (own: number, other: number): number => {
    const list = members[own]!;
    const weights = list.map((i) => 1 / (scores[i * classes + own]! - scores[i * classes + other]! + 1e-4));
    let target = random.next() * weights.reduce((s, w) => s + w, 0);
    for (let k = 0; k < list.length; k++) {
      target -= weights[k]!;
      if (target <= 0) {
        return list[k]!;
      }
    }
    return list[list.length - 1]!;
  };
  return { first: nearBoundary(a, b), second: nearBoundary(b, a), a, b };
}

async function bisectPairs(
  inputs: Float32Array,
  inputSize: number,
  classify: Classify,
  pairs: Pair[],
  maxSteps: number,
  gap: number,
): Promise<{ input: Float32Array; a: number; b: number; gap: number }[]> {
  const lower = new Float64Array(pairs.length); // λ = 0 is the second instance (class b)
  const upper = new Float64Array(pairs.length).fill(1);
  let open = pairs.map((_, p) => p);
  const accepted: { input: Float32Array; a: number; b: number; gap: number }[] = [];
  for (let step = 0; step < maxSteps && open.length > 0; step++) {
    const mixed = new Float32Array(open.length * inputSize);
    open.forEach((p, row) => {
      const { first, second } = pairs[p]!;
      const lambda = (lower[p]! + upper[p]!) / 2;
      for (let c = 0; c < inputSize; c++) {
        mixed[row * inputSize + c] = lambda * inputs[first * inputSize + c]! + (1 - lambda) * inputs[second * inputSize + c]!;
      }
    });
    const scores = await classify(mixed, open.length);
    const classes = scores.length / open.length;
    const stillOpen: number[] = [];
    open.forEach((p, row) => {
      const { a, b } = pairs[p]!;
      const lambda = (lower[p]! + upper[p]!) / 2;
      const between = normalisedGap(scores, row, classes, a, b);
      // Accept only where a and b are the two leading classes, so the point lies on the a-b boundary.
      const top = topClass(scores, row, classes);
      const leadsWith = (top === a || top === b) && between < gap && runnerUpClass(scores, row, classes, top) === (top === a ? b : a);
      if (leadsWith) {
        accepted.push({ input: mixed.slice(row * inputSize, (row + 1) * inputSize), a, b, gap: between });
        return;
      }
      if (scores[row * classes + a]! > scores[row * classes + b]!) {
        upper[p] = lambda; // still on a's side: move towards b
      } else {
        lower[p] = lambda;
      }
      stillOpen.push(p);
    });
    open = stillOpen;
  }
  return accepted;
}
