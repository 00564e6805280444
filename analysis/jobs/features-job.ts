// The `features` analysis stage (paper §5.4, Algorithm 1): Layer Conductance of a checkpoint's model on
// source- and target-validation instances of every class, then the domain classifier per class.
import type { FeaturesAnalysis } from '../../core/features-protocol.ts';
import type { AnalysisKey } from '../../core/analysis-protocol.ts';
import { analysisKey } from '../../core/analysis-keys.ts';
import type { LayerName } from '../../core/protocol.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { importantNeurons } from '../important-neurons.ts';
import { domainFeatures } from '../domain-features.ts';
import type { AnalysisContext, ModelInputs } from './analysis-context.ts';
import { layerConductance, type ConductanceResult } from '../attribution/layer-conductance.ts';
import { architectureLayers, checkpointModel } from './checkpoint-model.ts';
import type { StoredConductance } from '../../store/schema/tables.ts';
import { firstPerClass } from './first-per-class.ts';
import { analysisSettings, stepsKey } from '../../core/analysis-settings.ts';
import { checkedConductance } from '../attribution/checked-conductance.ts';
import type { StepSchedule } from '../../core/network-protocol.ts';

export interface FeaturesOptions {
  /**
   * Conductance integration steps (default: the key's settings, 4 live). 4, not the network stage's 8: the cost is one
   * forward and backward pass per path point, and on a trained AlexNet-32 the SVM's cross-validated accuracy and top
   * neurons barely move between 4 and 32 steps (docs/decisions.md). Both domains use the same steps, so integration
   * error cannot masquerade as a domain difference.
   */
  steps?: number;
  /** At most this many instances per class and domain, the first ones in split order (default: the key's settings). */
  maxPerClass?: number;
  /** SVM C (default 100, as the paper's code). */
  C?: number;
  /** Reach `steps` through a completeness check (default: the key's settings' unless `steps` is named). */
  check?: { steps: number; tolerance: number } | null;
}

/** Important neurons of one class per layer, as the network abstraction of the same checkpoint has them. */
type ImportantByLayer = Map<LayerName, number[]>;

/**
 * Computes the features analysis of the checkpoint of `key` (which has no reference: one model) at the key's
 * settings; at the paper's, it ranks the important neurons of the network abstraction refined to them.
 */
export async function computeFeatures(context: AnalysisContext, key: AnalysisKey, options: FeaturesOptions = {}): Promise<FeaturesAnalysis> {
  const started = performance.now();
  const { paperMaxPerClass } = await context.run();
  const settings = analysisSettings(key.settings ?? 'live', paperMaxPerClass);
  const steps = options.steps ?? settings.featuresSteps;
  const maxPerClass = options.maxPerClass ?? settings.maxPerClass;
  const C = options.C ?? 100;
  const check = options.check !== undefined ? options.check : options.steps === undefined ? settings.check : null;
  if (!Number.isInteger(maxPerClass) || maxPerClass < 1 || !Number.isInteger(steps) || steps < 1) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `computeFeatures needs integer steps >= 1 and maxPerClass >= 1 (got steps ${steps}, maxPerClass ${maxPerClass}).`,
    );
  }
  const { store } = context;
  const [{ meta, architecture }, source, target, weights, stored] = await Promise.all([
    context.run(),
    context.inputs('source-validation'),
    context.inputs('target-validation'),
    store.getWeights({ runId: key.runId, phase: key.phase, epoch: key.epoch }),
    storedImportantNeurons(context, key),
  ]);
  const classCount = meta.classNames.length;
  const sourceByClass = firstPerClass(source.labels, classCount, maxPerClass, source.withoutPixels);
  const targetByClass = firstPerClass(target.labels, classCount, maxPerClass, target.withoutPixels);
  const sourceRows = sourceByClass.flat();
  const targetRows = targetByClass.flat();
  // The network stage attributed this model on these same target instances to their own class; at equal steps
  // (the paper's settings: 50 in both) its stored conductances are these numbers, so only the source is computed.
  const networkSetting = `network:steps=${stepsKey(steps, check)}:perClass=${maxPerClass}:n=${targetRows.length}`;
  const storedTarget =
    sourceRows.length > 0 ? await store.getConductances({ runId: key.runId, phase: key.phase, epoch: key.epoch, setting: networkSetting }) : null;
  // Source and target instances go through one conductance call otherwise: same model, same path points.
  const attributed = storedTarget ? [] : targetRows;
  const images = new Float32Array((sourceRows.length + attributed.length) * pixelsOf(source));
  gather(source, sourceRows, images, 0);
  gather(target, attributed, images, sourceRows.length);
  const classes = Int32Array.from([...sourceRows.map((i) => source.labels[i]!), ...attributed.map((i) => target.labels[i]!)]);
  const { layers } = architectureLayers(architecture);
  const model = await checkpointModel(architecture, classCount, weights);
  let computed: Pick<ConductanceResult, 'count' | 'layers'>;
  let schedule: StepSchedule | undefined;
  try {
    if (check) {
      const checked = await checkedConductance(model, images, { steps, checkSteps: check.steps, tolerance: check.tolerance, targets: classes, layers });
      ({ schedule } = checked);
      computed = checked;
    } else {
      computed = await layerConductance(model, images, { steps, targets: classes, layers });
    }
  } finally {
    model.dispose();
  }
  const conductance = storedTarget ? withTargetRows(computed, storedTarget) : computed;
  const byName = new Map(conductance.layers.map((layer) => [layer.layer, layer]));

  let sourceOffset = 0;
  let targetOffset = sourceRows.length;
  const results = sourceByClass.map((sourceInstances, classIndex) => {
    const targetInstances = targetByClass[classIndex]!;
    const sRows = sourceInstances.map((_, j) => sourceOffset + j);
    const tRows = targetInstances.map((_, j) => targetOffset + j);
    sourceOffset += sourceInstances.length;
    targetOffset += targetInstances.length;
    const neurons = layers.flatMap((layer) => {
      const values = byName.get(layer)!;
      const important =
        stored?.[classIndex]?.get(layer) ??
        Array.from(importantNeurons({ values: values.values, instances: conductance.count, neurons: values.neurons }, { rows: tRows }).indices);
      return important.map((neuron) => ({ layer, neuron, values }));
    });
    const matrix = (rows: number[]) => {
      const out = new Float32Array(rows.length * neurons.length);
      rows.forEach((r, j) =>
        neurons.forEach(({ values, neuron }, k) => {
          out[j * neurons.length + k] = values.values[r * values.neurons + neuron]!;
        }),
      );
      return out;
    };
    return domainFeatures({
      classIndex,
      neurons: neurons.map(({ layer, neuron }) => ({ layer, neuron })),
      source: matrix(sRows),
      target: matrix(tRows),
      sourceInstances,
      targetInstances,
      C,
    });
  });
  return { steps, maxPerClass, ...(schedule ? { schedule } : {}), C, seconds: Number(((performance.now() - started) / 1000).toFixed(2)), classes: results };
}

/**
 * The important neurons of the network abstraction stored for the same checkpoint (`transferscope analyze`
 * runs the network stage first), so both views name the same neurons; null where there is none (the first
 * source checkpoint), and the stage then ranks the target instances' conductances itself, the same way.
 */
async function storedImportantNeurons(context: AnalysisContext, key: AnalysisKey): Promise<ImportantByLayer[] | null> {
  const epochs = await context.store.listEpochs(key.runId);
  const at = epochs.find((e) => e.phase === key.phase && e.epoch === key.epoch);
  const networkKey = at ? analysisKey('network', key.runId, epochs, at, null, key.settings ?? 'live') : null;
  const network = networkKey ? await context.store.getAnalysis('network', networkKey) : null;
  return network?.classes.map((c) => new Map(c.layers.map((layer) => [layer.layer, layer.importantNeurons]))) ?? null;
}

/** `computed`'s source rows followed by the stored target rows, layer by layer (the stage reads only values and neurons). */
function withTargetRows(computed: Pick<ConductanceResult, 'count' | 'layers'>, target: StoredConductance[]): Pick<ConductanceResult, 'count' | 'layers'> {
  const targetCount = target[0] ? target[0].values.length / target[0].neurons : 0;
  return {
    count: computed.count + targetCount,
    layers: computed.layers.map((layer) => {
      const stored = target.find((t) => t.layer === layer.layer);
      if (!stored || stored.neurons !== layer.neurons) {
        throw new TransferscopeError(
          'INTERNAL',
          `computeFeatures: the stored conductances of ${layer.layer} are missing or do not fit it. Delete the run's stored conductances and analyse again.`,
        );
      }
      const values = new Float32Array(layer.values.length + stored.values.length);
      values.set(layer.values);
      values.set(stored.values, layer.values.length);
      return { ...layer, values };
    }),
  };
}

function pixelsOf(inputs: ModelInputs): number {
  return inputs.height * inputs.width * 3;
}

function gather(inputs: ModelInputs, rows: number[], out: Float32Array, firstRow: number): void {
  const pixels = pixelsOf(inputs);
  rows.forEach((r, j) => out.set(inputs.pixels.subarray(r * pixels, (r + 1) * pixels), (firstRow + j) * pixels));
}
