import { describe, expect, it } from 'vitest';
import { makeCachedRequests, makeConcurrencyLimit, makeSharedRequests } from '../../monitor/shared-requests.ts';

/** Work that settles when told to, and records whether its own signal aborted. */
function controllableWork() {
  const log = { starts: 0, aborted: 0 };
  let finish!: (value: string) => void;
  const start = (signal: AbortSignal) => {
    log.starts++;
    signal.addEventListener('abort', () => log.aborted++);
    return new Promise<string>((resolve) => {
      finish = resolve;
    });
  };
  return { log, start, finish: (value: string) => finish(value) };
}

describe('makeSharedRequests', () => {
  it('starts one piece of work for concurrent callers of a key, and again once it settled', async () => {
    const shared = makeSharedRequests<string>();
    const work = controllableWork();
    const a = shared('k', work.start);
    const b = shared('k', work.start, new AbortController().signal);
    expect(work.log.starts).toBe(1);
    work.finish('done');
    expect(await Promise.all([a, b])).toEqual(['done', 'done']);
    void shared('k', work.start);
    expect(work.log.starts).toBe(2);
  });

  it('keeps the work going while any caller still waits, and aborts it when the last one leaves', async () => {
    const shared = makeSharedRequests<string>();
    const work = controllableWork();
    const first = new AbortController();
    const second = new AbortController();
    const a = shared('k', work.start, first.signal);
    const b = shared('k', work.start, second.signal);
    first.abort(new DOMException('scrubbed on', 'AbortError'));
    await expect(a).rejects.toThrow('scrubbed on');
    expect(work.log.aborted).toBe(0);
    second.abort(new DOMException('left too', 'AbortError'));
    await expect(b).rejects.toThrow('left too');
    expect(work.log.aborted).toBe(1);
    // The abandoned work is forgotten: the next caller starts it afresh rather than joining an aborted one.
    void shared('k', work.start);
    expect(work.log.starts).toBe(2);
  });

  it('never aborts work that a caller without a signal waits for', async () => {
    const shared = makeSharedRequests<string>();
    const work = controllableWork();
    const leaving = new AbortController();
    const background = shared('k', work.start);
    const view = shared('k', work.start, leaving.signal);
    leaving.abort(new DOMException('scrubbed on', 'AbortError'));
    await expect(view).rejects.toThrow('scrubbed on');
    expect(work.log.aborted).toBe(0);
    work.finish('stored');
    expect(await background).toBe('stored');
  });

  it('refuses a caller whose signal already aborted without starting anything', async () => {
    const shared = makeSharedRequests<string>();
    const work = controllableWork();
    const gone = new AbortController();
    gone.abort(new DOMException('gone', 'AbortError'));
    const err = await shared('k', work.start, gone.signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(work.log.starts).toBe(0);
  });

  it('passes a failure to every caller and forgets it, so the next call retries', async () => {
    const shared = makeSharedRequests<string>();
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('child failed');
    };
    await expect(Promise.all([shared('k', failing), shared('k', failing)])).rejects.toThrow('child failed');
    expect(calls).toBe(1);
    await expect(shared('k', failing)).rejects.toThrow('child failed');
    expect(calls).toBe(2);
  });
});

describe('makeCachedRequests', () => {
  it('remembers answers up to its size, oldest out first, and never a failure', async () => {
    const cached = makeCachedRequests<number>(2);
    let calls = 0;
    const answer = (value: number) => async () => {
      calls++;
      return value;
    };
    expect(await cached('a', answer(1))).toBe(1);
    expect(await cached('a', answer(99))).toBe(1);
    await expect(cached('f', async () => {
      calls++;
      throw new Error('no');
    })).rejects.toThrow('no');
    expect(await cached('f', answer(3))).toBe(3);
    expect(await cached('b', answer(2))).toBe(2);
    // a, f, b: the size is two, so a was dropped.
    expect(await cached('a', answer(4))).toBe(4);
    expect(calls).toBe(5);
  });
});

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

describe('makeConcurrencyLimit priorities', () => {
  it('starts the lowest priority waiting task first, in call order among equals', async () => {
    const limit = makeConcurrencyLimit(1);
    const started: string[] = [];
    let release!: () => void;
    const first = limit(() => new Promise<void>((resolve) => {
      started.push('first');
      release = resolve;
    }));
    const task = (name: string, priority: number) => limit(async () => {
      started.push(name);
    }, undefined, priority);
    const rest = [task('features', 2), task('network-old', 0), task('instances', 1), task('network-new', 0)];
    release();
    await Promise.all([first, ...rest]);
    expect(started).toEqual(['first', 'network-old', 'network-new', 'instances', 'features']);
  });
});
