// The one layout the model-level analytics (paper §5.3) take attributions and activations in: the
// trainer's instance-major arrays, so nothing is transposed between trainer, store and analytics.
import { TransferscopeError } from '../core/errors.ts';

/** `values[i * neurons + n]` is instance i's value for neuron n (a conductance or an activation). */
export interface InstanceMatrix {
  values: ArrayLike<number>;
  instances: number;
  neurons: number;
}

/**
 * The instance rows an analysis runs over: `rows` (e.g. the target instances of one class) or all of
 * them. Throws if the matrix's size disagrees with its shape or a row is out of range.
 */
export function selectRows(matrix: InstanceMatrix, rows: ArrayLike<number> | undefined, caller: string): Int32Array {
  const { values, instances, neurons } = matrix;
  if (!Number.isInteger(instances) || !Number.isInteger(neurons) || instances < 0 || neurons < 0 || values.length !== instances * neurons) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `${caller} got ${values.length} values for ${instances} instances x ${neurons} neurons. Pass an instance-major array of exactly that size.`,
    );
  }
  if (rows === undefined) {
    return Int32Array.from({ length: instances }, (_, i) => i);
  }
  const selected = Int32Array.from(rows);
  const bad = Array.from(rows).findIndex((r) => !Number.isInteger(r) || r < 0 || r >= instances);
  if (bad >= 0) {
    throw new TransferscopeError('INVALID_ARGUMENT', `${caller} got row ${rows[bad]} at position ${bad}, but the matrix has ${instances} instances.`);
  }
  return selected;
}

/** The default top-k: `fraction` of `total`, rounded, at least 1 (0 only when there is nothing to pick). */
export function defaultK(total: number, fraction: number): number {
  return total === 0 ? 0 : Math.max(1, Math.round(fraction * total));
}
