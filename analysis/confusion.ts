// Paper §5.1, the per-class table: how the source and target models do on each target class,
// and where each class's instances go when they are mispredicted.
import type { ConfusionRow } from '../core/protocol.ts';

export interface ConfusionInput {
  classNames: string[];
  /** True class of every target-validation instance. */
  labels: ArrayLike<number>;
  /** Source model's predictions on the same instances, or null when no source model is stored. */
  sourcePredicted: ArrayLike<number> | null;
  /** Target model's predictions, or null during the source phase. */
  targetPredicted: ArrayLike<number> | null;
  /** Predictions whose mistakes fill `mispredictedInto`: the model of the epoch being viewed. */
  viewedPredicted: ArrayLike<number>;
}

/** Per class: the share of its instances predicted as it, in [0, 1]; NaN for a class without instances. */
export function perClassAccuracy(labels: ArrayLike<number>, predicted: ArrayLike<number>, classCount: number): number[] {
  const correct = new Array<number>(classCount).fill(0);
  const total = new Array<number>(classCount).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    total[c]! += 1;
    if (predicted[i] === c) {
      correct[c]! += 1;
    }
  }
  // A class with no instances has no accuracy; NaN marks it and becomes null below.
  return correct.map((k, c) => (total[c]! > 0 ? k / total[c]! : Number.NaN));
}

const orNull = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);

/**
 * One row per class, in class order. Accuracies are fractions in [0, 1]; a class without validation
 * instances gets null accuracies. Throws if the prediction arrays and labels differ in length.
 */
export function confusionRows(input: ConfusionInput): ConfusionRow[] {
  const { classNames, labels } = input;
  for (const p of [input.sourcePredicted, input.targetPredicted, input.viewedPredicted]) {
    if (p !== null && p.length !== labels.length) {
      throw new Error(`confusionRows: ${p.length} predictions for ${labels.length} labels; they must describe the same instances.`);
    }
  }
  const k = classNames.length;
  const source = input.sourcePredicted ? perClassAccuracy(labels, input.sourcePredicted, k) : null;
  const target = input.targetPredicted ? perClassAccuracy(labels, input.targetPredicted, k) : null;
  const support = new Array<number>(k).fill(0);
  const into = Array.from({ length: k }, () => new Map<number, number>());
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    const p = input.viewedPredicted[i]!;
    support[c]! += 1;
    if (p !== c) {
      into[c]!.set(p, (into[c]!.get(p) ?? 0) + 1);
    }
  }
  return classNames.map((className, c) => {
    const s = orNull(source?.[c]);
    const t = orNull(target?.[c]);
    return {
      classIndex: c,
      className,
      support: support[c]!,
      sourceModelAccuracy: s,
      targetModelAccuracy: t,
      difference: s !== null && t !== null ? t - s : null,
      mispredictedInto: [...into[c]!.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .map(([classIndex, count]) => ({ classIndex, className: classNames[classIndex] ?? String(classIndex), count })),
    };
  });
}
