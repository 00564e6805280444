// Paper §5.3.3, Figure 4: the weights between layer i and i+1 split by whether their ends are important
// neurons. The two mixed regions become one boxplot and pie per important neuron, the rest one histogram.
import { TransferscopeError } from '../core/errors.ts';
import { fiveNumbers, histogram, type FiveNumbers, type Histogram } from './distribution.ts';

export interface WeightRegionsInput {
  /** Mean activated level of every weight over the class's instances, entry n1 * outputs + n2 (`importantWeights`' meanLevels). */
  levels: ArrayLike<number>;
  inputs: number;
  outputs: number;
  /** The target model's important neurons of layer i (weight ends n1) and of layer i+1 (ends n2). */
  importantFrom: ArrayLike<number>;
  importantTo: ArrayLike<number>;
  /** The important target weights and, per weight, whether it was inherited from the source model. */
  weights: { from: ArrayLike<number>; to: ArrayLike<number>; inherited: ArrayLike<boolean> };
  /** Bins of the histogram of the last region (default 16). */
  bins?: number;
}

/** The weights between one important neuron and every non-important neuron on the other side. */
export interface WeightGroup {
  neuron: number;
  /** Five-number summary of their mean activated levels; null when the other side has no non-important neuron. */
  levels: FiveNumbers | null;
  weights: number;
  /** How many of them are important target weights, and how many of those were inherited (the pie). */
  important: number;
  inherited: number;
}

export interface WeightRegions {
  /** Per important neuron of layer i (in `importantFrom` order): its weights to the non-important neurons of layer i+1. */
  fromImportant: WeightGroup[];
  /** Per important neuron of layer i+1: the weights into it from the non-important neurons of layer i. */
  toImportant: WeightGroup[];
  /** Non-important to non-important: a histogram of mean activated levels over the region's own range. */
  otherOther: Histogram & { weights: number; important: number; inherited: number };
  /** Smallest and largest mean activated level of the whole boundary: one scale for its boxplots. */
  levelRange: [number, number];
}

/**
 * Splits the boundary's weights into the regions of Figure 4 besides important x important (which the view draws
 * weight by weight). Throws when the level matrix does not match `inputs` x `outputs` or a neuron is out of range.
 */
export function weightRegions(input: WeightRegionsInput): WeightRegions {
  const { levels, inputs, outputs, importantFrom, importantTo, weights } = input;
  if (levels.length !== inputs * outputs) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `weightRegions got ${levels.length} levels for ${inputs} x ${outputs} weights. Pass one mean level per weight, n1 * outputs + n2.`,
    );
  }
  const fromSet = indexSet(importantFrom, inputs, 'from');
  const toSet = indexSet(importantTo, outputs, 'to');
  // 0: not an important target weight, 1: important, 2: important and inherited.
  const mark = new Uint8Array(inputs * outputs);
  for (let w = 0; w < weights.from.length; w++) {
    mark[weights.from[w]! * outputs + weights.to[w]!] = weights.inherited[w] ? 2 : 1;
  }
  const group = (neuron: number, pairs: readonly number[]): WeightGroup => {
    const values = new Float64Array(pairs.length);
    let important = 0;
    let inherited = 0;
    pairs.forEach((pair, j) => {
      values[j] = levels[pair]!;
      important += Number(mark[pair]! > 0);
      inherited += Number(mark[pair] === 2);
    });
    return { neuron, levels: fiveNumbers(values), weights: pairs.length, important, inherited };
  };
  const otherFrom = range(inputs).filter((n1) => !fromSet.has(n1));
  const otherTo = range(outputs).filter((n2) => !toSet.has(n2));
  const fromImportant = Array.from(importantFrom, (n1) =>
    group(
      n1,
      otherTo.map((n2) => n1 * outputs + n2),
    ),
  );
  const toImportant = Array.from(importantTo, (n2) =>
    group(
      n2,
      otherFrom.map((n1) => n1 * outputs + n2),
    ),
  );

  const restLevels = new Float64Array(otherFrom.length * otherTo.length);
  let important = 0;
  let inherited = 0;
  otherFrom.forEach((n1, i) => {
    otherTo.forEach((n2, j) => {
      const pair = n1 * outputs + n2;
      restLevels[i * otherTo.length + j] = levels[pair]!;
      important += Number(mark[pair]! > 0);
      inherited += Number(mark[pair] === 2);
    });
  });
  let [low, high] = extent(restLevels);
  if (!(high > low)) {
    [low, high] = [low - 0.5, low + 0.5];
  }
  const otherOther = { ...histogram(restLevels, low, high, input.bins ?? 16), weights: restLevels.length, important, inherited };
  return { fromImportant, toImportant, otherOther, levelRange: extent(levels) };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** [min, max]; [0, 0] for no values. */
function extent(values: ArrayLike<number>): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < values.length; i++) {
    low = Math.min(low, values[i]!);
    high = Math.max(high, values[i]!);
  }
  return values.length === 0 ? [0, 0] : [low, high];
}

function indexSet(neurons: ArrayLike<number>, size: number, side: string): Set<number> {
  const set = new Set<number>();
  for (let i = 0; i < neurons.length; i++) {
    const n = neurons[i]!;
    if (!Number.isInteger(n) || n < 0 || n >= size) {
      throw new TransferscopeError('INVALID_ARGUMENT', `weightRegions: important '${side}' neuron ${n} is outside the layer's ${size} neurons.`);
    }
    set.add(n);
  }
  return set;
}
