import { expect, test } from 'vitest';
import { createRoot, createSignal } from 'solid-js';
import { createLatestRequest } from '../../../dashboard/src/latest-request.ts';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function harness() {
  return createRoot((dispose) => {
    const [key, setKey] = createSignal<string | null>('a');
    const pending = new Map<string, Deferred<string>>();
    const signals = new Map<string, AbortSignal>();
    const request = createLatestRequest(key, (k, signal) => {
      const d = deferred<string>();
      pending.set(k, d);
      signals.set(k, signal);
      return d.promise;
    });
    return { request, setKey, pending, signals, dispose };
  });
}

test('shows only the newest key’s answer, whatever order answers arrive in', async () => {
  const h = harness();
  expect(h.request.loading()).toBe(true);
  h.setKey('b');
  h.pending.get('b')!.resolve('answer b');
  await flush();
  expect(h.request.value()).toBe('answer b');
  h.pending.get('a')!.resolve('answer a');
  await flush();
  expect(h.request.value()).toBe('answer b');
  expect(h.request.loading()).toBe(false);
  h.dispose();
});

test('keeps the previous answer while the next one loads', async () => {
  const h = harness();
  h.pending.get('a')!.resolve('answer a');
  await flush();
  h.setKey('b');
  expect(h.request.loading()).toBe(true);
  expect(h.request.value()).toBe('answer a');
  h.dispose();
});

test('a failure gives a readable message; a stale failure is ignored', async () => {
  const h = harness();
  h.setKey('b');
  h.pending.get('a')!.reject(new Error('stale failure'));
  h.pending.get('b')!.reject(new Error('Epoch 3 of phase target is not committed.'));
  await flush();
  expect(h.request.error()).toBe('Epoch 3 of phase target is not committed.');
  expect(h.request.value()).toBeNull();
  h.setKey('c');
  h.pending.get('c')!.resolve('answer c');
  await flush();
  expect(h.request.error()).toBeNull();
  expect(h.request.value()).toBe('answer c');
  h.dispose();
});

test('a null key clears the answer and ignores the one in flight', async () => {
  const h = harness();
  h.setKey(null);
  h.pending.get('a')!.resolve('answer a');
  await flush();
  expect(h.request.value()).toBeNull();
  expect(h.request.loading()).toBe(false);
  h.dispose();
});

test('aborts the request for a key left behind, and the last one when the view goes, but not an answered one', async () => {
  const h = harness();
  h.setKey('b');
  expect(h.signals.get('a')!.aborted).toBe(true);
  expect(h.signals.get('b')!.aborted).toBe(false);
  h.pending.get('b')!.resolve('answer b');
  await flush();
  h.setKey('c');
  // b was answered: nothing left to abort, and its answer stays on screen while c loads.
  expect(h.signals.get('b')!.aborted).toBe(false);
  expect(h.request.value()).toBe('answer b');
  h.dispose();
  expect(h.signals.get('c')!.aborted).toBe(true);
});
