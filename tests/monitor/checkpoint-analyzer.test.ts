import { describe, expect, it } from 'vitest';
import { makeConcurrencyLimit } from '../../monitor/checkpoint-analyzer.ts';

describe('makeConcurrencyLimit', () => {
  it('never runs more than max tasks at once, starts the rest in call order, and frees the slot of a failed task', async () => {
    const limit = makeConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number, fail = false) => limit(async () => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10 + (i % 3) * 5));
      running--;
      if (fail) {
        throw new Error(`task ${i} failed`);
      }
      return i;
    });
    const results = await Promise.allSettled([task(0), task(1, true), task(2), task(3), task(4), task(5)]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    // The limit is free again afterwards.
    expect(await task(6)).toBe(6);
  });

  it('drops a waiting task whose signal aborts, and hands its place to the next one', async () => {
    const limit = makeConcurrencyLimit(1);
    const started: string[] = [];
    let release!: () => void;
    const first = limit(() => new Promise<void>((r) => {
      started.push('first');
      release = r;
    }));
    const abandoned = new AbortController();
    const second = limit(async () => {
      started.push('second');
    }, abandoned.signal);
    const third = limit(async () => {
      started.push('third');
    });
    abandoned.abort(new Error('scrubbed on'));
    await expect(second).rejects.toThrow('scrubbed on');
    release();
    await Promise.all([first, third]);
    expect(started).toEqual(['first', 'third']);
    // A task whose signal has already aborted is refused at once.
    await expect(limit(async () => 1, abandoned.signal)).rejects.toThrow('scrubbed on');
  });
});
