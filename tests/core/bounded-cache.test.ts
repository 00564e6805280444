import { expect, test } from 'vitest';
import { makeBoundedCache } from '../../core/bounded-cache.ts';

const bytes = (a: Uint8Array) => a.byteLength;

test('holds at most its limit, dropping the least recently used first', async () => {
  const cache = makeBoundedCache<Uint8Array>(100, bytes);
  await cache.get('a', async () => new Uint8Array(40));
  await cache.get('b', async () => new Uint8Array(40));
  expect(cache.peek('a')).toBeDefined(); // a is now the most recently used
  await cache.get('c', async () => new Uint8Array(40));
  expect(cache.size()).toBe(80);
  expect(cache.peek('b')).toBeUndefined();
  expect(cache.peek('a')?.byteLength).toBe(40);
  expect(cache.peek('c')?.byteLength).toBe(40);
});

test('an answer heavier than the limit is returned but not kept', async () => {
  const cache = makeBoundedCache<Uint8Array>(100, bytes);
  await cache.get('small', async () => new Uint8Array(10));
  const big = await cache.get('big', async () => new Uint8Array(101));
  expect(big.byteLength).toBe(101);
  expect(cache.peek('big')).toBeUndefined();
  expect(cache.peek('small')).toBeDefined();
  expect(cache.size()).toBe(10);
});

test('concurrent first reads of one key share one production; later reads are served from memory', async () => {
  const cache = makeBoundedCache<Uint8Array>(100, bytes);
  let productions = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const produce = async () => {
    productions++;
    await gate;
    return new Uint8Array(8);
  };
  const waiting = Promise.all([cache.get('k', produce), cache.get('k', produce), cache.get('k', produce)]);
  release();
  const answers = await waiting;
  expect(productions).toBe(1);
  expect(answers[1]).toBe(answers[0]);
  expect(await cache.get('k', produce)).toBe(answers[0]);
  expect(productions).toBe(1);
});

test('a failed production is not kept: the next call tries again', async () => {
  const cache = makeBoundedCache<Uint8Array>(100, bytes);
  await expect(cache.get('k', () => Promise.reject(new Error('store unavailable')))).rejects.toThrow('store unavailable');
  expect(cache.size()).toBe(0);
  expect((await cache.get('k', async () => new Uint8Array(3))).byteLength).toBe(3);
});
