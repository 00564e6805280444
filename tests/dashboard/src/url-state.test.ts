import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createRoot } from 'solid-js';
import { createUrlState, parseViewState, serializeViewState, URL_SETTLE_MS, type UrlWindow, type ViewState } from '../../../dashboard/src/url-state.ts';

describe('parse and serialize', () => {
  const states: ViewState[] = [
    { run: null, pin: null, compare: null },
    { run: 'digits-1', pin: null, compare: null },
    { run: 'digits-1', pin: { phase: 'target', epoch: 3 }, compare: null },
    { run: null, pin: { phase: 'source', epoch: 12 }, compare: null },
    { run: 'a run/with ?odd&chars=', pin: { phase: 'source', epoch: 1 }, compare: null },
    { run: 'r1', pin: null, compare: { a: { runId: 'r1', phase: 'source', epoch: 4 }, b: { runId: 'r-2.x', phase: 'target', epoch: 10 } } },
    {
      run: null,
      pin: null,
      compare: { a: { runId: 'r1', phase: 'source', epoch: 1 }, b: { runId: 'r1', phase: 'target', epoch: 2 }, classes: ['7', 'back pack', 'a,b&c=d'] },
    },
    { run: 'r1', pin: { phase: 'target', epoch: 2 }, compare: null, layout: 'dvi' },
    { run: null, pin: null, compare: { a: { runId: 'r1', phase: 'source', epoch: 1 }, b: { runId: 'r1', phase: 'target', epoch: 2 } }, layout: 'dvi' },
    { run: 'r1', pin: null, compare: null, layout: 'dvi', extra: 'target-train' },
    { run: 'r1', pin: { phase: 'target', epoch: 2 }, compare: null, layers: { from: 'stage2_block1_conv1', to: 'stage3_block3_conv2' } },
  ];

  test("the network view's layer range is kept as layers=FROM..TO; a malformed one is left out", () => {
    expect(serializeViewState({ run: 'r1', pin: null, compare: null, layers: { from: 'stage2_block1_conv1', to: 'stage3_block3_conv2' } })).toBe(
      '?run=r1&layers=stage2_block1_conv1..stage3_block3_conv2',
    );
    expect(parseViewState('?run=r1&layers=conv2..fc6')).toEqual({ run: 'r1', pin: null, compare: null, layers: { from: 'conv2', to: 'fc6' } });
    expect(parseViewState('?run=r1&layers=conv2')).toEqual({ run: 'r1', pin: null, compare: null });
    expect(parseViewState('?run=r1&layers=..fc6')).toEqual({ run: 'r1', pin: null, compare: null });
  });

  test('the target training points are kept as extra=target-train; any other value leaves them out', () => {
    expect(serializeViewState({ run: 'r1', pin: null, compare: null, layout: 'dvi', extra: 'target-train' })).toBe('?run=r1&layout=dvi&extra=target-train');
    expect(parseViewState('?run=r1&layout=dvi&extra=source-train')).toEqual({ run: 'r1', pin: null, compare: null, layout: 'dvi' });
    expect(parseViewState('?run=r1&extra=')).toEqual({ run: 'r1', pin: null, compare: null });
  });

  test('the DVI layout is kept as layout=dvi; t-SNE, the default, and anything else leave it out', () => {
    expect(serializeViewState({ run: 'r1', pin: null, compare: null, layout: 'dvi' })).toBe('?run=r1&layout=dvi');
    expect(serializeViewState({ run: 'r1', pin: null, compare: null, layout: 'tsne' })).toBe('?run=r1');
    expect(parseViewState('?run=r1&layout=tsne')).toEqual({ run: 'r1', pin: null, compare: null });
    expect(parseViewState('?run=r1&layout=umap')).toEqual({ run: 'r1', pin: null, compare: null });
  });

  test.each(states)('round trip %j', (state) => {
    expect(parseViewState(serializeViewState(state))).toEqual(state);
  });

  test('the default view has an empty query string', () => {
    expect(serializeViewState({ run: null, pin: null, compare: null })).toBe('');
    expect(serializeViewState({ run: 'r1', pin: { phase: 'target', epoch: 3 }, compare: null })).toBe('?run=r1&phase=target&epoch=3');
  });

  test('compare mode needs both sides well formed', () => {
    expect(parseViewState('?a=r1:source:1&b=r1:target:2').compare).toEqual({
      a: { runId: 'r1', phase: 'source', epoch: 1 },
      b: { runId: 'r1', phase: 'target', epoch: 2 },
    });
    for (const query of [
      '?a=r1:source:1',
      '?a=r1:source:1&b=r1:target',
      '?a=r1:source:1&b=:target:2',
      '?a=r1:source:1&b=r1:mid:2',
      '?a=r1:source:1&b=r1:target:2:3',
    ]) {
      expect([query, parseViewState(query).compare]).toEqual([query, null]);
    }
  });

  test('classes belong to the comparison: kept in order, dropped outside compare mode and when empty', () => {
    expect(parseViewState('?a=r1:source:1&b=r1:target:2&class=3&class=1').compare?.classes).toEqual(['3', '1']);
    expect(parseViewState('?a=r1:source:1&b=r1:target:2&class=').compare).toEqual({
      a: { runId: 'r1', phase: 'source', epoch: 1 },
      b: { runId: 'r1', phase: 'target', epoch: 2 },
    });
    expect(parseViewState('?run=r1&class=3').compare).toBeNull();
    expect(
      serializeViewState({
        run: null,
        pin: null,
        compare: { a: { runId: 'r1', phase: 'source', epoch: 1 }, b: { runId: 'r1', phase: 'target', epoch: 2 }, classes: ['3', '1'] },
      }),
    ).toBe('?a=r1%3Asource%3A1&b=r1%3Atarget%3A2&class=3&class=1');
  });

  test('reads with or without the leading question mark', () => {
    expect(parseViewState('run=r1&phase=target&epoch=3')).toEqual({ run: 'r1', pin: { phase: 'target', epoch: 3 }, compare: null });
  });

  test.each([
    '?phase=middle&epoch=3',
    '?phase=target&epoch=0',
    '?phase=target&epoch=1.5',
    '?phase=target&epoch=abc',
    '?phase=target',
    '?epoch=3',
    '?phase=target&epoch=-2',
    '?phase=target&epoch=1e3',
  ])('malformed %s means live', (search) => {
    expect(parseViewState(search).pin).toBeNull();
  });

  test('an empty run means the newest run', () => {
    expect(parseViewState('?run=&phase=source&epoch=2')).toEqual({ run: null, pin: { phase: 'source', epoch: 2 }, compare: null });
  });
});

function fakeWindow(search: string): UrlWindow & { calls: string[]; back(search: string): void } {
  const listeners = new Set<() => void>();
  const location = { pathname: '/dash', search, hash: '#top' };
  const navigate = (kind: string) => (_: unknown, __: string, url: string) => {
    location.search = new URL(url, 'http://x').search;
    win.calls.push(`${kind} ${url}`);
  };
  const win = {
    calls: [] as string[],
    location,
    history: { pushState: navigate('push'), replaceState: navigate('replace') },
    addEventListener: (_: string, fn: () => void) => listeners.add(fn),
    removeEventListener: (_: string, fn: () => void) => listeners.delete(fn),
    back(previous: string) {
      location.search = previous;
      listeners.forEach((fn) => fn());
    },
  };
  return win as unknown as UrlWindow & { calls: string[]; back(search: string): void };
}

describe('createUrlState', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('starts from the address bar and writes pushes and replaces, keeping path and hash', () => {
    const win = fakeWindow('?run=r1');
    createRoot((dispose) => {
      const url = createUrlState(win);
      expect(url.state()).toEqual({ run: 'r1', pin: null, compare: null });
      url.set({ run: 'r1', pin: { phase: 'target', epoch: 2 }, compare: null }, 'push');
      vi.advanceTimersByTime(URL_SETTLE_MS);
      url.set({ run: 'r1', pin: { phase: 'target', epoch: 3 }, compare: null }, 'replace');
      vi.advanceTimersByTime(URL_SETTLE_MS);
      expect(win.calls).toEqual(['push /dash?run=r1&phase=target&epoch=2#top', 'replace /dash?run=r1&phase=target&epoch=3#top']);
      expect(url.state().pin).toEqual({ phase: 'target', epoch: 3 });
      dispose();
    });
  });

  test('a burst of epoch moves shows each at once and writes one history entry once they settle', () => {
    const win = fakeWindow('?run=r1&phase=target&epoch=4');
    createRoot((dispose) => {
      const url = createUrlState(win);
      for (const epoch of [3, 2, 1]) {
        url.set({ pin: { phase: 'target', epoch } }, 'push');
        expect(url.state().pin).toEqual({ phase: 'target', epoch });
        vi.advanceTimersByTime(URL_SETTLE_MS - 1);
      }
      expect(win.calls).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(win.calls).toEqual(['push /dash?run=r1&phase=target&epoch=1#top']);
      // Playback's moves replace the entry they started from, also once per burst.
      url.set({ pin: { phase: 'target', epoch: 2 } }, 'replace');
      url.set({ pin: { phase: 'target', epoch: 3 } }, 'replace');
      vi.advanceTimersByTime(URL_SETTLE_MS);
      expect(win.calls.slice(1)).toEqual(['replace /dash?run=r1&phase=target&epoch=3#top']);
      dispose();
    });
  });

  test('any other change writes at once, after the move still waiting, so both are history entries', () => {
    const win = fakeWindow('?run=r1&phase=source&epoch=1');
    createRoot((dispose) => {
      const url = createUrlState(win);
      url.set({ pin: { phase: 'source', epoch: 2 } }, 'push');
      url.set({ layout: 'dvi' }, 'push');
      expect(win.calls).toEqual(['push /dash?run=r1&phase=source&epoch=2#top', 'push /dash?run=r1&phase=source&epoch=2&layout=dvi#top']);
      // Going live is not a move to a pinned epoch either.
      url.set({ pin: null }, 'push');
      expect(win.calls.at(-1)).toBe('push /dash?run=r1&layout=dvi#top');
      vi.advanceTimersByTime(URL_SETTLE_MS);
      expect(win.calls).toHaveLength(3);
      dispose();
    });
  });

  test('back/forward while a move waits drops the move, and the owner going away writes one', () => {
    const win = fakeWindow('?run=r1&phase=source&epoch=4');
    createRoot((dispose) => {
      const url = createUrlState(win);
      url.set({ pin: { phase: 'source', epoch: 3 } }, 'push');
      win.back('?run=r1&phase=source&epoch=2');
      vi.advanceTimersByTime(URL_SETTLE_MS);
      expect(win.calls).toEqual([]);
      expect(url.state().pin).toEqual({ phase: 'source', epoch: 2 });
      url.set({ pin: { phase: 'source', epoch: 1 } }, 'push');
      dispose();
      expect(win.calls).toEqual(['push /dash?run=r1&phase=source&epoch=1#top']);
    });
  });

  test('set replaces only the fields it is given', () => {
    const win = fakeWindow('?run=r1&phase=source&epoch=1');
    createRoot((dispose) => {
      const url = createUrlState(win);
      url.set({ compare: { a: { runId: 'r1', phase: 'source', epoch: 1 }, b: { runId: 'r2', phase: 'target', epoch: 2 } } }, 'push');
      expect(url.state()).toMatchObject({ run: 'r1', pin: { phase: 'source', epoch: 1 } });
      expect(win.calls).toEqual(['push /dash?run=r1&phase=source&epoch=1&a=r1%3Asource%3A1&b=r2%3Atarget%3A2#top']);
      url.set({ compare: null }, 'push');
      expect(url.state().compare).toBeNull();
      dispose();
    });
  });

  test('scrubbing keeps the layer range, and a picked range is a new history entry', () => {
    const win = fakeWindow('?run=r1&phase=target&epoch=1&layers=stage2_block1_conv1..fc');
    createRoot((dispose) => {
      const url = createUrlState(win);
      url.set({ pin: { phase: 'target', epoch: 2 } }, 'replace');
      expect(url.state().layers).toEqual({ from: 'stage2_block1_conv1', to: 'fc' });
      url.set({ layers: { from: 'stem_conv', to: 'stage1_block3_conv2' } }, 'push');
      expect(win.calls).toEqual([
        'replace /dash?run=r1&phase=target&epoch=2&layers=stage2_block1_conv1..fc#top',
        'push /dash?run=r1&phase=target&epoch=2&layers=stem_conv..stage1_block3_conv2#top',
      ]);
      dispose();
    });
  });

  test('setting the same view writes no history entry', () => {
    const win = fakeWindow('?run=r1&phase=source&epoch=1');
    createRoot((dispose) => {
      const url = createUrlState(win);
      url.set({ run: 'r1', pin: { phase: 'source', epoch: 1 }, compare: null }, 'push');
      expect(win.calls).toEqual([]);
      dispose();
    });
  });

  test('follows back/forward, and stops listening with its owner', () => {
    const win = fakeWindow('?run=r1&phase=source&epoch=4');
    let url!: ReturnType<typeof createUrlState>;
    const dispose = createRoot((d) => {
      url = createUrlState(win);
      return d;
    });
    win.back('?run=r1');
    expect(url.state()).toEqual({ run: 'r1', pin: null, compare: null });
    dispose();
    win.back('?run=r2');
    expect(url.state().run).toBe('r1');
  });
});
