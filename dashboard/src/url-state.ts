// The view a URL names: `?run=ID&phase=target&epoch=3`, plus `&a=RUN:PHASE:EPOCH&b=RUN:PHASE:EPOCH` (and any
// `&class=NAME` the comparison focuses on) when two checkpoints are compared, and `&layout=dvi` when the instance views
// show DeepVisualInsight's projection instead of t-SNE (with `&extra=target-train` when the instance view also places
// the target training instances of the selected classes on it), and `&layers=FROM..TO` for the network view's layer
// range. No phase/epoch means "live"; no run means "the newest run". Keeping this in the
// query string makes every view shareable and lets back/forward walk through it.
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { CheckpointId } from '../../core/compare-protocol.ts';
import type { EpochPin } from './epochs.ts';
import { formatLayerRange, parseLayerRange, type LayerRangeNames } from './network-range.ts';

/** Two epochs compared side by side; differences are B − A. */
export interface Comparison {
  a: CheckpointId;
  b: CheckpointId;
  /**
   * Class names the comparison's instance and feature sections show (the first one is the focus of the
   * class-by-class sections); absent or empty = every class. Names, since two runs' classes match by name.
   */
  classes?: string[];
}

/** How the instance views place instances: t-SNE (paper §5.2) or DVI's parametric projection with its boundary map. */
export type InstanceLayout = 'tsne' | 'dvi';

export interface ViewState {
  run: string | null;
  /** null: live, follow each newly committed epoch. */
  pin: EpochPin | null;
  /** Two epochs compared side by side; null outside compare mode. */
  compare: Comparison | null;
  /** The instance views' layout; absent means t-SNE, the default, so older links keep their meaning. */
  layout?: InstanceLayout;
  /** Training instances the instance view's DVI layout also places (by the stored encoder); absent: none. */
  extra?: 'target-train' | undefined;
  /** The layers the network view draws, by name; absent: its default range. */
  layers?: LayerRangeNames | undefined;
}

/** `push` makes a history entry (a deliberate move); `replace` rewrites the current one (playback, dragging). */
export type HistoryMode = 'push' | 'replace';

/**
 * Reads a query string (with or without the leading `?`). Input from the address bar is untrusted: a missing
 * or malformed phase/epoch pair means live, and an empty run means the newest run.
 */
export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const run = params.get('run')?.trim() || null;
  const pin = parsePin(params.get('phase'), params.get('epoch'));
  const a = parseCheckpoint(params.get('a'));
  const b = parseCheckpoint(params.get('b'));
  // Repeated `class` keys rather than one joined value: a folder-named class may contain any separator.
  const classes = params.getAll('class').filter((name) => name !== '');
  // Any other value is t-SNE: a mistyped layout should not leave the view empty.
  const layout = params.get('layout') === 'dvi' ? { layout: 'dvi' as const } : {};
  // Likewise any other value is no extra points.
  const extra = params.get('extra') === 'target-train' ? { extra: 'target-train' as const } : {};
  // Names the run lacks are resolved to the default range by the view, which knows the layers.
  const range = parseLayerRange(params.get('layers'));
  const layers = range ? { layers: range } : {};
  return { run, pin, compare: a && b ? { a, b, ...(classes.length > 0 ? { classes } : {}) } : null, ...layout, ...extra, ...layers };
}

function parsePin(phase: string | null, epochText: string | null): EpochPin | null {
  const epoch = /^\d+$/.test(epochText ?? '') ? Number(epochText) : NaN;
  return (phase === 'source' || phase === 'target') && Number.isSafeInteger(epoch) && epoch >= 1 ? { phase, epoch } : null;
}

/** `RUN:PHASE:EPOCH` (run ids never contain ':'), or null when malformed. */
function parseCheckpoint(text: string | null): CheckpointId | null {
  const [runId, phase, epoch, ...rest] = (text ?? '').split(':');
  const pin = parsePin(phase ?? null, epoch ?? null);
  return runId && pin && rest.length === 0 ? { runId, ...pin } : null;
}

export const checkpointParam = (id: CheckpointId): string => `${id.runId}:${id.phase}:${id.epoch}`;

/** The query string for `state`, `''` for the default view (newest run, live); the inverse of parseViewState. */
export function serializeViewState(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.run !== null) {
    params.set('run', state.run);
  }
  if (state.pin !== null) {
    params.set('phase', state.pin.phase);
    params.set('epoch', String(state.pin.epoch));
  }
  if (state.compare !== null) {
    params.set('a', checkpointParam(state.compare.a));
    params.set('b', checkpointParam(state.compare.b));
    for (const name of state.compare.classes ?? []) {
      params.append('class', name);
    }
  }
  if (state.layout === 'dvi') {
    params.set('layout', 'dvi');
  }
  if (state.extra) {
    params.set('extra', state.extra);
  }
  if (state.layers) {
    params.set('layers', formatLayerRange(state.layers));
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** The parts of `window` the URL state uses; tests pass a stand-in. */
export type UrlWindow = Pick<Window, 'location' | 'history' | 'addEventListener' | 'removeEventListener'>;

/**
 * How long after the last scrubber move its URL is written. A history write cost 4-7 ms of the main thread in
 * Chromium (measured: docs/decisions.md, "Scrubbing, fifth pass"), paid inside every arrow-key move before; now a
 * burst of moves (a held or repeated arrow key) writes once, after it, as one history entry.
 */
export const URL_SETTLE_MS = 400;

export interface UrlState {
  state: Accessor<ViewState>;
  /**
   * Sets the view to the current one with `next`'s fields replaced, and writes it to the address bar; a no-op when
   * it names the same view. A move to another pinned epoch of the same run is written `settleMs` after the last
   * such move, once for the whole burst (a push if any move of it was one); any other change writes at once,
   * after a move still waiting.
   */
  set(next: Partial<ViewState>, mode: HistoryMode): void;
}

/** Mirrors the address bar's query string in a signal and follows back/forward; stops listening with its owner. */
export function createUrlState(win: UrlWindow = window, settleMs = URL_SETTLE_MS): UrlState {
  const [state, setState] = createSignal(parseViewState(win.location.search), {
    equals: (a, b) => serializeViewState(a) === serializeViewState(b),
  });
  // The burst of epoch moves not yet written: whether any of them was a push, and its timer.
  let pending: { mode: HistoryMode; timer: ReturnType<typeof setTimeout> } | null = null;
  const write = (view: ViewState, mode: HistoryMode): void => {
    const url = `${win.location.pathname}${serializeViewState(view)}${win.location.hash}`;
    if (mode === 'push') {
      win.history.pushState(null, '', url);
    } else {
      win.history.replaceState(null, '', url);
    }
  };
  const flush = (): void => {
    if (pending) {
      clearTimeout(pending.timer);
      const { mode } = pending;
      pending = null;
      write(state(), mode);
    }
  };
  const onPopState = (): void => {
    // The browser moved to another entry: a move not yet written belongs to the entry left behind.
    if (pending) {
      clearTimeout(pending.timer);
      pending = null;
    }
    setState(parseViewState(win.location.search));
  };
  win.addEventListener('popstate', onPopState);
  onCleanup(() => {
    win.removeEventListener('popstate', onPopState);
    flush();
  });

  return {
    state,
    set(changes, mode) {
      const now = state();
      const next = { ...now, ...changes };
      if (serializeViewState(next) === serializeViewState(now)) {
        return;
      }
      // An epoch move: only the pinned epoch changes (the run may be named for the first time, as the newest run).
      const move =
        next.pin !== null &&
        (now.run === null || next.run === now.run) &&
        serializeViewState({ ...next, run: null, pin: null }) === serializeViewState({ ...now, run: null, pin: null });
      if (!move) {
        flush();
        write(next, mode);
        setState(next);
        return;
      }
      setState(next);
      const burstMode: HistoryMode = mode === 'push' || pending?.mode === 'push' ? 'push' : 'replace';
      if (pending) {
        clearTimeout(pending.timer);
      }
      pending = { mode: burstMode, timer: setTimeout(flush, settleMs) };
    },
  };
}
