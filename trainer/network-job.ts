// The `network` analysis stage: the network abstraction (paper §5.3) of a stored checkpoint against its
// reference source checkpoint. Runs tensor work, so it belongs in a process other than the HTTP server's.
import type { NetworkAbstraction, NetworkKey } from '../monitor/network-protocol.ts';
import type { AnalysisContext } from './analysis-context.ts';
import { networkAbstraction, type NetworkAbstractionOptions } from './network-abstraction.ts';

/** Loads both checkpoints of `key` and the run's target-validation instances, then abstracts. */
export async function computeNetwork(context: AnalysisContext, key: NetworkKey, options: NetworkAbstractionOptions = {}): Promise<NetworkAbstraction> {
  const { store } = context;
  const [{ meta, config }, instances, sourceWeights, targetWeights] = await Promise.all([
    context.run(),
    context.inputs('target-validation'),
    store.getWeights({ runId: key.runId, phase: key.referencePhase, epoch: key.referenceEpoch }),
    store.getWeights({ runId: key.runId, phase: key.phase, epoch: key.epoch }),
  ]);
  return networkAbstraction(
    { sourceWeights, targetWeights, images: instances.pixels, labels: instances.labels, classCount: meta.classNames.length },
    { ...options, variant: config.model },
  );
}
