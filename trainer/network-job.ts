// Computes the network abstraction of a stored checkpoint: the `compute` that monitor/routes/network.ts
// takes. Runs tensor work, so it belongs in a process other than the HTTP server's (see CONTEXT.md).
import type { NetworkAbstraction, NetworkKey } from '../monitor/network-protocol.ts';
import type { Store } from '../monitor/store/store.ts';
import { TransferscopeError } from '../monitor/errors.ts';
import { validateConfig } from './config.ts';
import { networkAbstraction, type NetworkAbstractionOptions } from './network-abstraction.ts';

/**
 * Loads both checkpoints of `key` and the run's stored target-validation instances, then abstracts.
 * The stored pixels are 8-bit, so inputs differ from the training ones by at most 1/510 per channel:
 * far below what moves a conductance ranking, and it works for any dataset a run was trained on.
 */
export function makeNetworkCompute(store: Store, options: NetworkAbstractionOptions = {}): (key: NetworkKey) => Promise<NetworkAbstraction> {
  const images = new Map<string, { pixels: Float32Array; labels: Int32Array }>();
  return async (key) => {
    const run = await store.getRun(key.runId);
    const config = validateConfig(run.config, `run '${key.runId}'`);
    const [sourceWeights, targetWeights] = await Promise.all([
      store.getWeights({ runId: key.runId, phase: key.referencePhase, epoch: key.referenceEpoch }),
      store.getWeights({ runId: key.runId, phase: key.phase, epoch: key.epoch }),
    ]);
    let instances = images.get(key.runId);
    if (!instances) {
      const stored = await store.getInstances(key.runId, 'target-validation');
      if (stored.labels.length === 0) {
        throw new TransferscopeError('EPOCH_NOT_FOUND', `Run '${key.runId}' has no stored target-validation instances to attribute.`);
      }
      instances = { pixels: Float32Array.from(stored.pixels, (v) => v / 255), labels: stored.labels };
      images.set(key.runId, instances);
    }
    return networkAbstraction(
      { sourceWeights, targetWeights, images: instances.pixels, labels: instances.labels, classCount: run.classNames.length },
      { ...options, variant: config.model },
    );
  };
}
