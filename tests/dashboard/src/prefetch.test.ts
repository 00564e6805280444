import { describe, expect, test } from 'vitest';
import { createRoot } from 'solid-js';
import type { EpochRecord } from '../../../core/protocol.ts';
import { epochRecord } from '../../helpers/run-fixture.ts';
import { createPrefetcher, neighbourRequests, scrubbedViewNeeds, type NeededAt, type PrefetchRequest } from '../../../dashboard/src/prefetch.ts';
import { recordingClient } from '../../helpers/recording-data-client.ts';

interface Deferred {
  promise: Promise<unknown>;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = () => res('answer');
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Two phases of four epochs, checkpoints every second epoch: steps 2, 4, 6, 8. */
function run(): EpochRecord[] {
  return [1, 2, 3, 4, 5, 6, 7, 8].map((step) => ({
    ...epochRecord(step <= 4 ? 'source' : 'target', ((step - 1) % 4) + 1, step),
    checkpoint: step % 2 === 0,
  }));
}

/** Requests whose loads the test settles by hand, recording which started and which were aborted. */
function controlledRequests(keys: string[]) {
  const pending = new Map<string, Deferred>();
  const started: string[] = [];
  const aborted: string[] = [];
  const requests = new Map<string, PrefetchRequest>(
    keys.map((key) => [
      key,
      {
        key,
        load: (signal: AbortSignal) => {
          started.push(key);
          signal.addEventListener('abort', () => aborted.push(key));
          const d = deferred();
          pending.set(key, d);
          return d.promise;
        },
      },
    ]),
  );
  const of = (...names: string[]): PrefetchRequest[] => names.map((n) => requests.get(n)!);
  return { pending, started, aborted, of };
}

describe('neighbourRequests', () => {
  // The latest checkpoint at or before the epoch, as the per-checkpoint views show.
  const checkpointNeed: NeededAt = (epochs, at) => {
    const c = epochs.filter((e) => e.checkpoint && e.step <= at.step).at(-1);
    return c ? { key: `cp${c.step}`, load: async () => c } : null;
  };
  const epochNeed: NeededAt = (_, at) => ({ key: `ep${at.step}`, load: async () => at });

  test('asks for the nearest different request each way, skipping epochs that share the current checkpoint', () => {
    const epochs = run();
    const keys = neighbourRequests(epochs, epochs[4]!, [epochNeed, checkpointNeed]).map((r) => r.key);
    // Step 5 shows checkpoint 4; step 6 is the next checkpoint, step 4's the one before is step 2's.
    expect(keys).toEqual(['ep6', 'ep4', 'cp6', 'cp2']);
  });

  test('widens with the radius and stops at the ends of the run', () => {
    const epochs = run();
    expect(neighbourRequests(epochs, epochs[7]!, [checkpointNeed], 2).map((r) => r.key)).toEqual(['cp6', 'cp4']);
    expect(neighbourRequests(epochs, epochs[0]!, [checkpointNeed], 2).map((r) => r.key)).toEqual(['cp2', 'cp4']);
    expect(neighbourRequests(epochs, null, [checkpointNeed])).toEqual([]);
  });

  test('names the same paths the data client requests for the views, so a prefetch fills its cache', async () => {
    await createRoot(async (dispose) => {
      const { client, calls } = recordingClient((path) => ({ path }), { requestedRun: 'r' });
      const epochs = run();
      const requests = neighbourRequests(epochs, epochs[4]!, scrubbedViewNeeds(client, 'r'));
      expect(requests.map((r) => r.key)).toEqual([
        'confusion/r/target/2',
        'confusion/r/source/4',
        // The first source checkpoint has no network abstraction to prefetch.
        '/api/runs/r/epochs/target/2/network',
        '/api/runs/r/epochs/target/2/features',
        '/api/runs/r/epochs/source/2/features',
        '/api/runs/r/epochs/target/2/instances',
        '/api/runs/r/epochs/source/2/instances',
      ]);
      await Promise.all(requests.map((r) => r.load(new AbortController().signal)));
      const fetched = calls.length;
      // What the views ask for after the arrow key is answered from the cache.
      await client.analysis('network', 'r', { phase: 'target', epoch: 2 });
      await client.confusion('r', { phase: 'target', epoch: 2 });
      expect(calls.length).toBe(fetched);
      dispose();
    });
  });

  test('asks for a checkpoint reported refined at the paper settings, as its view will', async () => {
    await createRoot(async (dispose) => {
      const { client, calls, deliver } = recordingClient((path) => ({ path }), { requestedRun: 'r' });
      deliver('analysis', { runId: 'r', at: { phase: 'target', epoch: 2, step: 6 }, status: 'done', settings: 'paper', kind: 'network' });
      const epochs = run();
      const keys = neighbourRequests(epochs, epochs[4]!, scrubbedViewNeeds(client, 'r')).map((r) => r.key);
      expect(keys).toContain('/api/runs/r/epochs/target/2/network?settings=paper');
      expect(keys).not.toContain('/api/runs/r/epochs/target/2/network');
      // Only the refined kind: the features of that checkpoint are still asked at the default.
      expect(keys).toContain('/api/runs/r/epochs/target/2/features');
      await Promise.all(neighbourRequests(epochs, epochs[4]!, scrubbedViewNeeds(client, 'r')).map((r) => r.load(new AbortController().signal)));
      const fetched = calls.length;
      await client.analysis('network', 'r', { phase: 'target', epoch: 2 }, undefined, null, 'paper');
      expect(calls.length).toBe(fetched);
      dispose();
    });
  });
});

describe('createPrefetcher', () => {
  test('starts only after the requests on screen settled, at most `concurrency` at a time', async () => {
    const r = controlledRequests(['shown', 'a', 'b', 'c']);
    const prefetcher = createPrefetcher(2);
    prefetcher.schedule(r.of('shown'), r.of('a', 'b', 'c'));
    await flush();
    expect(r.started).toEqual(['shown']);
    r.pending.get('shown')!.resolve();
    await flush();
    expect(r.started).toEqual(['shown', 'a', 'b']);
    // A failed prefetch frees its slot like a finished one; the view's own request reports the failure.
    r.pending.get('a')!.reject(new Error('no such checkpoint'));
    await flush();
    expect(r.started).toEqual(['shown', 'a', 'b', 'c']);
    prefetcher.cancel();
  });

  test('a new schedule aborts what it no longer wants and keeps what it still wants running', async () => {
    const r = controlledRequests(['one', 'two', 'three']);
    const prefetcher = createPrefetcher(2);
    prefetcher.schedule([], r.of('one', 'two'));
    await flush();
    expect(r.started).toEqual(['one', 'two']);
    prefetcher.schedule([], r.of('two', 'three'));
    await flush();
    expect(r.aborted).toEqual(['one']);
    // 'two' is not started again: its first request goes on.
    expect(r.started).toEqual(['one', 'two', 'three']);
    prefetcher.cancel();
    expect(r.aborted.sort()).toEqual(['one', 'three', 'two']);
  });

  test('the arrow key that lands on an epoch being prefetched keeps that prefetch, and waits for it', async () => {
    const r = controlledRequests(['shown', 'a', 'b']);
    const prefetcher = createPrefetcher(2);
    prefetcher.schedule(r.of('shown'), r.of('a'));
    r.pending.get('shown')!.resolve();
    await flush();
    expect(r.started).toEqual(['shown', 'a']);
    // Moved onto 'a' before its answer came: its views join the request in flight instead of starting another.
    prefetcher.schedule(r.of('a'), r.of('b'));
    await flush();
    // (The previous screen's wait is dropped: its views hold their own requests.)
    expect(r.aborted).toEqual(['shown']);
    expect(r.started).toEqual(['shown', 'a']);
    r.pending.get('a')!.resolve();
    await flush();
    expect(r.started).toEqual(['shown', 'a', 'b']);
    prefetcher.cancel();
  });

  test('a schedule replaced before the screen settled starts nothing of its own', async () => {
    const r = controlledRequests(['shown', 'later', 'next']);
    const prefetcher = createPrefetcher(1);
    prefetcher.schedule(r.of('shown'), r.of('later'));
    prefetcher.schedule([], r.of('next'));
    r.pending.get('shown')!.resolve();
    await flush();
    expect(r.started).toEqual(['shown', 'next']);
    expect(r.aborted).toEqual(['shown']);
    prefetcher.cancel();
  });
});
