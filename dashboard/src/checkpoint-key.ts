// Which checkpoint a per-checkpoint analysis view asks for, and the background analysis progress of it:
// shared by the views that read `client.analysis(kind, …)`.
import type { AnalysisEvent } from '../../monitor/protocol.ts';
import type { EpochPin } from './epochs.ts';

export interface CheckpointKey extends EpochPin {
  runId: string;
}

/** Equal keys must not re-request: the scrubber moves between epochs that share a checkpoint. */
export function sameCheckpointKey(a: CheckpointKey | null, b: CheckpointKey | null): boolean {
  return a === b || (a !== null && b !== null && a.runId === b.runId && a.phase === b.phase && a.epoch === b.epoch);
}

/** The monitor's latest progress report for `key`'s checkpoint (`queued`, `running: …`), null for another one. */
export function backgroundAnalysisStatus(event: AnalysisEvent | null, key: CheckpointKey | null): string | null {
  return event && key && event.at.phase === key.phase && event.at.epoch === key.epoch
    ? event.status + (event.message ? `: ${event.message}` : '')
    : null;
}
