// The instance view (paper §5.2 with DeepVisualInsight's time travel): both domains' validation instances laid out
// by t-SNE of the model's activations before the dense layers, or by DVI's projection over the model's decision
// boundaries, at the checkpoint shown; scrubbing moves the points (and swaps the map).
import { createEffect, createMemo, createSignal, Match, on, Show, Switch, type JSX } from 'solid-js';
import type { RunMeta } from '../../core/protocol.ts';
import type { DataClient } from './data-client.ts';
import { createCheckpointAnalysis, createKept } from './checkpoint-analysis.ts';
import { ClassToggles } from './class-toggles.tsx';
import { InstanceScatter } from './instance-scatter.tsx';
import { InstanceSelectionList } from './instance-selection-list.tsx';
import { InstanceTrust } from './instance-trust.tsx';
import { ProjectionTrust } from './projection-trust.tsx';
import { instanceImageUrl, instancePoints, layoutExtent, type InstancePoint } from './instance-model.ts';
import { LayoutSwitch } from './layout-switch.tsx';
import { createProjectionLayer, DVI_HINT, FITTING } from './projection-layer.ts';
import { createExtraPoints, EXTRA_SET_NAMES, extraPointsKey } from './projection-extra.ts';
import { ProjectionProbe } from './projection-probe.tsx';
import { instanceThumbnails } from './instance-thumbnails.ts';
import { networkTarget } from './network-model.ts';
import { AnalysisPending, CheckpointAside } from './checkpoint-aside.tsx';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import type { Timeline } from './timeline.ts';
import type { InstanceLayout } from './url-state.ts';

export interface InstanceViewProps {
  client: DataClient;
  run: RunMeta | null;
  timeline: Timeline;
  layout: InstanceLayout;
  onLayout(layout: InstanceLayout): void;
  /** The DVI layout also places the target training instances of the selected classes (kept in the URL). */
  extra: boolean;
  onExtra(extra: boolean): void;
}

const HINT =
  "Paper §5.2: every validation instance of both domains, placed by t-SNE of the model's activations right before " +
  'its dense layers (perplexity 40, learning rate 100, after PCA to 50 dimensions). Colour = true class; cross = source ' +
  "instance, circle = target instance; a dark border = the model mispredicts it. Each checkpoint's layout starts from " +
  'the previous one and is aligned to it, so when you scrub, points move only as much as the representation moved. ' +
  'Hover a point for its image; use the rectangle or lasso (top right) to list instances.';

export function InstanceView(props: InstanceViewProps): JSX.Element {
  // Every checkpoint has a layout, the first source one included (nothing is compared with a source model).
  const target = createMemo(() => networkTarget(props.client.state.epochs, props.timeline.current()));
  const checkpoint = () => {
    const t = target();
    return t.kind === 'none' ? null : t.checkpoint;
  };
  // The t-SNE is asked for in both layouts: DVI's trust indicators show its neighbour figure beside their own.
  const tsne = createCheckpointAnalysis('instances', props.client, () => props.run?.id, checkpoint);
  const dvi = createCheckpointAnalysis(
    'projection',
    props.client,
    () => props.run?.id,
    () => (props.layout === 'dvi' ? checkpoint() : null),
  );
  const active = () => (props.layout === 'dvi' ? dvi : tsne);
  const projection = createProjectionLayer(
    () => (props.layout === 'dvi' && dvi.drawn() ? (dvi.request.value() ?? null) : null),
    () => selectedClasses(),
  );
  const layout = {
    // DVI: the projection whose map has loaded, so points and map change together.
    value: () => (props.layout === 'dvi' ? projection.shown() : tsne.request.value()),
    error: () => active().request.error(),
    loading: () => active().request.loading(),
  };
  const drawn = () => {
    const k = active().drawn();
    const shown = layout.value();
    return k && shown && shown.key.runId === k.runId && shown.key.phase === k.phase && shown.key.epoch === k.epoch ? k : null;
  };
  // The chart draws the last layout loaded; it stays mounted (hidden) while the shown epoch has none, so scrubbing
  // before the first checkpoint and back does not dispose the ECharts instance and create it again.
  const kept = createKept(layout.value);
  const backgroundStatus = () => active().backgroundStatus();
  const settled = () => active().settled();

  const classNames = (): string[] => props.run?.classNames ?? [];
  const [hidden, setHidden] = createSignal<ReadonlySet<number>>(new Set());
  const selectedClasses = createMemo(
    () =>
      new Set(
        classNames()
          .map((_, c) => c)
          .filter((c) => !hidden().has(c)),
      ),
  );
  const toggleClass = (c: number) => {
    const next = new Set(hidden());
    if (!next.delete(c)) {
      next.add(c);
    }
    setHidden(next);
  };
  const extra = createExtraPoints(
    props.client,
    () => extraPointsKey(props.layout === 'dvi' && props.extra ? 'target-train' : null, props.run?.id, checkpoint(), selectedClasses()),
    () => projection.shown(),
    () => selectedClasses(),
  );
  const [showImages, setShowImages] = createSignal(false);
  const [thumbnails, setThumbnails] = createSignal<ReadonlyMap<string, string> | null>(null);
  const [brushed, setBrushed] = createSignal<InstancePoint[]>([]);
  createEffect(
    on(
      () => props.run?.id,
      () => {
        setThumbnails(null);
        setShowImages(false);
        setHidden(new Set<number>());
      },
      { defer: true },
    ),
  );

  const points = createMemo(() => {
    const shown = kept();
    return shown ? instancePoints(shown.result, selectedClasses()) : [];
  });
  // Cut once per run on first use; the same instances are laid out at every checkpoint.
  createEffect(() => {
    const shown = layout.value();
    if (showImages() && shown && thumbnails() === null) {
      const runId = shown.key.runId;
      void instanceThumbnails(runId, instancePoints(shown.result, new Set(shown.result.label))).then(
        (cut) => {
          if (props.run?.id === runId) {
            setThumbnails(cut);
          }
        },
        () => setShowImages(false),
      );
    }
  });
  const imageUrl = (p: InstancePoint) => instanceImageUrl(kept()?.key.runId ?? '', p.domain, p.index);
  const scatterInput = createMemo(() => ({
    points: points(),
    extent: kept() ? layoutExtent(kept()!.result) : 1,
    classNames: classNames(),
    imageUrl,
    thumbnails: showImages() ? thumbnails() : null,
    ...projection.optionInput(),
    ...(props.layout === 'dvi' && props.extra ? { extra: { name: EXTRA_SET_NAMES['target-train'], points: extra.points() } } : {}),
  }));

  // What is drawn (phase/epoch/classes, prefixed `dvi:` for the projection), '' while loading: tests wait on it
  // instead of guessing with timeouts.
  const renderedKey = (): string => {
    const k = drawn();
    return k ? `${props.layout === 'dvi' ? 'dvi:' : ''}${k.phase}/${k.epoch}/${[...selectedClasses()].join(',')}` : '';
  };

  const aside = (): JSX.Element => {
    const t = target();
    return <CheckpointAside checkpoint={t.kind === 'none' ? null : t.checkpoint} at={props.timeline.current()} loading={layout.loading()} />;
  };

  return (
    <Panel
      class="instance-panel"
      title="Instances"
      hint={props.layout === 'dvi' ? DVI_HINT : HINT}
      testId="instance-panel"
      renderedKey={renderedKey()}
      settled={settled()}
      aside={aside()}
    >
      <div class="instance-layout-row">
        <LayoutSwitch layout={props.layout} onLayout={(l) => props.onLayout(l)} />
      </div>
      <Switch>
        <Match when={target().kind === 'none'}>
          <Notice kind="info">No checkpoint at or before this epoch yet: the instance view needs stored weights.</Notice>
        </Match>
        <Match when={layout.error()}>
          {(error) => (
            <Notice kind="error" testId="instance-error">
              Could not load the {props.layout === 'dvi' ? 'DVI projection' : 'instance layout'}: {error()}
            </Notice>
          )}
        </Match>
        <Match when={!layout.value()}>
          <AnalysisPending testId="instance-loading" status={backgroundStatus()}>
            {props.layout === 'dvi' ? FITTING : "Laying out this checkpoint's instances… a few seconds per checkpoint not laid out yet."}
          </AnalysisPending>
        </Match>
      </Switch>
      <Show when={kept()}>
        {(shown) => (
          <div class="kept-view" classList={{ 'kept-hidden': !layout.value() || !!layout.error() }}>
            <div class="instance-controls">
              <ClassToggles
                names={classNames()}
                shown={(_, c) => !hidden().has(c)}
                onToggle={(_, c) => toggleClass(c)}
                onAll={() => setHidden(new Set<number>())}
                onNone={() => setHidden(new Set(classNames().map((_, c) => c)))}
                testId="instance-class-toggle"
              />
              <label title="Draw each instance's image in place of its glyph (one atlas request per domain)">
                <input type="checkbox" data-testid="instance-images-toggle" checked={showImages()} onChange={(e) => setShowImages(e.currentTarget.checked)} />{' '}
                images
              </label>
              <Show
                when={props.layout === 'dvi' && projection.shown()}
                fallback={<Show when={tsne.request.value()}>{(t) => <InstanceTrust projection={t().result} />}</Show>}
              >
                {(response) => (
                  <>
                    <label title="Boundary points: mixtures of two instances that the model finds exactly ambiguous (top-2 gap under 0.1)">
                      <input
                        type="checkbox"
                        data-testid="boundary-points-toggle"
                        checked={projection.showBoundary()}
                        onChange={(e) => projection.setShowBoundary(e.currentTarget.checked)}
                      />{' '}
                      boundary points
                    </label>
                    <label title="Also place the target domain's training instances of the classes selected above (at most 150 per class) with this checkpoint's DVI encoder: the projection was fitted on validation instances only">
                      <input type="checkbox" data-testid="extra-points-toggle" checked={props.extra} onChange={(e) => props.onExtra(e.currentTarget.checked)} />{' '}
                      target training instances of the selected classes
                    </label>
                    <ProjectionTrust
                      metrics={response().result.metrics}
                      tsneNeighbourPreservation={tsne.drawn() ? tsne.request.value()?.result.neighbourPreservation : null}
                    />
                  </>
                )}
              </Show>
            </div>
            <div class="muted instance-legend">
              <span class="source-text">✕ source</span> · <span class="target-text">● target</span> · dark border = mispredicted
              <Show when={props.layout === 'dvi'}>
                {' '}
                · ◇ boundary point · white = within 0.1 of a tie (a decision boundary), paler = less sure
                <Show when={(projection.undecided() ?? 0) > 0.9}>
                  {' '}
                  ·{' '}
                  <b data-testid="projection-undecided">
                    {(100 * projection.undecided()!).toFixed(0)}% of this map is white: the model is undecided almost everywhere
                  </b>
                </Show>
              </Show>{' '}
              · {points().length} of {shown().result.count} instances
              <Show when={showImages() && thumbnails() === null}> · loading images…</Show>
              <Show when={props.layout === 'dvi' && props.extra && extra.points().length > 0}> · + {extra.points().length} target training instances</Show>
            </div>
            <Show when={props.layout === 'dvi' && props.extra}>
              <Show when={extra.request.error()}>
                {(error) => (
                  <Notice kind="error" testId="extra-points-error">
                    Could not place the target training instances: {error()}
                  </Notice>
                )}
              </Show>
              <Show when={extra.request.loading()}>
                <Notice kind="info" testId="extra-points-loading">
                  Placing the target training instances of the selected classes… seconds the first time (a worker runs them through this checkpoint).
                </Notice>
              </Show>
            </Show>
            <div class="instance-body">
              <InstanceScatter input={scatterInput()} onBrush={setBrushed} onSpot={projection.onSpot} />
              <Show when={props.layout === 'dvi'}>
                <ProjectionProbe spot={projection.spot()} probabilities={projection.probabilities()} classNames={classNames()} onUnpin={projection.unpin} />
              </Show>
              <Show
                when={brushed().length > 0}
                fallback={<p class="muted instance-selection">Select instances with the rectangle or the lasso (top right of the plot) to list them here.</p>}
              >
                <InstanceSelectionList points={brushed()} classNames={classNames()} imageUrl={imageUrl} />
              </Show>
            </div>
          </div>
        )}
      </Show>
    </Panel>
  );
}
