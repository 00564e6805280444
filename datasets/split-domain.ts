// The paper's per-domain split: 85% of every class for training, 15% held out for validation,
// stratified so both parts keep the domain's class mix.
import { TransferscopeError } from '../monitor/errors.ts';
import { indicesByClass, subset, type DomainSplit, type ImageSet } from './image-set.ts';
import { SeededRandom } from './seeded-random.ts';

export interface SplitOptions {
  /** Share of each class that goes to `train`, in (0, 1). Default 0.85 as in the paper. */
  trainFraction?: number;
  /** Any integer; decides which images of a class go where and the order of both parts. */
  seed: number;
}

/**
 * Splits `set` per class: of a class's `n` images, `round(n * trainFraction)` go to `train` and the
 * rest to `validation`, chosen by a seeded shuffle. Every image lands in exactly one part; both parts
 * are shuffled (deterministically) so classes are interleaved. An empty set gives two empty parts.
 * Throws `INVALID_ARGUMENT` if `trainFraction` is not strictly between 0 and 1.
 */
export function splitDomain(set: ImageSet, { trainFraction = 0.85, seed }: SplitOptions): DomainSplit {
  if (!(trainFraction > 0 && trainFraction < 1)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `splitDomain: trainFraction must be strictly between 0 and 1 (got ${trainFraction}). The paper uses 0.85.`);
  }
  const random = new SeededRandom(seed);
  const train: number[] = [];
  const validation: number[] = [];
  for (const members of indicesByClass(set)) {
    random.shuffle(members);
    const cut = Math.round(members.length * trainFraction);
    train.push(...members.slice(0, cut));
    validation.push(...members.slice(cut));
  }
  return {
    train: subset(set, random.shuffle(train)),
    validation: subset(set, random.shuffle(validation)),
  };
}
