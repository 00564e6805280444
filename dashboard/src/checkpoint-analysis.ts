// One kind of per-checkpoint analysis for a view: the request for the checkpoint the view shows (only the newest
// answer kept) and the background queue's progress on that checkpoint, shared by the network, feature and instance views.
import { createMemo, type Accessor } from 'solid-js';
import type { AnalysisEvent, EpochRecord } from '../../core/protocol.ts';
import type { AnalysisKind, AnalysisResponse, AnalysisSettingsName } from '../../core/analysis-protocol.ts';
import type { DataClient } from './data-client.ts';
import type { EpochPin } from './epochs.ts';
import { createLatestRequest, type LatestRequest } from './latest-request.ts';

export interface CheckpointKey extends EpochPin {
  runId: string;
  /** A chosen reference checkpoint instead of the kind's default one (the network view's picker). */
  reference?: EpochPin;
}

const samePin = (a: EpochPin | undefined, b: EpochPin | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.phase === b.phase && a.epoch === b.epoch);

/** Equal keys must not re-request: the scrubber moves between epochs that share a checkpoint. */
export function sameCheckpointKey(a: CheckpointKey | null, b: CheckpointKey | null): boolean {
  return a === b || (a !== null && b !== null && a.runId === b.runId && samePin(a, b) && samePin(a.reference, b.reference));
}

/** The monitor's latest progress report for `key`'s checkpoint (`queued`, `running: …`), null for another one. */
export function backgroundAnalysisStatus(event: AnalysisEvent | null, key: CheckpointKey | null): string | null {
  // Compare mode asks about runs other than the one whose events the client follows.
  return event && key && event.runId === key.runId && event.at.phase === key.phase && event.at.epoch === key.epoch
    ? event.status + (event.message ? `: ${event.message}` : '')
    : null;
}

export interface CheckpointAnalysis<K extends AnalysisKind> {
  /** The checkpoint asked for; null when there is none to ask about. */
  key: Accessor<CheckpointKey | null>;
  request: LatestRequest<AnalysisResponse<K>>;
  /** The key whose answer is on screen, null while the asked-for checkpoint loads (tests wait on it). */
  drawn: Accessor<CheckpointKey | null>;
  /** The background analysis's status for that checkpoint (`running`, `failed: …`), null if it reported none. */
  backgroundStatus: Accessor<string | null>;
  /**
   * True once the view shows what the scrubbed epoch asks for: the asked-for answer, its error, or nothing when
   * there is no checkpoint to ask about. The scrub benchmark and tests wait on it across all views.
   */
  settled: Accessor<boolean>;
}

/** The checkpoint a view's target analyses: only a `checkpoint` target (not `none`, nor the network view's `first-source`). */
export function analysedCheckpoint(target: { kind: string; checkpoint?: EpochRecord }): EpochRecord | null {
  return target.kind === 'checkpoint' ? (target.checkpoint ?? null) : null;
}

/**
 * Requests `kind` of `checkpoint()` of run `runId()` through the data client whenever either changes: the
 * timeline's checkpoint in the per-checkpoint views, a fixed side of the comparison in compare mode.
 */
/**
 * The last non-null value of `value`: a view keeps drawing it (hidden) while the shown epoch has no analysis, so
 * scrubbing past the first source checkpoint or before any checkpoint updates its data instead of disposing and
 * creating thousands of elements and a chart again. Equals `value()` whenever that is non-null.
 */
export function createKept<T>(value: Accessor<T | null | undefined>): Accessor<T | null> {
  let last: T | null = null;
  return createMemo(() => {
    const now = value();
    if (now !== null && now !== undefined) {
      last = now;
    }
    return last;
  });
}

export function createCheckpointAnalysis<K extends AnalysisKind>(
  kind: K,
  client: DataClient,
  runId: Accessor<string | undefined>,
  checkpoint: Accessor<EpochPin | null>,
  reference: Accessor<EpochPin | null> = () => null,
  /** A setting to ask for instead of following refined events (compare mode asks both sides at one setting). */
  settings: Accessor<AnalysisSettingsName | undefined> = () => undefined,
): CheckpointAnalysis<K> {
  const key = createMemo<CheckpointKey | null>(
    () => {
      const id = runId();
      const at = checkpoint();
      const chosen = reference();
      return id && at ? { runId: id, phase: at.phase, epoch: at.epoch, ...(chosen ? { reference: { phase: chosen.phase, epoch: chosen.epoch } } : {}) } : null;
    },
    null,
    { equals: sameCheckpointKey },
  );
  // The request follows the key and, for the default reference, whether the monitor reported the checkpoint
  // refined: the view then fetches the paper's settings and keeps showing the estimate until they arrive. The views'
  // own selections follow `key`, which a refinement leaves as it is.
  const requestKey = createMemo<{ key: CheckpointKey; settings: AnalysisSettingsName | undefined } | null>(
    () => {
      const k = key();
      return k && { key: k, settings: settings() ?? (!k.reference && client.isRefined(kind, k.runId, k) ? 'paper' : undefined) };
    },
    null,
    { equals: (a, b) => a === b || (a !== null && b !== null && a.settings === b.settings && sameCheckpointKey(a.key, b.key)) },
  );
  const request = createLatestRequest(requestKey, ({ key: k, settings: asked }, signal) => client.analysis(kind, k.runId, k, signal, k.reference, asked));
  // The monitor may already be computing this checkpoint after training stored it (the `analysis` events).
  const backgroundStatus = (): string | null => backgroundAnalysisStatus(client.state.analysis, key());
  const drawn = (): CheckpointKey | null => {
    const shown = request.value();
    const k = key();
    const asked = !k?.reference || (shown?.key.referencePhase === k.reference.phase && shown.key.referenceEpoch === k.reference.epoch);
    return shown && k && asked && !request.loading() && shown.key.phase === k.phase && shown.key.epoch === k.epoch ? k : null;
  };
  const settled = (): boolean => key() === null || drawn() !== null || (!request.loading() && request.error() !== null);
  return { key, request, drawn, backgroundStatus, settled };
}
