// Which stored instances a stage attributes or embeds: the first few of each class, the same at every
// checkpoint of a run, so results of consecutive checkpoints describe the same instances.
import { TransferscopeError } from '../../core/errors.ts';

/**
 * The first `maxPerClass` rows of each class in row order, skipping the rows in `skip` (stored without pixels).
 * Throws INVALID_ARGUMENT on a label outside [0, classCount).
 */
export function firstPerClass(labels: ArrayLike<number>, classCount: number, maxPerClass: number, skip: ReadonlySet<number> = new Set()): number[][] {
  const byClass = Array.from({ length: classCount }, (): number[] => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classCount) {
      throw new TransferscopeError('INVALID_ARGUMENT', `Label ${c} at instance ${i} is not a class in [0, ${classCount}).`);
    }
    if (byClass[c]!.length < maxPerClass && !skip.has(i)) {
      byClass[c]!.push(i);
    }
  }
  return byClass;
}
