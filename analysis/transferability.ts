// Paper §5.1: the transferability score, best target-model accuracy on target data minus the best
// source-model accuracy on target data. Target data here is the target validation set (held out).
import type { EpochRecord, Transferability } from '../core/protocol.ts';

/** Score over the epochs with step <= `upToStep`; null parts where a phase has no epoch yet. */
export function transferability(epochs: readonly EpochRecord[], upToStep: number): Transferability {
  let bestTargetModel: number | null = null;
  let bestSourceModel: number | null = null;
  for (const e of epochs) {
    if (e.step > upToStep) {
      continue;
    }
    if (e.phase === 'target') {
      bestTargetModel = Math.max(bestTargetModel ?? -Infinity, e.accTargetValidation);
    } else {
      bestSourceModel = Math.max(bestSourceModel ?? -Infinity, e.accTargetValidation);
    }
  }
  const score = bestTargetModel !== null && bestSourceModel !== null ? bestTargetModel - bestSourceModel : null;
  return { score, bestTargetModel, bestSourceModel };
}
