import { describe, expect, test } from 'vitest';
import { createRoot, createSignal } from 'solid-js';
import type { ExtraPointsResponse } from '../../../core/projection-protocol.ts';
import type { ConfusionResponse, MetricsResponse, RunSummary, SubscribeAck } from '../../../core/protocol.ts';
import { epochRecord, runMeta } from '../../helpers/run-fixture.ts';
import { ApiRequestError } from '../../../dashboard/src/api.ts';
import { createDataClient, type DataClient } from '../../../dashboard/src/data-client.ts';
import type { LiveSocket } from '../../../dashboard/src/socket.ts';

/** Stands in for socket.io: tests fire server events with `serve` and read what the client emitted in `sent`. */
class FakeSocket {
  connected = true;
  sent: string[] = [];
  private listeners = new Map<string, Set<(...args: never[]) => void>>();

  on(event: string, listener: (...args: never[]) => void): this {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return this;
  }

  off(event: string, listener: (...args: never[]) => void): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  /** While true, `subscribe` acknowledgements wait in `pendingAcks` until the test runs them. */
  holdAcks = false;
  pendingAcks: (() => void)[] = [];

  emit(event: string, runId: string, ack?: (result: SubscribeAck) => void): this {
    this.sent.push(`${event} ${runId}`);
    if (ack) {
      const answer = () => ack({ ok: true, runId });
      if (this.holdAcks) {
        this.pendingAcks.push(answer);
      } else {
        answer();
      }
    }
    return this;
  }

  serve(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      (listener as (...a: unknown[]) => void)(...args);
    }
  }

  listenerCount(): number {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }
}

type Route = () => unknown;

/** Answers paths from `routes`; a route may return a promise to hold the answer back. */
function fakeApi(routes: Record<string, Route>) {
  const calls: string[] = [];
  const fetchJson = async (path: string): Promise<unknown> => {
    calls.push(path);
    const route = routes[path];
    if (!route) {
      throw new ApiRequestError('NOT_FOUND', 404, `No route ${path} in the test.`);
    }
    return await route();
  };
  return { calls, fetchJson };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const summary = (id: string, createdAt: number): RunSummary => ({
  id,
  status: 'running',
  configName: 'digits',
  backend: 'cpu',
  createdAt,
  updatedAt: createdAt,
  lastEpoch: null,
});

const metrics = (runId: string, steps: number): MetricsResponse => ({
  runId,
  epochs: Array.from({ length: steps }, (_, i) => epochRecord('source', i + 1, i + 1)),
});

function twoRuns(extra: Record<string, Route> = {}): Record<string, Route> {
  return {
    '/api/runs': () => [summary('old', 1), summary('new', 2)],
    '/api/runs/new': () => runMeta('new', { createdAt: 2 }),
    '/api/runs/new/metrics': () => metrics('new', 2),
    '/api/runs/old': () => runMeta('old', { createdAt: 1 }),
    '/api/runs/old/metrics': () => metrics('old', 3),
    ...extra,
  };
}

interface Harness {
  client: DataClient;
  socket: FakeSocket;
  calls: string[];
  request(run: string | null): void;
  dispose(): void;
}

function harness(routes: Record<string, Route>, requested: string | null = null): Harness {
  const socket = new FakeSocket();
  const api = fakeApi(routes);
  return createRoot((dispose) => {
    const [requestedRun, request] = createSignal(requested);
    const client = createDataClient({
      requestedRun,
      socket: socket as unknown as LiveSocket,
      fetchJson: api.fetchJson,
    });
    return { client, socket, calls: api.calls, request, dispose };
  });
}

describe('choosing the run', () => {
  test('follows the newest run when the URL names none, and subscribes to it', async () => {
    const h = harness(twoRuns());
    await flush();
    expect(h.client.state.runs.map((r) => r.id)).toEqual(['new', 'old']);
    expect(h.client.activeRunId()).toBe('new');
    expect(h.client.state.run?.id).toBe('new');
    expect(h.client.state.epochs.map((e) => e.step)).toEqual([1, 2]);
    expect(h.client.state.runLoading).toBe(false);
    expect(h.socket.sent).toEqual(['subscribe new']);
    h.dispose();
  });

  test('a run named in the URL wins; switching moves the subscription', async () => {
    const h = harness(twoRuns(), 'old');
    await flush();
    expect(h.client.state.epochs).toHaveLength(3);
    h.request('new');
    await flush();
    expect(h.client.state.run?.id).toBe('new');
    expect(h.client.state.epochs).toHaveLength(2);
    expect(h.socket.sent).toEqual(['subscribe old', 'unsubscribe old', 'subscribe new']);
    h.dispose();
  });

  test('a newly started run becomes the shown one while following the newest', async () => {
    const h = harness(
      twoRuns({
        '/api/runs/newer': () => runMeta('newer', { createdAt: 3 }),
        '/api/runs/newer/metrics': () => ({ runId: 'newer', epochs: [] }),
      }),
    );
    await flush();
    h.socket.serve('run', summary('newer', 3));
    await flush();
    expect(h.client.state.runs.map((r) => r.id)).toEqual(['newer', 'new', 'old']);
    expect(h.client.activeRunId()).toBe('newer');
    expect(h.client.state.epochs).toEqual([]);
    h.dispose();
  });

  test('a run status change updates the list and the shown run', async () => {
    const h = harness(twoRuns());
    await flush();
    h.socket.serve('run', { ...summary('new', 2), status: 'finished' });
    expect(h.client.state.runs.find((r) => r.id === 'new')?.status).toBe('finished');
    expect(h.client.state.run?.status).toBe('finished');
    expect(h.client.state.run?.classNames).toEqual(['0', '1', '2']);
    h.dispose();
  });

  test('an answer for a run no longer shown is dropped', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const h = harness(
      twoRuns({
        '/api/runs/old/metrics': async () => {
          await held;
          return metrics('old', 3);
        },
      }),
      'old',
    );
    h.request('new');
    await flush();
    release();
    await flush();
    expect(h.client.state.run?.id).toBe('new');
    expect(h.client.state.epochs).toHaveLength(2);
    h.dispose();
  });
});

describe('epochs', () => {
  test('socket epochs are appended once per step', async () => {
    const h = harness(twoRuns());
    await flush();
    const third = epochRecord('source', 3, 3);
    h.socket.serve('epoch', { runId: 'new', record: epochRecord('source', 2, 2) });
    h.socket.serve('epoch', { runId: 'new', record: third });
    h.socket.serve('epoch', { runId: 'new', record: third });
    h.socket.serve('epoch', { runId: 'old', record: epochRecord('source', 4, 4) });
    expect(h.client.state.epochs.map((e) => e.step)).toEqual([1, 2, 3]);
    h.dispose();
  });

  test('epochs arriving while the metrics request is out are kept', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const h = harness(
      twoRuns({
        '/api/runs/new/metrics': async () => {
          await held;
          return metrics('new', 2);
        },
      }),
      'new',
    );
    await flush();
    h.socket.serve('epoch', { runId: 'new', record: epochRecord('source', 3, 3) });
    release();
    await flush();
    expect(h.client.state.epochs.map((e) => e.step)).toEqual([1, 2, 3]);
    h.dispose();
  });

  test('a reconnect re-subscribes and, once the server has joined it to the room, re-reads what it may have missed', async () => {
    const h = harness(twoRuns());
    await flush();
    h.socket.connected = false;
    h.socket.serve('disconnect');
    expect(h.client.state.connected).toBe(false);
    const before = h.calls.filter((p) => p === '/api/runs/new/metrics').length;
    h.socket.holdAcks = true;
    h.socket.connected = true;
    h.socket.serve('connect');
    await flush();
    expect(h.client.state.connected).toBe(true);
    expect(h.socket.sent.at(-1)).toBe('subscribe new');
    // A read before the join could miss an epoch committed in between.
    expect(h.calls.filter((p) => p === '/api/runs/new/metrics')).toHaveLength(before);
    h.socket.pendingAcks.forEach((answer) => answer());
    await flush();
    expect(h.calls.filter((p) => p === '/api/runs/new/metrics')).toHaveLength(before + 1);
    h.dispose();
  });
});

describe('errors', () => {
  test('shows the server’s message for a failed run request', async () => {
    const h = harness(twoRuns(), 'gone');
    await flush();
    expect(h.client.state.runError).toBe('No route /api/runs/gone in the test.');
    expect(h.client.state.runLoading).toBe(false);
    h.dispose();
  });

  test('a failed run list is reported, and no run is chosen', async () => {
    const h = harness({});
    await flush();
    expect(h.client.state.runsLoaded).toBe(true);
    expect(h.client.state.runsError).toBe('No route /api/runs in the test.');
    expect(h.client.activeRunId()).toBeNull();
    h.dispose();
  });
});

describe('confusion', () => {
  const confusionPath = '/api/runs/new/epochs/target/2/confusion';
  const body = { runId: 'new', rows: [] } as unknown as ConfusionResponse;

  test('caches answers per run, phase and epoch', async () => {
    const h = harness(twoRuns({ [confusionPath]: () => body }));
    await flush();
    await expect(h.client.confusion('new', { phase: 'target', epoch: 2 })).resolves.toBe(body);
    await expect(h.client.confusion('new', { phase: 'target', epoch: 2 })).resolves.toBe(body);
    expect(h.calls.filter((p) => p === confusionPath)).toHaveLength(1);
    h.dispose();
  });

  test('does not cache failures', async () => {
    let fail = true;
    const h = harness(
      twoRuns({
        [confusionPath]: () => {
          if (fail) {
            throw new ApiRequestError('EPOCH_NOT_FOUND', 404, 'not yet');
          }
          return body;
        },
      }),
    );
    await flush();
    await expect(h.client.confusion('new', { phase: 'target', epoch: 2 })).rejects.toThrow('not yet');
    fail = false;
    await expect(h.client.confusion('new', { phase: 'target', epoch: 2 })).resolves.toBe(body);
    h.dispose();
  });
});

test('extra points are asked for by set and ascending classes, and cached per checkpoint, set and classes', async () => {
  const path = '/api/runs/new/epochs/target/2/projection/extra?set=target-train&classes=0,3';
  const body = { runId: 'new', count: 0 } as unknown as ExtraPointsResponse;
  const h = harness(twoRuns({ [path]: () => body }));
  await flush();
  await expect(h.client.extraPoints('new', { phase: 'target', epoch: 2 }, 'target-train', [3, 0])).resolves.toBe(body);
  await expect(h.client.extraPoints('new', { phase: 'target', epoch: 2 }, 'target-train', [0, 3])).resolves.toBe(body);
  expect(h.calls.filter((p) => p === path)).toHaveLength(1);
  h.dispose();
});

test("any run's metadata, for compare mode's sides, is fetched once per run", async () => {
  const h = harness(twoRuns(), 'new');
  await flush();
  const before = h.calls.filter((p) => p === '/api/runs/old').length;
  const [first, second] = await Promise.all([h.client.runMeta('old'), h.client.runMeta('old')]);
  expect(first).toBe(second);
  expect(first.id).toBe('old');
  expect(h.calls.filter((p) => p === '/api/runs/old')).toHaveLength(before + 1);
  await expect(h.client.runMeta('gone')).rejects.toThrow('No route /api/runs/gone');
  h.dispose();
});

test('disposing the owner removes the socket listeners and leaves the room', async () => {
  const h = harness(twoRuns());
  await flush();
  expect(h.socket.listenerCount()).toBe(6);
  h.dispose();
  expect(h.socket.listenerCount()).toBe(0);
  expect(h.socket.sent.at(-1)).toBe('unsubscribe new');
});

describe('background analysis', () => {
  test("keeps the shown run's latest analysis report and ignores other runs", async () => {
    const h = harness(twoRuns());
    await flush();
    const at = { phase: 'target' as const, epoch: 2, step: 4 };
    h.socket.serve('analysis', { runId: 'new', at, status: 'running' });
    h.socket.serve('analysis', { runId: 'old', at, status: 'failed', message: 'other run' });
    expect(h.client.state.analysis).toMatchObject({ runId: 'new', status: 'running' });
    h.socket.serve('analysis', { runId: 'new', at, status: 'done' });
    expect(h.client.state.analysis?.status).toBe('done');
    h.request('old');
    await flush();
    expect(h.client.state.analysis).toBeNull();
    h.dispose();
    expect(h.socket.listenerCount()).toBe(0);
  });
});
