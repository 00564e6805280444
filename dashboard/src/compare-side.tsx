// One side (A or B) of compare mode's class-by-class sections: its checkpoint's analysis of one kind, its run's
// metadata, and the column that says which checkpoint it is and shows its loading, computing or error state.
import { createMemo, Match, Show, Switch, type Accessor, type JSX } from 'solid-js';
import type { CheckpointId } from '../../monitor/compare-protocol.ts';
import type { AnalysisKind } from '../../monitor/analysis-protocol.ts';
import type { RunMeta } from '../../monitor/protocol.ts';
import { createCheckpointAnalysis, type CheckpointAnalysis } from './checkpoint-analysis.ts';
import type { DataClient } from './data-client.ts';
import { createLatestRequest, type LatestRequest } from './latest-request.ts';
import { Notice } from './notice.tsx';

export type Side = 'a' | 'b';

export const checkpointLabel = (id: CheckpointId): string => `${id.runId} · ${id.phase} · epoch ${id.epoch}`;

export interface CompareSideData<K extends AnalysisKind> {
  analysis: CheckpointAnalysis<K>;
  run: LatestRequest<RunMeta>;
}

/**
 * `kind` of the side's checkpoint (none asked for when `isCheckpoint()` is false: only checkpoints store weights)
 * and its run's metadata, re-requested only when the side names another checkpoint or run.
 */
export function createCompareSide<K extends AnalysisKind>(
  kind: K, client: DataClient, side: Accessor<CheckpointId>, isCheckpoint: Accessor<boolean>,
): CompareSideData<K> {
  const runId = createMemo(() => side().runId);
  return {
    analysis: createCheckpointAnalysis(kind, client, runId, () => (isCheckpoint() ? side() : null)),
    run: createLatestRequest(runId, (id) => client.runMeta(id)),
  };
}

export interface CompareSideColumnProps {
  side: Side;
  id: CheckpointId;
  isCheckpoint: boolean;
  /** The failed request's message, null otherwise. */
  error: string | null;
  /** True once the analysis of exactly this checkpoint is at hand: before that, `children` are not drawn. */
  ready: boolean;
  loading: boolean;
  /** What is being computed, shown while loading (the first request for a checkpoint computes it). */
  computing: string;
  backgroundStatus: string | null;
  testId: string;
  /** The side's note beside its label (e.g. the trust indicator). */
  aside?: JSX.Element;
  children: JSX.Element;
}

export function CompareSideColumn(props: CompareSideColumnProps): JSX.Element {
  return (
    <div class="compare-side" data-testid={props.testId} data-side={props.side}>
      <div class="compare-side-head">
        <b class="compare-side-label">{props.side.toUpperCase()}</b>
        <span>{checkpointLabel(props.id)}</span>
        <Show when={props.loading}><span class="muted">computing…</span></Show>
        {props.aside}
      </div>
      <Switch fallback={props.children}>
        <Match when={!props.isCheckpoint}>
          <Notice kind="info">Not a checkpoint: only checkpoints store the weights this needs. Pick a checkpoint (marked ◆) for {props.side.toUpperCase()}.</Notice>
        </Match>
        <Match when={props.error}>{(error) => <Notice kind="error" testId={`${props.testId}-error`}>{error()}</Notice>}</Match>
        <Match when={!props.ready}>
          <Notice kind="info" testId={`${props.testId}-loading`}>
            {props.computing}
            <Show when={props.backgroundStatus}>{(status) => <span class="muted"> (background analysis: {status()})</span>}</Show>
          </Notice>
        </Match>
      </Switch>
    </div>
  );
}
