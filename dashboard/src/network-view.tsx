// The network relation view (paper §5.3.3, Figure 4): for one class at the checkpoint shown, how the fine-tuned
// target model's important neurons and weights relate to the source model's, layer by layer.
import { createEffect, createMemo, createSignal, For, Match, on, Show, Switch, type JSX } from 'solid-js';
import type { RunMeta } from '../../monitor/protocol.ts';
import type { DataClient } from './data-client.ts';
import { createCheckpointAnalysis } from './checkpoint-analysis.ts';
import { NetworkDiagram, type NeuronPick } from './network-diagram.tsx';
import { layoutNetwork } from './network-layout.ts';
import { featureImageUrl, layerSummary, mostSimilarSources, NETWORK_LAYERS, networkTarget, similarityMatrix, topWeightLinks } from './network-model.ts';
import { NetworkNeuronDetail } from './network-neuron-detail.tsx';
import { NetworkSummary } from './network-summary.tsx';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import type { Timeline } from './timeline.ts';

export interface NetworkViewProps {
  client: DataClient;
  run: RunMeta | null;
  timeline: Timeline;
}

/** Important weights drawn per boundary: more turns the band into a hairball. */
const LINKS_PER_BOUNDARY = 20;

const HINT =
  'Paper §5.3.3: for the chosen class, each layer\'s small matrix shows the fine-tuned target model\'s important ' +
  'neurons (blue, columns, most important first) against the source neurons most similar to them (red, rows); ' +
  'darker = more similar. Matrices alternate above and below the band; the links across it are the class\'s most ' +
  'important target weights between consecutive layers (thicker = important for more instances), with a red dot ' +
  'when the weight was inherited from the source model. Click a blue index for its most similar source neurons.';

export function NetworkView(props: NetworkViewProps): JSX.Element {
  const target = createMemo(() => networkTarget(props.client.state.epochs, props.timeline.current()));
  // The first source checkpoint has no earlier source model to compare with, so nothing to ask for.
  const { key, request: network, drawn, backgroundStatus } = createCheckpointAnalysis('network', props.client, () => props.run?.id, () => {
    const t = target();
    return t.kind === 'checkpoint' ? t.checkpoint : null;
  });

  const classNames = (): string[] => props.run?.classNames ?? [];
  const [classIndex, setClassIndex] = createSignal(0);
  const [firstLayer, setFirstLayer] = createSignal(0);
  const [lastLayer, setLastLayer] = createSignal(NETWORK_LAYERS.length - 1);
  const [picked, setPicked] = createSignal<NeuronPick | null>(null);
  createEffect(on([key, classIndex, firstLayer, lastLayer], () => setPicked(null), { defer: true }));

  const classAbstraction = createMemo(() => network.value()?.result.classes[classIndex()] ?? null);
  const layers = createMemo(() => classAbstraction()?.layers.slice(firstLayer(), lastLayer() + 1) ?? []);
  const layout = createMemo(() => {
    const cls = classAbstraction();
    const shown = layers();
    const links = shown.slice(0, -1).map((layer, i) => {
      const boundary = cls?.boundaries[firstLayer() + i];
      const next = shown[i + 1];
      return boundary && next
        ? topWeightLinks(boundary, LINKS_PER_BOUNDARY, { from: new Set(layer.importantNeurons), to: new Set(next.importantNeurons) })
        : [];
    });
    return layoutNetwork(shown.map((layer) => ({ layer: layer.layer, matrix: similarityMatrix(layer) })), links);
  });
  const summaries = createMemo(() =>
    layers().map((layer, i) => ({ layer: layer.layer, summary: layerSummary(layer, classAbstraction()?.boundaries[firstLayer() + i - 1]) })));
  const detail = createMemo(() => {
    const pick = picked();
    const layer = pick ? layers()[pick.matrix] : undefined;
    const neuron = pick ? layer?.importantNeurons[pick.column] : undefined;
    const shown = network.value()?.key;
    if (!pick || !layer || neuron === undefined || !shown) {
      return null;
    }
    return {
      layer: layer.layer, neuron, rank: pick.column + 1, similar: mostSimilarSources(layer, pick.column, 5),
      image: featureImageUrl(shown.runId, shown.phase, shown.epoch, layer.layer, neuron),
      sourceImage: (source: number) => featureImageUrl(shown.runId, shown.referencePhase, shown.referenceEpoch, layer.layer, source),
    };
  });

  // What is drawn, as phase/epoch/class, or '' while loading: tests wait on it instead of guessing with timeouts.
  const renderedKey = (): string => {
    const k = drawn();
    return k ? `${k.phase}/${k.epoch}/${classIndex()}` : '';
  };

  const aside = (): JSX.Element => {
    const t = target();
    const at = props.timeline.current();
    if (t.kind === 'none' || !at) {
      return '';
    }
    const shown = `${t.checkpoint.phase} · epoch ${t.checkpoint.epoch}`;
    const reference = network.value()?.key;
    return (
      <>
        <Show when={network.loading()}><span class="muted">computing… </span></Show>
        <Show when={!t.exact}>{`checkpoint ${shown} (latest at or before ${at.phase} · epoch ${at.epoch})`}</Show>
        <Show when={t.exact}>{shown}</Show>
        <Show when={t.kind === 'checkpoint' && reference}>
          {(ref) => ` · vs source · epoch ${ref().referenceEpoch}`}
        </Show>
      </>
    );
  };

  // `selected` on the options, not `value` on the select: the value would be set before the options exist.
  const layerOptions = (from: number, to: number, selectedLayer: number): JSX.Element => (
    <For each={NETWORK_LAYERS.slice(from, to + 1)}>{(name, i) => <option value={from + i()} selected={from + i() === selectedLayer}>{name}</option>}</For>
  );

  return (
    <Panel class="network-panel" title="Network relations" hint={HINT} testId="network-panel" renderedKey={renderedKey()} aside={aside()}>
      <div class="network-root">
        <Switch>
          <Match when={target().kind === 'none'}>
            <Notice kind="info">No checkpoint at or before this epoch yet: the network view needs stored weights.</Notice>
          </Match>
          <Match when={target().kind === 'first-source'}>
            <Notice kind="info">
              This is the first source checkpoint: there is no earlier source model to compare it with. Scrub to a later checkpoint.
            </Notice>
          </Match>
          <Match when={network.error()}>
            {(error) => <Notice kind="error" testId="network-error">Could not load the network abstraction: {error()}</Notice>}
          </Match>
          <Match when={!network.value()}>
            <Notice kind="info" testId="network-loading">
              Computing the network abstraction… first time takes up to a minute.
              <Show when={backgroundStatus()}>{(status) => <span class="muted"> (background analysis: {status()})</span>}</Show>
            </Notice>
          </Match>
          <Match when={true}>
            <div class="network-controls">
              <label>
                class{' '}
                <select data-testid="network-class-select" onChange={(e) => setClassIndex(Number(e.currentTarget.value))}>
                  <For each={classNames()}>{(name, i) => <option value={i()} selected={i() === classIndex()}>{name}</option>}</For>
                </select>
              </label>
              <label>
                layers{' '}
                <select data-testid="network-layer-from" onChange={(e) => setFirstLayer(Number(e.currentTarget.value))}>
                  {layerOptions(0, lastLayer(), firstLayer())}
                </select>
                {' – '}
                <select data-testid="network-layer-to" onChange={(e) => setLastLayer(Number(e.currentTarget.value))}>
                  {layerOptions(firstLayer(), NETWORK_LAYERS.length - 1, lastLayer())}
                </select>
              </label>
              <span class="muted">
                {classAbstraction()?.instances.length ?? 0} validation instances ·{' '}
                <span class="source-text">source neurons</span> · <span class="target-text">target neurons</span> ·{' '}
                <span class="inherited-dot" /> inherited weight
              </span>
            </div>
            <Show
              when={(classAbstraction()?.instances.length ?? 0) > 0}
              fallback={<Notice kind="info">No target-validation instances of this class, so nothing to abstract.</Notice>}
            >
              <NetworkDiagram layout={layout()} selected={picked()} onPick={setPicked} />
              <Show when={detail()}>
                {(d) => <NetworkNeuronDetail {...d()} onClose={() => setPicked(null)} />}
              </Show>
              <NetworkSummary rows={summaries()} />
            </Show>
          </Match>
        </Switch>
      </div>
    </Panel>
  );
}
