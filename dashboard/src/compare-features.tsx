// "Features, A | B": for the focused class, each checkpoint's domain discriminability (paper §5.4) side by side: the
// cross-validated domain accuracy, the most discriminative neurons (those top-ranked at one side only flagged) and the biplot.
import { createEffect, createMemo, createSignal, For, on, Show, type JSX } from 'solid-js';
import type { CompareResponse } from '../../core/compare-protocol.ts';
import type { FeatureClassAnalysis, FeatureNeuron } from '../../core/features-protocol.ts';
import { featureClass, oneSidedTop, TOP_NEURONS, topNeurons, type OneSidedMark } from './compare-features-model.ts';
import { checkpointLabel, CompareSideColumn, createCompareSides, type Side } from './compare-side.tsx';
import type { DataClient } from './data-client.ts';
import { defaultAxes, sortNeurons, type SortOrder } from './feature-model.ts';
import { FeaturePlot } from './feature-plot.tsx';
import { FeatureRanking } from './feature-ranking.tsx';
import { featureImageUrl } from './network-model.ts';
import { percent, signedPoints } from './format.ts';
import { signColor } from './colors.ts';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import type { Comparison } from './url-state.ts';

export interface CompareFeaturesProps {
  client: DataClient;
  compare: Comparison;
  response: CompareResponse;
  /** Replaces the comparison's classes with this one. */
  onFocusClass(name: string): void;
}

const HINT =
  'Paper §5.4 for both checkpoints, for one class (the first of the classes shown; picking one here narrows the ' +
  "comparison to it): how well a linear SVM tells source from target instances by the model's important neurons' " +
  `conductance (cross-validated), each side's ${TOP_NEURONS} most discriminative neurons, and the biplot. "A only" / ` +
  `"B only" flag neurons in one side's top ${TOP_NEURONS} but not the other's (hover for where they stand there). ` +
  'Computed on request per checkpoint (up to a minute the first time).';

interface SideProps {
  side: Side;
  cls: FeatureClassAnalysis;
  className: string;
  marks: ReadonlyMap<string, OneSidedMark>;
  imageUrl: (n: FeatureNeuron) => string;
}

/** One side's list (its top neurons) and biplot; arrows start as its five most discriminative, tickable. */
function CompareFeatureSide(props: SideProps): JSX.Element {
  const [order, setOrder] = createSignal<SortOrder>('descending');
  const [axes, setAxes] = createSignal<ReadonlySet<string>>(new Set());
  createEffect(
    on(
      () => props.cls,
      (c) => setAxes(defaultAxes(c.neurons)),
    ),
  );
  const toggleAxis = (id: string): void => {
    const next = new Set(axes());
    if (!next.delete(id)) {
      next.add(id);
    }
    setAxes(next);
  };
  const top = createMemo(() => topNeurons(props.cls.neurons));
  return (
    <div class="feature-body">
      <FeatureRanking
        neurons={sortNeurons(top(), order())}
        order={order()}
        onToggleOrder={() => setOrder(order() === 'descending' ? 'ascending' : 'descending')}
        axes={axes()}
        onToggleAxis={toggleAxis}
        imageUrl={props.imageUrl}
        maxWeight={Math.max(0, ...top().map((n) => Math.abs(n.weight)))}
        marks={props.marks}
        lazyIn="page"
        testId={`compare-feature-ranking-${props.side}`}
      />
      <FeaturePlot cls={props.cls} axes={axes()} className={props.className} />
    </div>
  );
}

export function CompareFeatures(props: CompareFeaturesProps): JSX.Element {
  const sides = createCompareSides('features', props);
  const classNames = (side: Side): string[] => sides[side].run.value()?.classNames ?? [];
  const allClasses = createMemo(() => [...new Set([...classNames('a'), ...classNames('b')])]);
  const focus = createMemo(() => props.compare.classes?.[0] ?? allClasses()[0] ?? null);
  const cls = (side: Side): FeatureClassAnalysis | null => {
    const name = focus();
    const shown = sides[side].analysis.drawn() ? sides[side].analysis.request.value() : null;
    const c = name === null ? -1 : classNames(side).indexOf(name);
    return shown && c >= 0 ? featureClass(shown.result.classes, c) : null;
  };
  const clsA = createMemo(() => cls('a'));
  const clsB = createMemo(() => cls('b'));
  const marks = createMemo(() => oneSidedTop(clsA()?.neurons ?? [], clsB()?.neurons ?? []));
  const accuracyChange = (): number | null => {
    const a = clsA()?.cvAccuracy ?? null;
    const b = clsB()?.cvAccuracy ?? null;
    return a === null || b === null ? null : b - a;
  };
  const imageUrl =
    (side: Side) =>
    (n: FeatureNeuron): string => {
      const id = props.compare[side];
      return featureImageUrl(id.runId, id.phase, id.epoch, n.layer, n.neuron);
    };

  const renderedKey = (): string => (clsA() && clsB() ? `${checkpointLabel(props.compare.a)}|${checkpointLabel(props.compare.b)}|${focus()}` : '');

  const column = (side: Side): JSX.Element => {
    const c = side === 'a' ? clsA : clsB;
    return (
      <CompareSideColumn
        side={side}
        id={props.compare[side]}
        isCheckpoint={props.response[side].checkpoint}
        data={sides[side]}
        computing="Computing the feature analysis (conductance of both domains, then a domain SVM per class)… first time takes up to a minute."
        testId={`compare-features-${side}`}
      >
        <Show when={c()} fallback={<Notice kind="info">Class {focus()} is not in this side's run.</Notice>}>
          {(shown) => (
            <Show
              when={shown().neurons.length > 0}
              fallback={<Notice kind="info">No target-validation instances of this class, so it has no important neurons.</Notice>}
            >
              <CompareFeatureSide side={side} cls={shown()} className={focus() ?? ''} marks={marks()[side]} imageUrl={imageUrl(side)} />
            </Show>
          )}
        </Show>
      </CompareSideColumn>
    );
  };

  return (
    <Panel
      class="span-3"
      title="Features, A | B"
      testId="compare-features"
      hint={HINT}
      renderedKey={renderedKey()}
      aside={
        <Show when={allClasses().length > 0}>
          <label>
            class{' '}
            <select
              data-testid="compare-feature-class"
              title="The class whose features are compared (narrows the whole comparison to it)"
              onChange={(e) => props.onFocusClass(e.currentTarget.value)}
            >
              <For each={allClasses()}>
                {(name) => (
                  <option value={name} selected={name === focus()}>
                    {name}
                  </option>
                )}
              </For>
            </select>
          </label>
        </Show>
      }
    >
      <div class="muted compare-feature-summary" data-testid="compare-feature-summary">
        cross-validated domain accuracy of class {focus()}: A <b data-testid="compare-feature-cv-a">{percent(clsA()?.cvAccuracy ?? null)}</b> → B{' '}
        <b data-testid="compare-feature-cv-b">{percent(clsB()?.cvAccuracy ?? null)}</b>{' '}
        <span
          style={{ color: signColor(accuracyChange() === null ? null : -accuracyChange()!) }}
          title="B − A; lower means the domains look more alike to the important neurons, which is what fine-tuning aims at"
        >
          ({signedPoints(accuracyChange())})
        </span>
        {' · '}
        <span data-testid="compare-feature-one-sided">
          {marks().a.size} neurons in A's top {TOP_NEURONS} only, {marks().b.size} in B's only
        </span>
      </div>
      <div class="compare-pair">
        {column('a')}
        {column('b')}
      </div>
    </Panel>
  );
}
