// The paper's per-domain split: 85% of every class for training, 15% held out for validation,
// stratified so both parts keep the domain's class mix.
import { TransferscopeError } from '../core/errors.ts';
import { indicesByClass, subset, type DomainSplit, type ImageSet } from './image-set.ts';
import { SeededRandom } from '../lib/random/index.ts';
import { rowsReader, type ImageReader, type ReaderSplit } from './image-reader.ts';

export interface SplitOptions {
  /** Share of each class that goes to `train`, in (0, 1). Default 0.85 as in the paper. */
  trainFraction?: number;
  /** Any integer; decides which images of a class go where and the order of both parts. */
  seed: number;
}

/**
 * The per-class split behind `splitDomain`, on labels alone: row indices of `train` and `validation`,
 * each shuffled. Of a class's `n` rows, `round(n * trainFraction)` go to `train`.
 */
export function splitRows(labels: Int32Array, classNames: string[], { trainFraction = 0.85, seed }: SplitOptions): { train: number[]; validation: number[] } {
  if (!(trainFraction > 0 && trainFraction < 1)) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `splitDomain: trainFraction must be strictly between 0 and 1 (got ${trainFraction}). The paper uses 0.85.`,
    );
  }
  const random = new SeededRandom(seed);
  const train: number[] = [];
  const validation: number[] = [];
  for (const members of indicesByClass({ labels, classNames })) {
    random.shuffle(members);
    const cut = Math.round(members.length * trainFraction);
    train.push(...members.slice(0, cut));
    validation.push(...members.slice(cut));
  }
  return { train: random.shuffle(train), validation: random.shuffle(validation) };
}

/**
 * Splits `set` per class: of a class's `n` images, `round(n * trainFraction)` go to `train` and the
 * rest to `validation`, chosen by a seeded shuffle. Every image lands in exactly one part; both parts
 * are shuffled (deterministically) so classes are interleaved. An empty set gives two empty parts.
 * Throws `INVALID_ARGUMENT` if `trainFraction` is not strictly between 0 and 1.
 */
export function splitDomain(set: ImageSet, options: SplitOptions): DomainSplit {
  const { train, validation } = splitRows(set.labels, set.classNames, options);
  return { train: subset(set, train), validation: subset(set, validation) };
}

/** `splitDomain` for a reader: the same rows, as two readers over it (nothing is decoded). */
export function splitReader(reader: ImageReader, options: SplitOptions): ReaderSplit {
  const { train, validation } = splitRows(reader.labels, reader.classNames, options);
  return { train: rowsReader(reader, train), validation: rowsReader(reader, validation) };
}
