// Training instances on a DVI projection (issue 14, item 3's second half): the instances of a training split of the
// selected classes, placed by the checkpoint's stored encoder. Requested for the checkpoint the view shows, the
// request for a checkpoint scrubbed past aborted; drawn only over the projection of the same checkpoint.
import { createMemo, type Accessor } from 'solid-js';
import type { ProjectionResponse } from '../../core/analysis-protocol.ts';
import type { ExtraPointSet, ExtraPointsResponse } from '../../core/projection-protocol.ts';
import type { DataClient } from './data-client.ts';
import type { EpochPin } from './epochs.ts';
import { createLatestRequest, type LatestRequest } from './latest-request.ts';
import { extraPoints, type ExtraPoint } from './projection-model.ts';

export interface ExtraPointsKey extends EpochPin {
  runId: string;
  set: ExtraPointSet;
  /** Ascending. */
  classes: number[];
}

/** Readable name of a split's points, for the tooltip and the legend. */
export const EXTRA_SET_NAMES: Record<ExtraPointSet, string> = { 'target-train': 'target training', 'source-train': 'source training' };

/** The key to request: null when the option is off, no checkpoint is shown or no class is selected. */
export function extraPointsKey(
  set: ExtraPointSet | null,
  runId: string | undefined,
  checkpoint: EpochPin | null,
  classes: ReadonlySet<number>,
): ExtraPointsKey | null {
  if (!set || !runId || !checkpoint || classes.size === 0) {
    return null;
  }
  return { runId, phase: checkpoint.phase, epoch: checkpoint.epoch, set, classes: [...classes].sort((a, b) => a - b) };
}

/** Equal keys must not re-request: the scrubber moves between epochs that share a checkpoint. */
export function sameExtraPointsKey(a: ExtraPointsKey | null, b: ExtraPointsKey | null): boolean {
  return (
    a === b ||
    (a !== null &&
      b !== null &&
      a.runId === b.runId &&
      a.phase === b.phase &&
      a.epoch === b.epoch &&
      a.set === b.set &&
      a.classes.join(',') === b.classes.join(','))
  );
}

/** The points of `answer` to draw over `shown`: none unless both are of the same checkpoint. */
export function extraPointsOver(answer: ExtraPointsResponse | null, shown: ProjectionResponse | null, classes: ReadonlySet<number>): ExtraPoint[] {
  if (!answer || !shown || answer.runId !== shown.key.runId || answer.phase !== shown.key.phase || answer.epoch !== shown.key.epoch) {
    return [];
  }
  return extraPoints(answer, classes);
}

export interface ExtraPointsLayer {
  request: LatestRequest<ExtraPointsResponse>;
  /** The points to draw over the projection shown. */
  points: Accessor<ExtraPoint[]>;
}

export function createExtraPoints(
  client: DataClient,
  key: Accessor<ExtraPointsKey | null>,
  shown: Accessor<ProjectionResponse | null>,
  classes: Accessor<ReadonlySet<number>>,
): ExtraPointsLayer {
  const stableKey = createMemo(key, null, { equals: sameExtraPointsKey });
  const request = createLatestRequest(stableKey, (k, signal) => client.extraPoints(k.runId, k, k.set, k.classes, signal));
  const points = createMemo(() => (stableKey() ? extraPointsOver(request.value(), shown(), classes()) : []));
  return { request, points };
}
