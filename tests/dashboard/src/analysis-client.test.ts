import { expect, test } from 'vitest';
import { createRoot } from 'solid-js';
import type { NetworkResponse } from '../../../core/analysis-protocol.ts';
import { ApiRequestError } from '../../../dashboard/src/api.ts';
import { createDataClient } from '../../../dashboard/src/data-client.ts';
import type { LiveSocket } from '../../../dashboard/src/socket.ts';

const socket = { connected: false, on: () => socket, off: () => socket, emit: () => socket } as unknown as LiveSocket;
const path = '/api/runs/r%201/epochs/target/3/network';
const body = { key: { runId: 'r 1' } } as unknown as NetworkResponse;

test('analyses are fetched per kind and checkpoint, cached, and failures retried', async () => {
  const calls: string[] = [];
  let fail = true;
  const fetchJson = async (p: string): Promise<unknown> => {
    calls.push(p);
    if (p === '/api/runs') {
      return [];
    }
    if (fail) {
      throw new ApiRequestError('EPOCH_NOT_FOUND', 404, 'not a checkpoint');
    }
    return body;
  };
  await createRoot(async (dispose) => {
    const client = createDataClient({ requestedRun: () => null, socket, fetchJson });
    await expect(client.analysis('network', 'r 1', { phase: 'target', epoch: 3 })).rejects.toThrow('not a checkpoint');
    fail = false;
    await expect(client.analysis('network', 'r 1', { phase: 'target', epoch: 3 })).resolves.toBe(body);
    await expect(client.analysis('network', 'r 1', { phase: 'target', epoch: 3 })).resolves.toBe(body);
    expect(calls.filter((p) => p === path)).toHaveLength(2);
    dispose();
  });
});

test('two views asking for one analysis share a request, aborted only when both gave up, then asked afresh', async () => {
  const requests: { path: string; signal: AbortSignal | undefined }[] = [];
  const fetchJson = (p: string, signal?: AbortSignal): Promise<unknown> => {
    if (p === '/api/runs') {
      return Promise.resolve([]);
    }
    requests.push({ path: p, signal });
    return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
  };
  await createRoot(async (dispose) => {
    const client = createDataClient({ requestedRun: () => null, socket, fetchJson });
    const network = new AbortController();
    const compare = new AbortController();
    const first = client.analysis('network', 'r 1', { phase: 'target', epoch: 3 }, network.signal);
    const second = client.analysis('network', 'r 1', { phase: 'target', epoch: 3 }, compare.signal);
    expect(requests.filter((r) => r.path === path)).toHaveLength(1);
    network.abort(new DOMException('scrubbed on', 'AbortError'));
    await expect(first).rejects.toThrow('scrubbed on');
    expect(requests[0]!.signal!.aborted).toBe(false);
    compare.abort(new DOMException('closed', 'AbortError'));
    await expect(second).rejects.toThrow('closed');
    expect(requests[0]!.signal!.aborted).toBe(true);
    void client.analysis('network', 'r 1', { phase: 'target', epoch: 3 }).catch(() => undefined);
    expect(requests.filter((r) => r.path === path)).toHaveLength(2);
    dispose();
  });
});
