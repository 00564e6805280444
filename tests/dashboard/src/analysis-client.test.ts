import { expect, test } from 'vitest';
import { createRoot } from 'solid-js';
import type { NetworkResponse } from '../../../core/analysis-protocol.ts';
import { ApiRequestError } from '../../../dashboard/src/api.ts';
import { recordingClient } from '../../helpers/recording-data-client.ts';

const path = '/api/runs/r%201/epochs/target/3/network';
const body = { key: { runId: 'r 1' } } as unknown as NetworkResponse;

test('analyses are fetched per kind and checkpoint, cached, and failures retried', async () => {
  let fail = true;
  await createRoot(async (dispose) => {
    const { client, calls } = recordingClient((p) => {
      if (p === '/api/runs') {
        return [];
      }
      if (fail) {
        throw new ApiRequestError('EPOCH_NOT_FOUND', 404, 'not a checkpoint');
      }
      return body;
    });
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
  await createRoot(async (dispose) => {
    const { client } = recordingClient((p, signal) => {
      if (p === '/api/runs') {
        return [];
      }
      requests.push({ path: p, signal });
      return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    });
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
