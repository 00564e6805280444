// Paper §5.3.1, Figure 3A: the important neurons of layer i for class c, from the conductance matrix
// A_{c,i} (neurons x target instances of class c).
import { rankAscending } from './layer-rank.ts';
import { defaultK, selectRows, type InstanceMatrix } from './network-matrix.ts';
import { topK } from './network-top-k.ts';

export interface ImportantNeuronsOptions {
  /** The instances of class c (rows of the matrix); default all. */
  rows?: ArrayLike<number>;
  /** How many neurons to keep; default 10% of the layer's neurons, at least 1. */
  k?: number;
}

export interface ImportantNeurons {
  /** The k most important neurons, most important first (ties: lower index first). */
  indices: Int32Array;
  /** Summed rank of each of `indices`, in the same order. */
  summedRanks: Float64Array;
  /** Summed rank of every neuron of the layer. */
  allSummedRanks: Float64Array;
}

/**
 * Ranks each instance's conductances over the layer's neurons (ascending, ties averaged), sums each
 * neuron's ranks over the instances, and keeps the k neurons with the highest sums. `matrix` is
 * instance-major (as `layerConductance` returns: instances x neurons). No instances: nothing is important.
 */
export function importantNeurons(matrix: InstanceMatrix, options: ImportantNeuronsOptions = {}): ImportantNeurons {
  const rows = selectRows(matrix, options.rows, 'importantNeurons');
  const { neurons, values } = matrix;
  const allSummedRanks = new Float64Array(neurons);
  for (const r of rows) {
    const column = Array.from({ length: neurons }, (_, n) => values[r * neurons + n]!);
    rankAscending(column).forEach((rank, n) => (allSummedRanks[n]! += rank));
  }
  const indices = rows.length === 0 ? new Int32Array(0) : topK(allSummedRanks, options.k ?? defaultK(neurons, 0.1));
  return { indices, summedRanks: Float64Array.from(indices, (n) => allSummedRanks[n]!), allSummedRanks };
}
