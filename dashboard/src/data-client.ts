// The one data client the views read through: the run list, the chosen run's metadata and committed epochs
// (REST, then kept current by socket events), and cached confusion tables and per-checkpoint analyses.
import { createEffect, createMemo, on, onCleanup, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type {
  AnalysisEvent,
  ConfusionResponse,
  EpochRecord,
  EpochRef,
  LayerName,
  MetricsResponse,
  RunMeta,
  RunSummary,
  ServerToClientEvents,
} from '../../core/protocol.ts';
import type { AnalysisKind, AnalysisResponse, AnalysisSettingsName } from '../../core/analysis-protocol.ts';
import type { CheckpointId, CompareResponse, ImportantChangesResponse, WeightDriftResponse } from '../../core/compare-protocol.ts';
import type { WeightSliceResponse } from '../../core/network-protocol.ts';
import { analysisPath } from './analysis-request.ts';
import type { ExtraPointSet, ExtraPointsResponse } from '../../core/projection-protocol.ts';
import { errorMessage, fetchJson as defaultFetchJson, type FetchJson } from './api.ts';
import { makeCachedRequests } from '../../core/shared-requests.ts';
import { mergeEpochs, type EpochPin } from './epochs.ts';
import { type LiveSocket, subscribeToRun } from './socket.ts';

export interface DataState {
  /** Newest first. */
  runs: RunSummary[];
  runsLoaded: boolean;
  runsError: string | null;
  run: RunMeta | null;
  /** The active run's committed epochs of both phases, one per step, ordered by step. */
  epochs: EpochRecord[];
  /** True from choosing a run until its metadata and metrics arrived (or failed). */
  runLoading: boolean;
  runError: string | null;
  lastCheckpoint: EpochRef | null;
  /** The latest progress report of the active run's background checkpoint analysis. */
  analysis: AnalysisEvent | null;
  /** `RUN/PHASE/EPOCH/KIND` of every analysis the monitor reported refined to the paper's settings since the page loaded. */
  refined: Record<string, boolean>;
  connected: boolean;
}

export interface DataClientOptions {
  /** The run the URL asks for; null follows the newest run. */
  requestedRun: Accessor<string | null>;
  socket: LiveSocket;
  fetchJson?: FetchJson;
}

/**
 * The request methods take an optional AbortSignal: a view aborts the request for a checkpoint it scrubbed past,
 * which frees the browser's connection (Chromium allows six per host) and, once no other view waits for the same
 * answer, lets the monitor drop an analysis that has not started yet.
 */
export interface DataClient {
  readonly state: DataState;
  /** The run being shown: the requested one, else the newest; null when there are no runs. */
  activeRunId: Accessor<string | null>;
  /** The confusion table at `pin` of `runId`; answers are cached per run/phase/epoch, failures are not. */
  confusion(runId: string, pin: EpochPin, signal?: AbortSignal): Promise<ConfusionResponse>;
  /**
   * One kind of analysis (network, …) of the checkpoint at `pin` of `runId` (may take a minute the first time:
   * the monitor computes it while the request waits); cached per kind/run/phase/epoch/reference, failures are not.
   * `reference` replaces the comparing kinds' default reference checkpoint (`?reference=P:E`). `settings` asks for
   * one setting (`?settings=`); without it the monitor answers the best stored, and the answer says which.
   */
  analysis<K extends AnalysisKind>(
    kind: K,
    runId: string,
    pin: EpochPin,
    signal?: AbortSignal,
    reference?: EpochPin | null,
    settings?: AnalysisSettingsName,
  ): Promise<AnalysisResponse<K>>;
  /** Whether the monitor reported `kind` of the checkpoint at `pin` refined to the paper's settings (reactive). */
  isRefined(kind: AnalysisKind, runId: string, pin: EpochPin): boolean;
  /** Two epochs side by side (cached: committed epochs never change). */
  compare(a: CheckpointId, b: CheckpointId, signal?: AbortSignal): Promise<CompareResponse>;
  /** How important neurons and weights changed from a to b; may take minutes when either is not analysed yet. */
  importantChanges(a: CheckpointId, b: CheckpointId, signal?: AbortSignal): Promise<ImportantChangesResponse>;
  /** Each layer's distance from the source model over fine-tuning; grows with the run, so never cached. */
  weightDrift(runId: string, signal?: AbortSignal): Promise<WeightDriftResponse>;
  /** Any run's committed epochs (for picking the other side of a comparison); never cached. */
  metrics(runId: string, signal?: AbortSignal): Promise<MetricsResponse>;
  /**
   * Any run's metadata, for compare mode's sides; cached, since what compare reads of it (class names, config,
   * seed, dataset sizes) never changes after the run starts. Status and timing fields may be stale.
   */
  runMeta(runId: string, signal?: AbortSignal): Promise<RunMeta>;
  /** The weight map of `from` -> `to` into `layer` at the checkpoint `pin` (a few floats); cached, failures are not. */
  weightSlice(runId: string, pin: EpochPin, layer: LayerName, from: number, to: number, signal?: AbortSignal): Promise<WeightSliceResponse>;
  /**
   * Instances of a training split of `classes` placed by the checkpoint's stored DVI encoder (seconds the first time:
   * an analysis worker runs them through the checkpoint); cached per run/phase/epoch/set/classes, failures are not.
   */
  extraPoints(runId: string, pin: EpochPin, set: ExtraPointSet, classes: readonly number[], signal?: AbortSignal): Promise<ExtraPointsResponse>;
  /** Re-reads the run list and the active run (after an error, or a reconnect that may have missed events). */
  refresh(): void;
}

// A committed epoch's confusion table never changes, so entries only leave to bound memory.
const CONFUSION_CACHE_SIZE = 256;
// A stored analysis never changes either, but one is far larger (every class and layer), so keep fewer.
const ANALYSIS_CACHE_SIZE = 16;
// Weight maps are tiny and a user clicks through many of them.
const WEIGHT_CACHE_SIZE = 128;
// A few hundred points each; a user flips through checkpoints and class choices.
const EXTRA_POINTS_CACHE_SIZE = 32;
// Compare mode needs two runs' metadata at a time.
const RUN_META_CACHE_SIZE = 8;

type CachedRequest<T> = (key: string, path: string, signal?: AbortSignal) => Promise<T>;

/**
 * Remembers each key's answer (the oldest goes past `size`); a failed or abandoned request is forgotten, so
 * the next call retries. Callers of a key in flight share one request, aborted only when all of them left.
 */
function makeRequestCache<T>(size: number, load: (path: string, signal: AbortSignal) => Promise<T>): CachedRequest<T> {
  const cached = makeCachedRequests<T>(size);
  return (key, path, signal) => cached(key, (shareSignal) => load(path, shareSignal), signal);
}

function byNewest(a: RunSummary, b: RunSummary): number {
  return b.createdAt - a.createdAt;
}

/** Loads and follows the monitor's data; socket listeners and the run subscription end with the owner. */
export function createDataClient(options: DataClientOptions): DataClient {
  const { socket, requestedRun } = options;
  const fetchJson = options.fetchJson ?? ((path: string, signal?: AbortSignal) => defaultFetchJson(path, signal));
  const [state, setState] = createStore<DataState>({
    runs: [],
    runsLoaded: false,
    runsError: null,
    run: null,
    epochs: [],
    runLoading: false,
    runError: null,
    lastCheckpoint: null,
    analysis: null,
    refined: {},
    connected: socket.connected,
  });
  const refinedKey = (runId: string, pin: EpochPin, kind: string): string => `${runId}/${pin.phase}/${pin.epoch}/${kind}`;
  const cachedConfusion = makeRequestCache(CONFUSION_CACHE_SIZE, (path, signal) => fetchJson(path, signal) as Promise<ConfusionResponse>);
  const cachedWeights = makeRequestCache(WEIGHT_CACHE_SIZE, (path, signal) => fetchJson(path, signal) as Promise<WeightSliceResponse>);
  const cachedAnalyses = new Map<AnalysisKind, CachedRequest<AnalysisResponse>>();
  const cachedCompare = makeRequestCache(CONFUSION_CACHE_SIZE, (path, signal) => fetchJson(path, signal));
  const cachedExtraPoints = makeRequestCache(EXTRA_POINTS_CACHE_SIZE, (path, signal) => fetchJson(path, signal) as Promise<ExtraPointsResponse>);
  const cachedRunMeta = makeRequestCache(RUN_META_CACHE_SIZE, (path, signal) => fetchJson(path, signal) as Promise<RunMeta>);
  const comparePath = (resource: string, a: CheckpointId, b: CheckpointId): string =>
    `/api/${resource}?a=${encodeURIComponent(`${a.runId}:${a.phase}:${a.epoch}`)}&b=${encodeURIComponent(`${b.runId}:${b.phase}:${b.epoch}`)}`;
  const epochPath = (runId: string, pin: EpochPin, resource: string): string =>
    `/api/runs/${encodeURIComponent(runId)}/epochs/${pin.phase}/${pin.epoch}/${resource}`;

  const activeRunId = createMemo(() => requestedRun() ?? state.runs[0]?.id ?? null);

  const loadRuns = async (): Promise<void> => {
    try {
      const runs = (await fetchJson('/api/runs')) as RunSummary[];
      setState({ runs: [...runs].sort(byNewest), runsLoaded: true, runsError: null });
    } catch (err) {
      setState({ runsLoaded: true, runsError: errorMessage(err) });
    }
  };

  const loadRun = async (runId: string): Promise<void> => {
    const base = `/api/runs/${encodeURIComponent(runId)}`;
    try {
      const [run, metrics] = (await Promise.all([fetchJson(base), fetchJson(`${base}/metrics`)])) as [RunMeta, MetricsResponse];
      if (activeRunId() !== runId) {
        return;
      }
      // Epochs that arrived over the socket while the request was out are kept, not overwritten.
      setState({ run, runLoading: false, runError: null });
      setState('epochs', reconcile(mergeEpochs(metrics.epochs, state.epochs), { key: 'step' }));
    } catch (err) {
      if (activeRunId() === runId) {
        setState({ runLoading: false, runError: errorMessage(err) });
      }
    }
  };

  createEffect(
    on(activeRunId, (runId, previous) => {
      if (previous && socket.connected) {
        socket.emit('unsubscribe', previous);
      }
      setState({ run: null, epochs: [], runError: null, lastCheckpoint: null, analysis: null, runLoading: runId !== null });
      if (runId === null) {
        return;
      }
      // While disconnected, the connect handler subscribes instead: socket.io would otherwise send both.
      if (socket.connected) {
        void subscribeToRun(socket, runId);
      }
      void loadRun(runId);
    }),
  );

  let everConnected = socket.connected;
  const onConnect = (): void => {
    setState('connected', true);
    const runId = activeRunId();
    const joined = runId === null ? Promise.resolve() : subscribeToRun(socket, runId);
    // The server forgets rooms on disconnect, and epochs committed meanwhile were never sent. Re-read once
    // back in the room, so that no epoch falls between the read and the join.
    if (everConnected) {
      void joined.then(refresh);
    }
    everConnected = true;
  };
  const onDisconnect = (): void => {
    setState('connected', false);
  };
  const onRun: ServerToClientEvents['run'] = (run) => {
    const others = state.runs.filter((r) => r.id !== run.id);
    setState('runs', reconcile([run, ...others].sort(byNewest), { key: 'id' }));
    setState('run', (meta) => (meta?.id === run.id ? { ...meta, ...run } : meta));
  };
  const onEpoch: ServerToClientEvents['epoch'] = ({ runId, record }) => {
    if (runId === activeRunId()) {
      setState('epochs', reconcile(mergeEpochs(state.epochs, [record]), { key: 'step' }));
    }
  };
  const onCheckpoint: ServerToClientEvents['checkpoint'] = ({ runId, at }) => {
    if (runId === activeRunId()) {
      setState('lastCheckpoint', at);
    }
  };
  const onAnalysis: ServerToClientEvents['analysis'] = (event) => {
    if (event.runId === activeRunId()) {
      setState('analysis', event);
    }
    // Views showing that checkpoint switch to the refined result by themselves (see createCheckpointAnalysis).
    if (event.settings === 'paper' && event.kind && event.status !== 'failed') {
      setState('refined', refinedKey(event.runId, event.at, event.kind), true);
    }
  };
  // One table of listeners, so every `on` has its `off`.
  const listeners = [
    ['connect', onConnect],
    ['disconnect', onDisconnect],
    ['run', onRun],
    ['epoch', onEpoch],
    ['checkpoint', onCheckpoint],
    ['analysis', onAnalysis],
  ] as const;
  for (const [event, listener] of listeners) {
    socket.on(event, listener as never);
  }
  onCleanup(() => {
    for (const [event, listener] of listeners) {
      socket.off(event, listener as never);
    }
    const runId = activeRunId();
    if (runId !== null && socket.connected) {
      socket.emit('unsubscribe', runId);
    }
  });

  function refresh(): void {
    void loadRuns();
    const runId = activeRunId();
    if (runId !== null) {
      void loadRun(runId);
    }
  }

  void loadRuns();

  return {
    state,
    activeRunId,
    confusion(runId, pin, signal) {
      return cachedConfusion(`${runId}/${pin.phase}/${pin.epoch}`, epochPath(runId, pin, 'confusion'), signal);
    },
    analysis<K extends AnalysisKind>(
      kind: K,
      runId: string,
      pin: EpochPin,
      signal?: AbortSignal,
      reference?: EpochPin | null,
      settings?: AnalysisSettingsName,
    ) {
      let cached = cachedAnalyses.get(kind);
      if (!cached) {
        cached = makeRequestCache(ANALYSIS_CACHE_SIZE, (path, shareSignal) => fetchJson(path, shareSignal) as Promise<AnalysisResponse>);
        cachedAnalyses.set(kind, cached);
      }
      // The settings are part of the cache key: the best-stored answer (no ?settings=) may be a live estimate
      // that a refinement replaces, and is then asked for again as ?settings=paper.
      const path = analysisPath(kind, runId, pin, { reference, settings });
      return cached(path, path, signal) as Promise<AnalysisResponse<K>>;
    },
    extraPoints(runId, pin, set, classes, signal) {
      const path = `${epochPath(runId, pin, 'projection/extra')}?set=${set}&classes=${[...classes].sort((a, b) => a - b).join(',')}`;
      return cachedExtraPoints(path, path, signal);
    },
    isRefined(kind, runId, pin) {
      return state.refined[refinedKey(runId, pin, kind)] === true;
    },
    compare(a, b, signal) {
      const path = comparePath('compare', a, b);
      return cachedCompare(path, path, signal) as Promise<CompareResponse>;
    },
    importantChanges(a, b, signal) {
      const path = comparePath('compare/important', a, b);
      return cachedCompare(path, path, signal) as Promise<ImportantChangesResponse>;
    },
    weightDrift: (runId, signal) => fetchJson(`/api/runs/${encodeURIComponent(runId)}/weight-drift`, signal) as Promise<WeightDriftResponse>,
    metrics: (runId, signal) => fetchJson(`/api/runs/${encodeURIComponent(runId)}/metrics`, signal) as Promise<MetricsResponse>,
    runMeta: (runId, signal) => cachedRunMeta(runId, `/api/runs/${encodeURIComponent(runId)}`, signal),
    weightSlice(runId, pin, layer, from, to, signal) {
      const resource = `layers/${layer}/weights?from=${from}&to=${to}`;
      return cachedWeights(`${runId}/${pin.phase}/${pin.epoch}/${resource}`, epochPath(runId, pin, resource), signal);
    },
    refresh,
  };
}
