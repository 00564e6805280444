// One side (A or B) of compare mode's class-by-class sections: the column that says which checkpoint it is and shows
// its loading, computing or error state, and the class choice shared by both sides. The sides' data: compare-sides.ts.
import { createMemo, Match, Show, Switch, type Accessor, type JSX } from 'solid-js';
import type { CheckpointId } from '../../core/compare-protocol.ts';
import type { AnalysisKind } from '../../core/analysis-protocol.ts';
import { AnalysisPending } from './checkpoint-aside.tsx';
import { Notice } from './notice.tsx';
import { ClassToggles } from './class-toggles.tsx';
import type { Comparison } from './url-state.ts';

import type { CompareSideData, Side } from './compare-sides.ts';
export type { Side, CompareSideData } from './compare-sides.ts';
export { createCompareSide, createCompareSides } from './compare-sides.ts';

export const checkpointLabel = (id: CheckpointId): string => `${id.runId} · ${id.phase} · epoch ${id.epoch}`;

export interface CompareClassChoice {
  allClasses: Accessor<string[]>;
  selected: Accessor<Set<string>>;
  toggleClass(name: string): void;
  showAll(): void;
}

/**
 * The classes in focus across both sides, kept in the URL (`&class=`): every class of either run when none is
 * named. Toggling never empties the choice, since an empty one would mean "every class" in the URL.
 */
export function createCompareClassChoice(
  classNames: (side: Side) => string[],
  props: { compare: Comparison; onClasses(classes: string[] | undefined): void },
): CompareClassChoice {
  const allClasses = createMemo(() => [...new Set([...classNames('a'), ...classNames('b')])]);
  const selected = createMemo(() => new Set(props.compare.classes?.length ? props.compare.classes : allClasses()));
  const toggleClass = (name: string): void => {
    const next = allClasses().filter((c) => (c === name ? !selected().has(c) : selected().has(c)));
    if (next.length > 0) {
      props.onClasses(next.length === allClasses().length ? undefined : next);
    }
  };
  return { allClasses, selected, toggleClass, showAll: () => props.onClasses(undefined) };
}

/** The class buttons of a compare section, over `choice`. */
export function CompareClassToggles(props: { choice: CompareClassChoice }): JSX.Element {
  return (
    <ClassToggles
      names={props.choice.allClasses()}
      shown={(name) => props.choice.selected().has(name)}
      onToggle={(name) => props.choice.toggleClass(name)}
      onAll={() => props.choice.showAll()}
      testId="compare-class-toggle"
      note="kept in the URL"
    />
  );
}

export interface CompareSideColumnProps<K extends AnalysisKind> {
  side: Side;
  id: CheckpointId;
  isCheckpoint: boolean;
  /** `children` are drawn once this side's analysis of exactly `id` and its run's metadata are at hand. */
  data: CompareSideData<K>;
  /** What is being computed, shown while loading (the first request for a checkpoint computes it). */
  computing: string;
  testId: string;
  /** The side's note beside its label (e.g. the trust indicator). */
  aside?: JSX.Element;
  children: JSX.Element;
}

export function CompareSideColumn<K extends AnalysisKind>(props: CompareSideColumnProps<K>): JSX.Element {
  const error = (): string | null => props.data.analysis.request.error() ?? props.data.run.error();
  const ready = (): boolean => props.data.analysis.drawn() !== null && props.data.run.value() !== null;
  return (
    <div class="compare-side" data-testid={props.testId} data-side={props.side}>
      <div class="compare-side-head">
        <b class="compare-side-label">{props.side.toUpperCase()}</b>
        <span>{checkpointLabel(props.id)}</span>
        <Show when={props.data.analysis.request.loading()}>
          <span class="muted">computing…</span>
        </Show>
        {props.aside}
      </div>
      <Switch fallback={props.children}>
        <Match when={!props.isCheckpoint}>
          <Notice kind="info">
            Not a checkpoint: only checkpoints store the weights this needs. Pick a checkpoint (marked ◆) for {props.side.toUpperCase()}.
          </Notice>
        </Match>
        <Match when={error()}>
          {(message) => (
            <Notice kind="error" testId={`${props.testId}-error`}>
              {message()}
            </Notice>
          )}
        </Match>
        <Match when={!ready()}>
          <AnalysisPending testId={`${props.testId}-loading`} status={props.data.analysis.backgroundStatus()}>
            {props.computing}
          </AnalysisPending>
        </Match>
      </Switch>
    </div>
  );
}
