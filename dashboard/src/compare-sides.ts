// Both sides (A and B) of one kind in compare mode's class-by-class sections: each side's checkpoint analysis and
// its run's metadata, a refinable kind asked at one setting on both sides. Plain TypeScript (no JSX), so the
// dashboard's unit tests run it.
import { createEffect, createMemo, createSignal, untrack, type Accessor } from 'solid-js';
import type { CheckpointId, CompareResponse } from '../../core/compare-protocol.ts';
import type { AnalysisKind, AnalysisSettingsName } from '../../core/analysis-protocol.ts';
import type { RunMeta } from '../../core/protocol.ts';
import { REFINABLE_KINDS } from '../../core/analysis-settings.ts';
import { createCheckpointAnalysis, type CheckpointAnalysis } from './checkpoint-analysis.ts';
import type { DataClient } from './data-client.ts';
import { createLatestRequest, type LatestRequest } from './latest-request.ts';
import { commonCompareSettings } from './compare-settings.ts';
import type { Comparison } from './url-state.ts';

export type Side = 'a' | 'b';

export interface CompareSideData<K extends AnalysisKind> {
  analysis: CheckpointAnalysis<K>;
  run: LatestRequest<RunMeta>;
}

/**
 * `kind` of the side's checkpoint (none asked for when `isCheckpoint()` is false: only checkpoints store weights)
 * and its run's metadata, re-requested only when the side names another checkpoint or run.
 */
export function createCompareSide<K extends AnalysisKind>(
  kind: K,
  client: DataClient,
  side: Accessor<CheckpointId>,
  isCheckpoint: Accessor<boolean>,
  settings: Accessor<AnalysisSettingsName | undefined> = () => undefined,
): CompareSideData<K> {
  const runId = createMemo(() => side().runId);
  return {
    analysis: createCheckpointAnalysis(kind, client, runId, () => (isCheckpoint() ? side() : null), undefined, settings),
    run: createLatestRequest(runId, (id, signal) => client.runMeta(id, signal)),
  };
}

/**
 * Both sides of a comparison for one kind: what every class-by-class compare section starts from. A refinable
 * kind is asked at one setting on both sides (commonCompareSettings), never an estimate against a refined result.
 */
export function createCompareSides<K extends AnalysisKind>(
  kind: K,
  props: { client: DataClient; compare: Comparison; response: CompareResponse },
): Record<Side, CompareSideData<K>> {
  // Checkpoints seen answering at the paper's settings; a refinement is never undone, so they stay refined.
  const [answeredPaper, setAnsweredPaper] = createSignal<ReadonlySet<string>>(new Set());
  const sideKey = (id: CheckpointId) => `${id.runId}/${id.phase}/${id.epoch}`;
  const refined = (s: Side): boolean => {
    const id = props.compare[s];
    return props.client.isRefined(kind, id.runId, id) || answeredPaper().has(sideKey(id));
  };
  const settings = createMemo(() => (REFINABLE_KINDS.includes(kind) ? commonCompareSettings(refined('a'), refined('b')) : undefined));
  const side = (s: Side) =>
    createCompareSide(
      kind,
      props.client,
      () => props.compare[s],
      () => props.response[s].checkpoint,
      settings,
    );
  const sides = { a: side('a'), b: side('b') };
  createEffect(() => {
    for (const s of ['a', 'b'] as const) {
      const shown = sides[s].analysis.request.value();
      if (shown?.settings === 'paper' && !untrack(answeredPaper).has(sideKey(shown.key))) {
        setAnsweredPaper((seen) => new Set([...seen, sideKey(shown.key)]));
      }
    }
  });
  return sides;
}
