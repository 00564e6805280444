// `transferscope analyze`: computes and stores the network abstraction of a run's checkpoints (each
// against its reference source checkpoint), skipping what is already stored. The monitor runs it as a
// child process, so the tensor work never blocks the API.
import type { NetworkKey } from '../monitor/network-protocol.ts';
import { Store } from '../monitor/store/store.ts';
import { NetworkResultStore } from '../monitor/store/network-store.ts';
import { parseEpochParams } from '../monitor/routes/runs.ts';
import { referenceCheckpoint } from '../monitor/routes/network.ts';
import { TransferscopeError } from '../monitor/errors.ts';
import { selectBackend, type BackendChoice } from './backend.ts';
import { makeNetworkCompute } from './network-job.ts';

export interface AnalyzeOptions {
  db: string;
  runId: string;
  backend?: BackendChoice;
  /** One checkpoint (strings as given on the command line); all of the run's checkpoints when omitted. */
  only?: { phase: string; epoch: string };
  log?: (line: string) => void;
}

export async function analyzeCheckpoints(options: AnalyzeOptions): Promise<{ computed: number; stored: number }> {
  const log = options.log ?? (() => {});
  const store = await Store.open(options.db);
  const results = await NetworkResultStore.open(options.db);
  try {
    const epochs = await store.listEpochs(options.runId);
    let targets = epochs.filter((e) => e.checkpoint);
    if (options.only) {
      const { phase, epoch } = parseEpochParams(options.only.phase, options.only.epoch);
      const at = await store.getEpoch({ runId: options.runId, phase, epoch });
      if (!at.checkpoint) {
        throw new TransferscopeError('EPOCH_NOT_FOUND', `Epoch ${epoch} of phase '${phase}' in run '${options.runId}' is not a checkpoint; pick one with checkpoint=true.`);
      }
      targets = [at];
    }
    const keys: NetworkKey[] = targets.flatMap((at) => {
      const ref = referenceCheckpoint(epochs, at);
      return ref ? [{ runId: options.runId, phase: at.phase, epoch: at.epoch, referencePhase: ref.phase, referenceEpoch: ref.epoch }] : [];
    });
    let computed = 0;
    let stored = 0;
    let compute: ReturnType<typeof makeNetworkCompute> | null = null;
    for (const [i, key] of keys.entries()) {
      if (await results.get(key)) {
        stored++;
        continue;
      }
      if (!compute) {
        log(`backend ${(await selectBackend(options.backend ?? 'auto')).name}`);
        compute = makeNetworkCompute(store);
      }
      const started = performance.now();
      log(`analysing ${key.phase} epoch ${key.epoch} against ${key.referencePhase} epoch ${key.referenceEpoch} (${i + 1}/${keys.length})…`);
      const result = await compute(key);
      if (!(await results.get(key))) {
        await results.put(key, result);
      }
      computed++;
      log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    return { computed, stored };
  } finally {
    results.close();
    store.close();
  }
}
