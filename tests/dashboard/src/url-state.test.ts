import '../solid-browser-build.ts';
import { describe, expect, test } from 'vitest';
import { createRoot } from 'solid-js';
import {
  createUrlState, parseViewState, serializeViewState, type UrlWindow, type ViewState,
} from '../../../dashboard/src/url-state.ts';

describe('parse and serialize', () => {
  const states: ViewState[] = [
    { run: null, pin: null },
    { run: 'digits-1', pin: null },
    { run: 'digits-1', pin: { phase: 'target', epoch: 3 } },
    { run: null, pin: { phase: 'source', epoch: 12 } },
    { run: 'a run/with ?odd&chars=', pin: { phase: 'source', epoch: 1 } },
  ];

  test.each(states)('round trip %j', (state) => {
    expect(parseViewState(serializeViewState(state))).toEqual(state);
  });

  test('the default view has an empty query string', () => {
    expect(serializeViewState({ run: null, pin: null })).toBe('');
    expect(serializeViewState({ run: 'r1', pin: { phase: 'target', epoch: 3 } })).toBe('?run=r1&phase=target&epoch=3');
  });

  test('reads with or without the leading question mark', () => {
    expect(parseViewState('run=r1&phase=target&epoch=3')).toEqual({ run: 'r1', pin: { phase: 'target', epoch: 3 } });
  });

  test.each(['?phase=middle&epoch=3', '?phase=target&epoch=0', '?phase=target&epoch=1.5', '?phase=target&epoch=abc',
    '?phase=target', '?epoch=3', '?phase=target&epoch=-2', '?phase=target&epoch=1e3'])('malformed %s means live', (search) => {
    expect(parseViewState(search).pin).toBeNull();
  });

  test('an empty run means the newest run', () => {
    expect(parseViewState('?run=&phase=source&epoch=2')).toEqual({ run: null, pin: { phase: 'source', epoch: 2 } });
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
  test('starts from the address bar and writes pushes and replaces, keeping path and hash', () => {
    const win = fakeWindow('?run=r1');
    createRoot((dispose) => {
      const url = createUrlState(win);
      expect(url.state()).toEqual({ run: 'r1', pin: null });
      url.set({ run: 'r1', pin: { phase: 'target', epoch: 2 } }, 'push');
      url.set({ run: 'r1', pin: { phase: 'target', epoch: 3 } }, 'replace');
      expect(win.calls).toEqual(['push /dash?run=r1&phase=target&epoch=2#top', 'replace /dash?run=r1&phase=target&epoch=3#top']);
      expect(url.state().pin).toEqual({ phase: 'target', epoch: 3 });
      dispose();
    });
  });

  test('setting the same view writes no history entry', () => {
    const win = fakeWindow('?run=r1&phase=source&epoch=1');
    createRoot((dispose) => {
      const url = createUrlState(win);
      url.set({ run: 'r1', pin: { phase: 'source', epoch: 1 } }, 'push');
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
    expect(url.state()).toEqual({ run: 'r1', pin: null });
    dispose();
    win.back('?run=r2');
    expect(url.state().run).toBe('r1');
  });
});
