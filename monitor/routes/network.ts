// GET /:id/epochs/:phase/:epoch/network — the network abstraction of a checkpoint (paper §5.3), computed
// on first request and served from the `network` table ever after. Mounted under /api/runs.
import { Hono } from 'hono';
import type { EpochRecord } from '../protocol.ts';
import type { NetworkAbstraction, NetworkKey, NetworkResponse } from '../network-protocol.ts';
import type { Store } from '../store/store.ts';
import type { NetworkResultStore } from '../store/network-store.ts';
import { TransferscopeError } from '../errors.ts';
import { parseEpochParams } from './runs.ts';

/** Computes the abstraction of `key` (loads both checkpoints and the instances itself). */
export type ComputeNetwork = (key: NetworkKey) => Promise<NetworkAbstraction>;

/**
 * The source checkpoint a checkpoint is compared against: the final source checkpoint once fine-tuning
 * has started (the model the target was copied from), the previous source checkpoint during the source phase.
 */
export function referenceCheckpoint(epochs: EpochRecord[], at: EpochRecord): EpochRecord | null {
  const sources = epochs.filter((e) => e.phase === 'source' && e.checkpoint);
  return (at.phase === 'target' ? sources : sources.filter((e) => e.step < at.step)).at(-1) ?? null;
}

export function networkRoutes(store: Store, results: NetworkResultStore, compute: ComputeNetwork): Hono {
  const app = new Hono();
  // Concurrent requests for the same key share one computation instead of racing to store it.
  const inFlight = new Map<string, Promise<NetworkAbstraction>>();

  const resolve = async (key: NetworkKey): Promise<NetworkAbstraction> => {
    const stored = await results.get(key);
    if (stored) {
      return stored;
    }
    const id = JSON.stringify(key);
    let pending = inFlight.get(id);
    if (!pending) {
      pending = (async () => {
        const result = await compute(key);
        // A compute that runs in another process (the monitor's) stores the result itself.
        if (!(await results.get(key))) {
          await results.put(key, result);
        }
        return result;
      })().finally(() => inFlight.delete(id));
      inFlight.set(id, pending);
    }
    return pending;
  };

  app.get('/:id/epochs/:phase/:epoch/network', async (c) => {
    const runId = c.req.param('id');
    const { phase, epoch } = parseEpochParams(c.req.param('phase'), c.req.param('epoch'));
    const at = await store.getEpoch({ runId, phase, epoch });
    if (!at.checkpoint) {
      throw new TransferscopeError('EPOCH_NOT_FOUND', `Epoch ${epoch} of phase '${phase}' in run '${runId}' is not a checkpoint, so it has no weights to abstract. Pick an epoch with checkpoint=true (GET /api/runs/${runId}/metrics).`);
    }
    const reference = referenceCheckpoint(await store.listEpochs(runId), at);
    if (!reference) {
      throw new TransferscopeError('EPOCH_NOT_FOUND', `Epoch ${epoch} of phase '${phase}' in run '${runId}' has no earlier source checkpoint to compare with; pick a later checkpoint.`);
    }
    const key: NetworkKey = { runId, phase, epoch, referencePhase: reference.phase, referenceEpoch: reference.epoch };
    const body: NetworkResponse = { key, abstraction: await resolve(key) };
    return c.json(body);
  });

  return app;
}
