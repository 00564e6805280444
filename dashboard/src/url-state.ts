// The view a URL names: `?run=ID&phase=target&epoch=3`. No phase/epoch means "live"; no run means "the newest
// run". Keeping this in the query string makes every view shareable and lets back/forward walk through it.
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { EpochPin } from './epochs.ts';

export interface ViewState {
  run: string | null;
  /** null: live, follow each newly committed epoch. */
  pin: EpochPin | null;
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
  const phase = params.get('phase');
  const epochText = params.get('epoch') ?? '';
  const epoch = /^\d+$/.test(epochText) ? Number(epochText) : NaN;
  const validPin = (phase === 'source' || phase === 'target') && Number.isSafeInteger(epoch) && epoch >= 1;
  return { run, pin: validPin ? { phase, epoch } : null };
}

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
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** The parts of `window` the URL state uses; tests pass a stand-in. */
export type UrlWindow = Pick<Window, 'location' | 'history' | 'addEventListener' | 'removeEventListener'>;

export interface UrlState {
  state: Accessor<ViewState>;
  /** Writes `next` to the address bar; a no-op when it names the same view. */
  set(next: ViewState, mode: HistoryMode): void;
}

/** Mirrors the address bar's query string in a signal and follows back/forward; stops listening with its owner. */
export function createUrlState(win: UrlWindow = window): UrlState {
  const [state, setState] = createSignal(parseViewState(win.location.search), {
    equals: (a, b) => serializeViewState(a) === serializeViewState(b),
  });
  const onPopState = (): void => {
    setState(parseViewState(win.location.search));
  };
  win.addEventListener('popstate', onPopState);
  onCleanup(() => win.removeEventListener('popstate', onPopState));

  return {
    state,
    set(next, mode) {
      const query = serializeViewState(next);
      if (query === serializeViewState(state())) {
        return;
      }
      const url = `${win.location.pathname}${query}${win.location.hash}`;
      if (mode === 'push') {
        win.history.pushState(null, '', url);
      } else {
        win.history.replaceState(null, '', url);
      }
      setState(next);
    },
  };
}
