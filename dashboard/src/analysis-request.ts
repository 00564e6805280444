// The one place an analysis request's URL is built, shared by the data client (whose cache it keys) and the
// prefetcher (which must hit that cache): a new query parameter added here reaches both.
import type { AnalysisKind, AnalysisSettingsName } from '../../core/analysis-protocol.ts';
import type { EpochPin } from './epochs.ts';

export interface AnalysisRequestOptions {
  /** Replaces the comparing kinds' default reference checkpoint (`?reference=P:E`). */
  reference?: EpochPin | null;
  /**
   * `?settings=`: a stored setting. Without it the answer is the best stored one, which a refinement replaces;
   * the setting is part of the path, so it is part of every cache key built from it.
   */
  settings?: AnalysisSettingsName | undefined;
}

/** `/api/runs/:run/epochs/:phase/:epoch/:kind` with the options as its query; equal requests give equal paths. */
export function analysisPath(kind: AnalysisKind, runId: string, pin: EpochPin, options: AnalysisRequestOptions = {}): string {
  const query: string[] = [];
  if (options.settings) {
    query.push(`settings=${options.settings}`);
  }
  if (options.reference) {
    query.push(`reference=${options.reference.phase}:${options.reference.epoch}`);
  }
  const path = `/api/runs/${encodeURIComponent(runId)}/epochs/${pin.phase}/${pin.epoch}/${kind}`;
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}
