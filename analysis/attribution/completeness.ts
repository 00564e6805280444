// The completeness check of Layer Conductance on a graph: the conductances of a cut (a layer, or a set of layers,
// that every input-to-output path crosses exactly once; see `partitionsEveryPath`) sum to F(x) - F(x').
import { TransferscopeError } from '../../core/errors.ts';
import type { ConductanceResult } from './layer-conductance.ts';

/** Per instance, the conductances of `layers` summed over every neuron and position (float64). Empty input: empty. */
export function conductanceTotals(result: ConductanceResult, layers: readonly string[]): Float64Array {
  const totals = new Float64Array(result.count);
  for (const name of layers) {
    const layer = result.layers.find((l) => l.layer === name);
    if (!layer) {
      throw new TransferscopeError(
        'INVALID_ARGUMENT',
        `conductanceTotals: layer '${name}' was not attributed (got ${result.layers.map((l) => l.layer).join(', ')}).`,
      );
    }
    for (let i = 0; i < result.count; i++) {
      for (let n = 0; n < layer.neurons; n++) {
        totals[i]! += layer.summed[i * layer.neurons + n]!;
      }
    }
  }
  return totals;
}

/**
 * Per instance, |total of `layers` - (F(x) - F(x'))| / |F(x) - F(x')|: near 0 (about 1/m for piecewise-linear
 * networks whose units switch along the path, m the steps) when `layers` form a cut, meaningless otherwise.
 * An instance whose logit does not change (F(x) = F(x')) gets the absolute gap instead.
 */
export function completenessGaps(result: ConductanceResult, layers: readonly string[]): Float64Array {
  const totals = conductanceTotals(result, layers);
  return totals.map((total, i) => {
    const difference = result.logitAtInput[i]! - result.logitAtBaseline[i]!;
    return difference === 0 ? Math.abs(total) : Math.abs(total - difference) / Math.abs(difference);
  });
}
