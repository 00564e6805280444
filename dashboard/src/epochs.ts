// Epoch lists as the dashboard keeps them (one record per step, ordered by step), and how a pinned
// `{ phase, epoch }` from the URL maps onto such a list.
import type { EpochRecord, Phase } from '../../core/protocol.ts';

/** A position on the timeline as the URL names it; `null` elsewhere means "live" (follow the newest epoch). */
export interface EpochPin {
  phase: Phase;
  epoch: number;
}

/**
 * Merges `incoming` into `existing`: one record per step, ordered by step; on a repeated step the incoming
 * record wins (it is the fresher copy). Neither input is modified; empty inputs give the other one's records.
 */
export function mergeEpochs(existing: readonly EpochRecord[], incoming: readonly EpochRecord[]): EpochRecord[] {
  const last = existing.at(-1);
  // The common live case: one new epoch after the last one.
  if (incoming.length === 1 && (!last || incoming[0]!.step > last.step)) {
    return [...existing, incoming[0]!];
  }
  const byStep = new Map<number, EpochRecord>();
  for (const record of existing) {
    byStep.set(record.step, record);
  }
  for (const record of incoming) {
    byStep.set(record.step, record);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export function pinOf(record: EpochRecord): EpochPin {
  return { phase: record.phase, epoch: record.epoch };
}

export function samePin(a: EpochPin | null, b: EpochPin | null): boolean {
  return a === b || (a !== null && b !== null && a.phase === b.phase && a.epoch === b.epoch);
}

/**
 * Index in `epochs` the pin points at, or -1 for an empty list. A pin past the committed epochs (a shared
 * link opened early, a typo) clamps to the pin phase's last epoch not after it.
 */
export function resolvePin(epochs: readonly EpochRecord[], pin: EpochPin): number {
  if (epochs.length === 0) {
    return -1;
  }
  let best = -1;
  for (const [i, record] of epochs.entries()) {
    if (record.phase === pin.phase && record.epoch <= pin.epoch) {
      best = i;
    }
  }
  if (best >= 0) {
    return best;
  }
  // No epoch of the pin's phase yet: a source pin goes to the start, a target pin to the newest epoch.
  return pin.phase === 'source' ? 0 : epochs.length - 1;
}

/** Number of leading source epochs: the phase boundary sits between this many epochs and the rest. */
export function sourceEpochCount(epochs: readonly EpochRecord[]): number {
  const firstTarget = epochs.findIndex((record) => record.phase === 'target');
  return firstTarget < 0 ? epochs.length : firstTarget;
}
