import { describe, expect, it } from 'vitest';
import { makeCachedRequests, makeSharedRequests } from '../../core/shared-requests.ts';

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
    await expect(
      cached('f', async () => {
        calls++;
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await cached('f', answer(3))).toBe(3);
    expect(await cached('b', answer(2))).toBe(2);
    // a, f, b: the size is two, so a was dropped.
    expect(await cached('a', answer(4))).toBe(4);
    expect(calls).toBe(5);
  });

  it('drops the least recently used answer, not the first stored', async () => {
    const cached = makeCachedRequests<number>(2);
    const answer = (value: number) => () => Promise.resolve(value);
    await cached('a', answer(1));
    await cached('b', answer(2));
    expect(await cached('a', answer(10))).toBe(1); // a is now the most recently used
    await cached('c', answer(3)); // so b goes
    expect(await cached('a', answer(11))).toBe(1);
    expect(await cached('b', answer(12))).toBe(12);
  });
});
