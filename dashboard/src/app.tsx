// The dashboard's shell: URL state, the data client and the timeline, wired to the header, the scrubber and
// the views. Views read data only through the data client.
import { Match, Show, Switch, type JSX } from 'solid-js';
import { CompareView } from './compare-view.tsx';
import { createDataClient } from './data-client.ts';
import { defaultComparison } from './compare-default.ts';
import { EpochScrubber } from './epoch-scrubber.tsx';
import { FeatureView } from './feature-view.tsx';
import { LiveStatus } from './live-status.tsx';
import { InstanceView } from './instance-view.tsx';
import { NetworkView } from './network-view.tsx';
import { Notice } from './notice.tsx';
import { createScrubPrefetch } from './prefetch.ts';
import { RunPicker } from './run-picker.tsx';
import { RunDataBadge } from './run-data-badge.tsx';
import { createSocket } from './socket.ts';
import { StatisticsView } from './statistics-view.tsx';
import { createTimeline } from './timeline.ts';
import { createUrlState } from './url-state.ts';

export const START_RUN_COMMAND = 'npx transferscope train --config configs/digits.json';

export function App(): JSX.Element {
  const url = createUrlState();
  const client = createDataClient({ requestedRun: () => url.state().run, socket: createSocket() });
  const { state } = client;
  const timeline = createTimeline({
    epochs: () => state.epochs,
    pin: () => url.state().pin,
    // A pinned epoch only means something for one run, so the URL names the run too (it may have been
    // the implicit "newest"); otherwise a shared link could open another run at that epoch.
    setPin: (pin, mode) => url.set({ run: pin === null ? url.state().run : client.activeRunId(), pin }, mode),
  });
  // The next arrow key's answers are fetched while the user looks at this epoch (not in compare mode).
  createScrubPrefetch(
    client,
    () => state.run?.id ?? null,
    () => state.epochs,
    () => timeline.current(),
    () => url.state().compare === null,
  );

  return (
    <div class="app">
      <header class="app-header">
        <h1 title="Explains transfer learning while it happens">transferscope</h1>
        <Show when={client.activeRunId() !== null}>
          <RunPicker runs={state.runs} activeRunId={client.activeRunId()} onPick={(run) => url.set({ run, pin: null }, 'push')} />
          <RunDataBadge run={state.run} />
        </Show>
        <Show when={client.activeRunId() !== null && url.state().compare === null && state.epochs.length > 0}>
          <button
            type="button"
            class="compare-open"
            data-testid="compare-open"
            title="Compare two epochs side by side (of this run or of two runs): starts with the model fine-tuning began from (A) against the epoch shown (B). The URL keeps the comparison, so it can be shared."
            onClick={() => url.set({ compare: defaultComparison(client.activeRunId()!, state.epochs, timeline.current()) }, 'push')}
          >
            Compare…
          </button>
        </Show>
        <LiveStatus latest={state.epochs.at(-1) ?? null} connected={state.connected} analysis={state.analysis} />
      </header>

      <main>
        <Switch>
          <Match when={!state.runsLoaded}>
            <Notice kind="info">Loading runs…</Notice>
          </Match>
          <Match when={state.runsError !== null && state.runs.length === 0}>
            <Notice kind="error" testId="runs-error">
              Could not load the runs: {state.runsError}
            </Notice>
          </Match>
          <Match when={client.activeRunId() === null}>
            <div class="empty" data-testid="no-runs">
              <h2>No runs yet</h2>
              <p>
                Start a run with <code>{START_RUN_COMMAND}</code>
              </p>
              <p class="muted">This page shows it as soon as it starts.</p>
            </div>
          </Match>
          <Match when={state.runError !== null}>
            <Notice kind="error" testId="run-error">
              {state.runError}
            </Notice>
          </Match>
          <Match when={state.runLoading}>
            <Notice kind="info">Loading run {client.activeRunId()}…</Notice>
          </Match>
          <Match when={url.state().compare}>
            {(compare) => (
              <CompareView
                client={client}
                compare={compare()}
                onChange={(next) => url.set({ compare: next }, 'push')}
                layout={url.state().layout ?? 'tsne'}
                onLayout={(layout) => url.set({ layout }, 'push')}
              />
            )}
          </Match>
          <Match when={true}>
            <EpochScrubber timeline={timeline} epochs={state.epochs} />
            <Switch>
              <Match when={state.epochs.length === 0}>
                <Notice kind="info" testId="waiting">
                  Waiting for the first epoch of {state.run?.configName ?? 'this run'}: the views fill in as soon as it is committed.
                </Notice>
              </Match>
              <Match when={true}>
                <StatisticsView client={client} run={state.run} timeline={timeline} />
                <NetworkView
                  client={client}
                  run={state.run}
                  timeline={timeline}
                  layerRange={url.state().layers ?? null}
                  onLayerRange={(layers) => url.set({ layers }, 'push')}
                />
                <FeatureView client={client} run={state.run} timeline={timeline} />
                <InstanceView
                  client={client}
                  run={state.run}
                  timeline={timeline}
                  layout={url.state().layout ?? 'tsne'}
                  onLayout={(layout) => url.set({ layout }, 'push')}
                  extra={url.state().extra === 'target-train'}
                  onExtra={(extra) => url.set({ extra: extra ? 'target-train' : undefined }, 'push')}
                />
              </Match>
            </Switch>
          </Match>
        </Switch>
      </main>
    </div>
  );
}
