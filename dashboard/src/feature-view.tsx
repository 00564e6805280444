// The feature view (paper §5.4, Algorithm 1): for one class at the checkpoint shown, which important neurons
// tell source from target instances, the ranking list beside the discriminability plot.
import { createEffect, createMemo, createSignal, For, Match, on, Show, Switch, type JSX } from 'solid-js';
import type { RunMeta } from '../../core/protocol.ts';
import type { FeatureNeuron } from '../../core/features-protocol.ts';
import type { DataClient } from './data-client.ts';
import { analysedCheckpoint, createCheckpointAnalysis, createKept } from './checkpoint-analysis.ts';
import { SettingsLabel } from './settings-label.tsx';
import { defaultAxes, featureTarget, sortNeurons, type SortOrder } from './feature-model.ts';
import { FeaturePlot } from './feature-plot.tsx';
import { FeatureRanking } from './feature-ranking.tsx';
import { featureImageUrl } from './network-model.ts';
import { AnalysisPending, CheckpointAside } from './checkpoint-aside.tsx';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import { createFollowOnScreen, createVisibility } from './visibility.ts';
import type { Timeline } from './timeline.ts';

export interface FeatureViewProps {
  client: DataClient;
  run: RunMeta | null;
  timeline: Timeline;
}

const HINT =
  "Paper §5.4: for the chosen class, the Layer Conductance of the model's important neurons (10% of each layer) " +
  'on source (red) and target (blue) validation instances, each neuron scaled to [−1, 1], separated by a linear SVM ' +
  '(C = 100). The list ranks neurons by the SVM weight (domain discriminability); the plot projects every instance ' +
  "onto the SVM's normal (x, so the decision boundary is vertical) and the first principal component orthogonal " +
  'to it (y), with arrows for the five most discriminative neurons and any you tick.';

export function FeatureView(props: FeatureViewProps): JSX.Element {
  const target = createMemo(() => featureTarget(props.client.state.epochs, props.timeline.current()));
  const {
    request: features,
    key,
    backgroundStatus,
    settled,
  } = createCheckpointAnalysis(
    'features',
    props.client,
    () => props.run?.id,
    () => analysedCheckpoint(target()),
  );

  const classNames = (): string[] => props.run?.classNames ?? [];
  const [classIndex, setClassIndex] = createSignal(0);
  const [order, setOrder] = createSignal<SortOrder>('descending');
  // The ranking and plot draw the last analysis loaded; they stay mounted (hidden) while the shown epoch has none.
  // Below the fold they keep the one they drew until scrolled to: 75 rows re-laid out on every scrubber move otherwise.
  const onScreen = createVisibility();
  const kept = createFollowOnScreen(createKept(features.value), onScreen.visible);
  const cls = createMemo(() => kept()?.result.classes[classIndex()] ?? null);
  // Ticked arrows belong to one class's neurons: a new class (or checkpoint) starts from its own top five.
  const [axes, setAxes] = createSignal<ReadonlySet<string>>(new Set());
  createEffect(on(cls, (c) => setAxes(defaultAxes(c?.neurons ?? []))));
  const toggleAxis = (id: string): void => {
    const next = new Set(axes());
    if (!next.delete(id)) {
      next.add(id);
    }
    setAxes(next);
  };
  const ranked = createMemo(() => sortNeurons(cls()?.neurons ?? [], order()));
  const maxWeight = createMemo(() => Math.max(0, ...(cls()?.neurons ?? []).map((n) => Math.abs(n.weight))));
  const imageUrl = (n: FeatureNeuron): string => {
    const shown = kept()?.key;
    return shown ? featureImageUrl(shown.runId, shown.phase, shown.epoch, n.layer, n.neuron) : '';
  };

  // The monitor may already be computing this checkpoint after training stored it (the `analysis` events).

  // What is drawn, as phase/epoch/class/order, or '' while loading: tests wait on it instead of sleeping.
  const renderedKey = (): string => {
    const shown = features.value();
    const k = key();
    return shown && k && !features.loading() && shown.key.phase === k.phase && shown.key.epoch === k.epoch
      ? `${k.phase}/${k.epoch}/${classIndex()}/${order()}`
      : '';
  };

  const aside = (): JSX.Element => {
    const t = target();
    return <CheckpointAside checkpoint={t.kind === 'none' ? null : t.checkpoint} at={props.timeline.current()} loading={features.loading()} />;
  };

  return (
    <Panel
      ref={(el) => onScreen.observe(el)}
      class="feature-panel"
      title="Feature discriminability"
      hint={HINT}
      testId="feature-panel"
      renderedKey={renderedKey()}
      settled={settled()}
      aside={aside()}
    >
      <Switch>
        <Match when={target().kind === 'none'}>
          <Notice kind="info">No checkpoint at or before this epoch yet: the feature view needs stored weights.</Notice>
        </Match>
        <Match when={features.error()}>
          {(error) => (
            <Notice kind="error" testId="feature-error">
              Could not load the feature analysis: {error()}
            </Notice>
          )}
        </Match>
        <Match when={!features.value()}>
          <AnalysisPending testId="feature-loading" status={backgroundStatus()}>
            Computing the feature analysis (conductance of both domains, then a domain SVM per class)… first time takes up to a minute.
          </AnalysisPending>
        </Match>
      </Switch>
      <Show when={kept()}>
        <div class="kept-view" classList={{ 'kept-hidden': !features.value() || !!features.error() }}>
          <div class="network-controls">
            <label>
              class{' '}
              <select data-testid="feature-class-select" onChange={(e) => setClassIndex(Number(e.currentTarget.value))}>
                <For each={classNames()}>
                  {(name, i) => (
                    <option value={i()} selected={i() === classIndex()}>
                      {name}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <span class="muted">
              {cls()?.neurons.length ?? 0} important neurons · <span class="source-text">source</span> · <span class="target-text">target</span>
            </span>
            <SettingsLabel
              testId="feature-settings"
              shown={
                features.value() && {
                  settings: features.value()!.settings,
                  steps: features.value()!.result.steps,
                  maxPerClass: features.value()!.result.maxPerClass,
                  schedule: features.value()!.result.schedule,
                }
              }
            />
          </div>
          <Show when={cls()} fallback={<Notice kind="info">This class is not in the analysis.</Notice>}>
            {(c) => (
              <Show
                when={c().neurons.length > 0}
                fallback={<Notice kind="info">No target-validation instances of this class, so it has no important neurons.</Notice>}
              >
                <div class="feature-body">
                  <FeatureRanking
                    neurons={ranked()}
                    order={order()}
                    onToggleOrder={() => setOrder(order() === 'descending' ? 'ascending' : 'descending')}
                    axes={axes()}
                    onToggleAxis={toggleAxis}
                    imageUrl={imageUrl}
                    maxWeight={maxWeight()}
                  />
                  <FeaturePlot cls={c()} axes={axes()} className={classNames()[classIndex()] ?? String(classIndex())} />
                </div>
              </Show>
            )}
          </Show>
        </div>
      </Show>
    </Panel>
  );
}
