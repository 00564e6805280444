// The network relation view (paper §5.3.3, Figure 4): for one class at the checkpoint shown, how the fine-tuned
// target model's important neurons and weights relate to the source model's, layer by layer.
import { createEffect, createMemo, createSignal, For, Match, on, Show, Switch, type JSX } from 'solid-js';
import type { RunMeta } from '../../core/protocol.ts';
import type { DataClient } from './data-client.ts';
import type { EpochPin } from './epochs.ts';
import { createLatestRequest } from './latest-request.ts';
import { analysedCheckpoint, createCheckpointAnalysis, createKept } from './checkpoint-analysis.ts';
import { SettingsLabel } from './settings-label.tsx';
import { NetworkDiagram, type DiagramPick } from './network-diagram.tsx';
import { layoutNetwork } from './network-layout.ts';
import {
  classBoundary,
  classLayer,
  featureImageUrl,
  layerSummaries,
  networkLayerNames,
  networkLinks,
  networkTarget,
  similarNeurons,
  weightCells,
} from './network-model.ts';
import { layerRangeNames, rangeAround, resolveLayerRange, type LayerRange, type LayerRangeNames } from './network-range.ts';
import { NetworkLayerRange } from './network-layer-range.tsx';
import { NetworkNeuronDetail } from './network-neuron-detail.tsx';
import { NetworkWeightDetail } from './network-weight-detail.tsx';
import { NetworkSummary } from './network-summary.tsx';
import { AnalysisPending } from './checkpoint-aside.tsx';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import { createFollowOnScreen, createVisibility } from './visibility.ts';
import type { Timeline } from './timeline.ts';

export interface NetworkViewProps {
  client: DataClient;
  run: RunMeta | null;
  timeline: Timeline;
  /** The layers to draw, by name (the URL's `layers`); null: the default range. */
  layerRange: LayerRangeNames | null;
  onLayerRange: (range: LayerRangeNames) => void;
}

const HINT =
  'Paper §5.3.3, Figure 4: for the chosen class, one similarity matrix per layer along the diagonal, source (red) and ' +
  "target (blue) sides alternating. Cells compare the two models' important neurons (darker = more similar); the " +
  'strips hold histograms of the similarities of all other neurons. In the corner between two matrices are the target ' +
  "model's weights between the layers: blue cells are important weights (darker = important for more instances), a red " +
  'dot marks an inherited one, a red square an important source weight; boxplots show the activated levels of an ' +
  "important neuron's weights to the other layer's non-important neurons, with a pie of how many are important " +
  '(blue) and inherited (red); the corner histogram covers the rest. Click an index for the neuron, a cell for its weight map. Between ' +
  'layers joined through a shortcut or a concatenation only the similarity is shown (a dashed "similarity only" block).';

const REFERENCE_HINT =
  'The checkpoint the viewed model is compared with (its neurons are the red, "source" side). By default the final ' +
  'source checkpoint, or the previous one during the source phase; any other checkpoint of the run can be picked, ' +
  'for example an earlier fine-tuning epoch to see what changed since. A new pair is computed on request (tens of ' +
  'seconds the first time) and stored.';

const sameRange = (a: LayerRange, b: LayerRange): boolean => a.first === b.first && a.last === b.last;
const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((name, i) => name === b[i]);

/** `phase:epoch` from the reference select, null for the default option. */
function parseReferenceOption(value: string): EpochPin | null {
  const [phase, epoch] = value.split(':');
  return (phase === 'source' || phase === 'target') && Number(epoch) >= 1 ? { phase, epoch: Number(epoch) } : null;
}

export function NetworkView(props: NetworkViewProps): JSX.Element {
  const target = createMemo(() => networkTarget(props.client.state.epochs, props.timeline.current()));
  // The checkpoint compared with: null for the default (the final source checkpoint, the previous one in the
  // source phase), or one the user picked; a pick equal to the viewed checkpoint falls back to the default.
  const [pickedReference, setPickedReference] = createSignal<EpochPin | null>(null);
  const reference = createMemo<EpochPin | null>(() => {
    const chosen = pickedReference();
    const t = target();
    return chosen && t.kind !== 'none' && !(chosen.phase === t.checkpoint.phase && chosen.epoch === t.checkpoint.epoch) ? chosen : null;
  });
  // The first source checkpoint has no default reference, but can be compared with a picked one.
  const analysed = (): EpochPin | null => {
    const t = target();
    return t.kind === 'first-source' && reference() ? t.checkpoint : analysedCheckpoint(t);
  };
  const {
    request: network,
    key,
    drawn,
    backgroundStatus,
    settled,
  } = createCheckpointAnalysis('network', props.client, () => props.run?.id, analysed, reference);
  // A store written by an older transferscope lacks similarityRegions, whatever the wire type says.
  const olderStore = (): boolean => network.value()?.result.classes.some((c) => c.layers.some((l) => !(l as Partial<typeof l>).similarityRegions)) ?? false;
  // The diagram draws the last abstraction loaded; it stays mounted (hidden) while the shown epoch has none. Below
  // the fold it keeps the one it drew until scrolled to: its ~3,000 elements cost every scrubber move otherwise.
  const onScreen = createVisibility();
  const kept = createFollowOnScreen(
    createKept(() => (olderStore() ? null : network.value())),
    onScreen.visible,
  );
  const referenceChoices = createMemo(() => props.client.state.epochs.filter((e) => e.checkpoint));

  const classNames = (): string[] => props.run?.classNames ?? [];
  const [classIndex, setClassIndex] = createSignal(0);
  const [showOther, setShowOther] = createSignal(true);
  const [showSource, setShowSource] = createSignal(true);
  const [picked, setPicked] = createSignal<DiagramPick | null>(null);

  // The model's own layers, from the result (any depth); the range is kept by name, so it survives scrubbing.
  const layerNames = createMemo(
    () => {
      const result = kept()?.result;
      return result ? networkLayerNames(result) : [];
    },
    [],
    { equals: sameNames },
  );
  const range = createMemo(() => resolveLayerRange(layerNames(), props.layerRange), undefined, { equals: sameRange });
  const setRange = (next: LayerRange): void => {
    const names = layerRangeNames(layerNames(), next);
    if (names) {
      props.onLayerRange(names);
    }
  };
  createEffect(on([key, classIndex, range], () => setPicked(null), { defer: true }));

  const classAbstraction = createMemo(() => kept()?.result.classes[classIndex()] ?? null);
  const layers = createMemo(() => {
    const c = classAbstraction();
    return c
      ? layerNames()
          .slice(range().first, range().last + 1)
          .flatMap((name) => classLayer(c, name) ?? [])
      : [];
  });
  // Per pair of drawn layers: its link, and the boundary of weights only a direct link has.
  const links = createMemo(() => {
    const result = kept()?.result;
    return result
      ? networkLinks(
          result,
          layers().map((l) => l.layer),
        )
      : [];
  });
  const boundaries = createMemo(() => {
    const c = classAbstraction();
    return links().map((link) => (link.direct && c ? classBoundary(c, link.fromLayer, link.toLayer) : null));
  });
  const layout = createMemo(() =>
    layoutNetwork(
      layers().map((l) => ({ layer: l.layer, importantSource: l.importantSourceNeurons, importantTarget: l.importantNeurons })),
      showOther(),
    ),
  );
  // Every layer's row, not only the drawn ones: the table is the overview the range is picked from.
  const summaries = createMemo(() => {
    const c = classAbstraction();
    const result = kept()?.result;
    return c && result ? layerSummaries(result, c, layerNames()) : [];
  });
  const shownKey = () => kept()?.key;

  const neuronDetail = createMemo(() => {
    const pick = picked();
    const shown = shownKey();
    const layer = pick?.kind === 'neuron' ? layers()[pick.matrix] : undefined;
    if (pick?.kind !== 'neuron' || !layer || !shown) {
      return null;
    }
    const neuron = (pick.side === 'target' ? layer.importantNeurons : layer.importantSourceNeurons)[pick.position];
    if (neuron === undefined) {
      return null;
    }
    // A target neuron lives in the viewed checkpoint, a source neuron in the reference source checkpoint.
    const target = (n: number) => featureImageUrl(shown.runId, shown.phase, shown.epoch, layer.layer, n);
    const source = (n: number) => featureImageUrl(shown.runId, shown.referencePhase, shown.referenceEpoch, layer.layer, n);
    return {
      side: pick.side,
      layer: layer.layer,
      neuron,
      rank: pick.position + 1,
      similar: similarNeurons(layer, pick.side, pick.position),
      image: pick.side === 'target' ? target(neuron) : source(neuron),
      otherImage: pick.side === 'target' ? source : target,
    };
  });

  const weightPick = createMemo(() => {
    const pick = picked();
    const boundary = pick?.kind === 'weight' ? boundaries()[pick.boundary] : undefined;
    const shown = shownKey();
    return pick?.kind === 'weight' && boundary && shown ? { pick, boundary, shown } : null;
  });
  const weightSlices = createLatestRequest(weightPick, ({ pick, boundary, shown }, signal) =>
    Promise.all([
      props.client.weightSlice(shown.runId, shown, boundary.toLayer, pick.from, pick.to, signal),
      props.client.weightSlice(shown.runId, { phase: shown.referencePhase, epoch: shown.referenceEpoch }, boundary.toLayer, pick.from, pick.to, signal),
    ]),
  );
  const weightDetail = createMemo(() => {
    const chosen = weightPick();
    if (!chosen) {
      return null;
    }
    const { pick, boundary, shown } = chosen;
    const from = layers()[pick.boundary];
    const to = layers()[pick.boundary + 1];
    const cells = weightCells(boundary, from?.importantNeurons ?? [], to?.importantNeurons ?? []);
    const slices = weightSlices.value();
    const current = slices?.[0].from === pick.from && slices[0].to === pick.to && slices[0].layer === boundary.toLayer ? slices : null;
    return {
      fromLayer: boundary.fromLayer,
      toLayer: boundary.toLayer,
      from: pick.from,
      to: pick.to,
      cell: cells.target.find((c) => c.from === pick.from && c.to === pick.to),
      sourceImportant: cells.source.some((c) => c.from === pick.from && c.to === pick.to),
      target: current?.[0] ?? null,
      source: current?.[1] ?? null,
      error: weightSlices.error(),
      fromImage: featureImageUrl(shown.runId, shown.phase, shown.epoch, boundary.fromLayer, pick.from),
      toImage: featureImageUrl(shown.runId, shown.phase, shown.epoch, boundary.toLayer, pick.to),
    };
  });

  // The diagram is shown for a loaded abstraction; otherwise a notice says why, and the diagram waits hidden.
  const contentShown = (): boolean => !!network.value() && !network.error() && !olderStore();

  // What is drawn, as phase/epoch/class, or '' while loading: tests wait on it instead of guessing with timeouts.
  const renderedKey = (): string => {
    const k = drawn();
    return k ? `${k.phase}/${k.epoch}/${classIndex()}${k.reference ? `@${k.reference.phase}:${k.reference.epoch}` : ''}` : '';
  };

  const aside = (): JSX.Element => {
    const t = target();
    const at = props.timeline.current();
    if (t.kind === 'none' || !at) {
      return '';
    }
    const shown = `${t.checkpoint.phase} · epoch ${t.checkpoint.epoch}`;
    const reference = shownKey();
    return (
      <>
        <Show when={network.loading()}>
          <span class="muted">computing… </span>
        </Show>
        <Show when={!t.exact}>{`checkpoint ${shown} (latest at or before ${at.phase} · epoch ${at.epoch})`}</Show>
        <Show when={t.exact}>{shown}</Show>
        <Show when={network.value() && drawn() && reference}>{(ref) => ` · vs ${ref().referencePhase} · epoch ${ref().referenceEpoch}`}</Show>
      </>
    );
  };

  return (
    <Panel
      ref={(el) => onScreen.observe(el)}
      class="network-panel"
      title="Network relations"
      hint={HINT}
      testId="network-panel"
      renderedKey={renderedKey()}
      settled={settled()}
      aside={aside()}
    >
      <div class="network-root">
        <Show when={target().kind !== 'none'}>
          <div class="network-controls">
            <label title={REFERENCE_HINT}>
              compared with{' '}
              <select data-testid="network-reference-select" onChange={(e) => setPickedReference(parseReferenceOption(e.currentTarget.value))}>
                <option value="" selected={!reference()}>
                  {target().kind === 'first-source' ? 'pick a checkpoint' : 'default (final source)'}
                </option>
                <For each={referenceChoices()}>
                  {(e) => {
                    const t = target();
                    const viewed = t.kind !== 'none' && t.checkpoint.step === e.step;
                    return (
                      <option value={`${e.phase}:${e.epoch}`} disabled={viewed} selected={reference()?.phase === e.phase && reference()?.epoch === e.epoch}>
                        {`${e.phase} · epoch ${e.epoch}${viewed ? ' (viewed)' : ''}`}
                      </option>
                    );
                  }}
                </For>
              </select>
            </label>
            <SettingsLabel
              testId="network-settings"
              shown={
                network.value() && {
                  settings: network.value()!.settings,
                  steps: network.value()!.result.steps,
                  maxPerClass: network.value()!.result.maxPerClass,
                  schedule: network.value()!.result.schedule,
                }
              }
            />
          </div>
        </Show>
        <Switch>
          <Match when={target().kind === 'none'}>
            <Notice kind="info">No checkpoint at or before this epoch yet: the network view needs stored weights.</Notice>
          </Match>
          <Match when={target().kind === 'first-source' && !reference()}>
            <Notice kind="info">
              This is the first source checkpoint: there is no earlier source model to compare it with. Scrub to a later checkpoint, or pick one to compare with
              above.
            </Notice>
          </Match>
          <Match when={network.error()}>
            {(error) => (
              <Notice kind="error" testId="network-error">
                Could not load the network abstraction: {error()}
              </Notice>
            )}
          </Match>
          <Match when={olderStore()}>
            <Notice kind="error" testId="network-error">
              This checkpoint's network abstraction was stored by an older transferscope without the non-important regions. Analyse the run again into a fresh
              store (transferscope analyze) to see it.
            </Notice>
          </Match>
          <Match when={!network.value()}>
            <AnalysisPending testId="network-loading" status={backgroundStatus()}>
              Computing the network abstraction… first time takes up to a minute.
            </AnalysisPending>
          </Match>
        </Switch>
        <Show when={kept()}>
          <div class="kept-view" classList={{ 'kept-hidden': !contentShown() }}>
            <div class="network-controls">
              <label>
                class{' '}
                <select data-testid="network-class-select" onChange={(e) => setClassIndex(Number(e.currentTarget.value))}>
                  <For each={classNames()}>
                    {(name, i) => (
                      <option value={i()} selected={i() === classIndex()}>
                        {name}
                      </option>
                    )}
                  </For>
                </select>
              </label>
              <NetworkLayerRange layers={layerNames()} range={range()} onRange={setRange} />
              <label title="The histograms, boxplots and pies of the neurons that are not important">
                <input type="checkbox" data-testid="network-show-other" checked={showOther()} onChange={(e) => setShowOther(e.currentTarget.checked)} />{' '}
                non-important regions
              </label>
              <label title="Red squares: weights that are important in the reference source model">
                <input type="checkbox" data-testid="network-show-source" checked={showSource()} onChange={(e) => setShowSource(e.currentTarget.checked)} />{' '}
                source weights
              </label>
              <span class="muted">
                {classAbstraction()?.instances.length ?? 0} validation instances · <span class="source-text">source neurons</span> ·{' '}
                <span class="target-text">target neurons</span> · <span class="inherited-dot" /> inherited weight
              </span>
            </div>
            <Show
              when={(classAbstraction()?.instances.length ?? 0) > 0}
              fallback={<Notice kind="info">No target-validation instances of this class, so nothing to abstract.</Notice>}
            >
              {/* Details above the diagram: it is as tall as it is wide, and a click low in it should not scroll away. */}
              <Show when={neuronDetail()}>{(d) => <NetworkNeuronDetail {...d()} onClose={() => setPicked(null)} />}</Show>
              <Show when={weightDetail()}>{(d) => <NetworkWeightDetail {...d()} onClose={() => setPicked(null)} />}</Show>
              <NetworkSummary
                rows={summaries()}
                shown={range()}
                onPick={(layer) => setRange(rangeAround(layerNames().length, layerNames().indexOf(layer), range()))}
              />
              <NetworkDiagram
                layout={layout()}
                layers={layers()}
                links={links()}
                boundaries={boundaries()}
                showOther={showOther()}
                showSource={showSource()}
                selected={picked()}
                onPick={setPicked}
              />
            </Show>
          </div>
        </Show>
      </div>
    </Panel>
  );
}
