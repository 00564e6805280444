// The `network` analysis stage: the network abstraction (paper §5.3) of a stored checkpoint against its
// reference source checkpoint. Runs tensor work, so it belongs in a process other than the HTTP server's.
import type { NetworkAbstraction, NetworkKey } from '../../core/network-protocol.ts';
import type { AnalysisContext } from './analysis-context.ts';
import type { ConductanceKey } from '../../store/schema/tables.ts';
import { architectureLayers, checkpointModel } from './checkpoint-model.ts';
import { networkAbstraction, type NetworkAbstractionOptions } from './network-abstraction.ts';
import { analysisSettings, stepsKey } from '../../core/analysis-settings.ts';

/**
 * Loads both checkpoints of `key` and the run's target-validation instances, then abstracts. Each model's
 * conductances are read from the store when an earlier abstraction computed them, and stored when computed:
 * the final source model is the reference of every target checkpoint, and each source checkpoint is first
 * the viewed model and then the next one's reference, so each checkpoint is attributed once (half the stage).
 * Steps and instances per class are the key's settings' unless `options` names them.
 */
export async function computeNetwork(context: AnalysisContext, key: NetworkKey, options: NetworkAbstractionOptions = {}): Promise<NetworkAbstraction> {
  const { store } = context;
  const reference = { runId: key.runId, phase: key.referencePhase, epoch: key.referenceEpoch };
  const viewed = { runId: key.runId, phase: key.phase, epoch: key.epoch };
  const [{ meta, architecture, paperMaxPerClass }, instances, sourceWeights, targetWeights] = await Promise.all([
    context.run(),
    context.inputs('target-validation'),
    store.getWeights(reference),
    store.getWeights(viewed),
  ]);
  const settings = analysisSettings(key.settings ?? 'live', paperMaxPerClass);
  const steps = options.steps ?? settings.networkSteps;
  const maxPerClass = options.maxPerClass ?? settings.maxPerClass;
  // A caller naming its own steps gets them plain unless it names a check too.
  const check = options.check !== undefined ? options.check : options.steps === undefined ? settings.check : null;
  return networkAbstraction(
    {
      sourceWeights,
      targetWeights,
      images: instances.pixels,
      labels: instances.labels,
      classCount: meta.classNames.length,
      withoutPixels: instances.withoutPixels,
    },
    {
      ...options,
      steps,
      maxPerClass,
      layers: architectureLayers(architecture),
      check,
      ...(typeof architecture === 'string'
        ? { variant: architecture }
        : { build: (weights) => checkpointModel(architecture, meta.classNames.length, weights) }),
      conductances: async (side, count, compute) => {
        const at: ConductanceKey = {
          ...(side === 'source' ? reference : viewed),
          setting: `network:steps=${stepsKey(steps, check)}:perClass=${maxPerClass}:n=${count}`,
        };
        const stored = await store.getConductances(at);
        if (stored) {
          return stored;
        }
        const computed = await compute();
        await store.putConductances(at, computed);
        return computed;
      },
    },
  );
}
