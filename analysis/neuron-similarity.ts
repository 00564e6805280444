// Paper §5.3, Figure 3C: how alike the source model's and the target model's neurons of one layer
// behave on the target instances of class c, as cosine similarity of their attribution vectors.
import { TransferscopeError } from '../core/errors.ts';
import { selectRows, type InstanceMatrix } from './network-matrix.ts';

/** S_{c,i}: `values[s * targetNeurons + t]` compares source neuron s with target neuron t, in [-1, 1]. */
export interface NeuronSimilarity {
  values: Float32Array;
  sourceNeurons: number;
  targetNeurons: number;
}

/**
 * Cosine similarity between each source neuron's and each target neuron's vector of attributions over
 * the selected instances (both matrices instance-major over the same instances, e.g. the conductances
 * of the two models on the target data). A zero vector (or no instances) gives similarity 0, not NaN.
 */
export function neuronSimilarity(source: InstanceMatrix, target: InstanceMatrix, rows?: ArrayLike<number>): NeuronSimilarity {
  if (source.instances !== target.instances) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `neuronSimilarity needs both models' attributions on the same instances (got ${source.instances} and ${target.instances}).`,
    );
  }
  const selected = selectRows(source, rows, 'neuronSimilarity');
  selectRows(target, rows, 'neuronSimilarity');
  const ns = source.neurons;
  const nt = target.neurons;
  // Unit vectors first: the n_s x n_t dot products then are the similarities.
  const unit = (m: InstanceMatrix): Float64Array[] =>
    Array.from({ length: m.neurons }, (_, n) => {
      const v = Float64Array.from(selected, (r) => m.values[r * m.neurons + n]!);
      let norm = 0;
      for (const x of v) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      return norm > 0 ? v.map((x) => x / norm) : v;
    });
  const s = unit(source);
  const t = unit(target);
  const values = new Float32Array(ns * nt);
  for (let i = 0; i < ns; i++) {
    for (let j = 0; j < nt; j++) {
      let dot = 0;
      for (let r = 0; r < selected.length; r++) {
        dot += s[i]![r]! * t[j]![r]!;
      }
      values[i * nt + j] = dot;
    }
  }
  return { values, sourceNeurons: ns, targetNeurons: nt };
}
