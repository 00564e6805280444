// Computes the network abstraction of a stored checkpoint: the `compute` that monitor/routes/network.ts
// takes. Runs tensor work, so it belongs in a process other than the HTTP server's (see CONTEXT.md).
import type { NetworkAbstraction, NetworkKey } from '../monitor/network-protocol.ts';
import type { Store } from '../monitor/store/store.ts';
import { TransferscopeError } from '../monitor/errors.ts';
import { validateConfig } from './config.ts';
import { loadTrainingData } from './run-training.ts';
import { networkAbstraction, type NetworkAbstractionOptions } from './network-abstraction.ts';

/**
 * Loads both checkpoints of `key` and the run's target-validation images, then abstracts. The images are
 * regenerated from the run's stored config and seed (the store keeps only 8-bit copies); they are checked
 * against the stored labels, so a changed dataset fails loudly instead of abstracting the wrong instances.
 */
export function makeNetworkCompute(store: Store, options: NetworkAbstractionOptions = {}): (key: NetworkKey) => Promise<NetworkAbstraction> {
  const images = new Map<string, Float32Array>();
  return async (key) => {
    const run = await store.getRun(key.runId);
    const config = validateConfig(run.config, `run '${key.runId}'`);
    const [sourceWeights, targetWeights, labels] = await Promise.all([
      store.getWeights({ runId: key.runId, phase: key.referencePhase, epoch: key.referenceEpoch }),
      store.getWeights({ runId: key.runId, phase: key.phase, epoch: key.epoch }),
      store.getLabels(key.runId, 'target-validation'),
    ]);
    let pixels = images.get(key.runId);
    if (!pixels) {
      const validation = loadTrainingData(config).target.validation;
      if (validation.count !== labels.length || validation.labels.some((c, i) => c !== labels[i])) {
        throw new TransferscopeError('INTERNAL', `Run '${key.runId}': the regenerated target-validation set (${validation.count} instances) differs from the stored one (${labels.length}); the dataset code changed since the run was trained.`);
      }
      pixels = validation.images;
      images.set(key.runId, pixels);
    }
    return networkAbstraction({ sourceWeights, targetWeights, images: pixels, labels, classCount: run.classNames.length }, { ...options, variant: config.model });
  };
}
