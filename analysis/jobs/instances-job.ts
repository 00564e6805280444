// The `instances` analysis stage (paper §5.2): the target model's activations right before the dense layers
// for both domains' validation instances, laid out by t-SNE warm-started from the previous checkpoint's layout
// (DeepVisualInsight's time travel), so points move on screen only as much as the representation moved.
import type { AnalysisKey } from '../../core/analysis-protocol.ts';
import type { InstanceProjection } from '../../core/instances-protocol.ts';
import type { EpochRecord, EpochRef } from '../../core/protocol.ts';
import { computeAfterPredecessors } from './checkpoint-chain.ts';
import { projectCheckpoint } from '../checkpoint-projection.ts';
import type { AnalysisContext } from './analysis-context.ts';
import { checkpointActivations, selectInstances, type InstanceSelection } from './instance-activations.ts';

export interface InstancesOptions {
  /** Most instances laid out in all (split evenly over classes and domains); default 5,000. */
  maxInstances?: number;
  /** Default 40, learning rate 100: the paper's code's t-SNE settings. */
  perplexity?: number;
  learningRate?: number;
  /** Principal coordinates the affinities are computed in; default 50. */
  principalDimensions?: number;
}

/** The product's "5,000 points in seconds": more would make every checkpoint's stage slow. */
const MAX_INSTANCES = 5000;
const K = 15;
const round = (v: number): number => Number(v.toPrecision(4));

/** Computes the layout of the checkpoint of `key`, and first those of earlier checkpoints that lack theirs. */
export async function computeInstances(context: AnalysisContext, key: AnalysisKey, options: InstancesOptions = {}): Promise<InstanceProjection> {
  return computeAfterPredecessors(context, 'instances', key, (at, previous) =>
    layoutCheckpoint(context, at, previous === null ? null : { layout: previous.result, at: previous.at }, options),
  );
}

const ref = (e: EpochRecord): EpochRef => ({ phase: e.phase, epoch: e.epoch, step: e.step });

/** One checkpoint's layout, warm-started from `previous` when it laid out the same instances. */
async function layoutCheckpoint(
  context: AnalysisContext,
  key: AnalysisKey,
  previous: { layout: InstanceProjection; at: EpochRecord } | null,
  options: InstancesOptions,
): Promise<InstanceProjection> {
  const started = performance.now();
  const { meta } = await context.run();
  const [source, target] = await Promise.all([context.inputs('source-validation'), context.inputs('target-validation')]);
  const classCount = meta.classNames.length;
  const perClassCap = Math.max(1, Math.floor((options.maxInstances ?? MAX_INSTANCES) / (2 * classCount)));
  const selection = selectInstances([source, target], perClassCap);
  const [activations, predictions] = await Promise.all([
    checkpointActivations(context, key, selection),
    context.store.getPredictions({ runId: key.runId, phase: key.phase, epoch: key.epoch }),
  ]);
  const init = previous && sameInstances(previous.layout, selection) ? interleave(previous.layout.x, previous.layout.y) : null;
  const perplexity = options.perplexity ?? 40;
  const learningRate = options.learningRate ?? 100;
  const layoutStarted = performance.now();
  const projection = projectCheckpoint(activations.values, activations.dimensions, init, {
    perplexity,
    learningRate,
    k: K,
    principalDimensions: options.principalDimensions ?? 50,
  });
  const layoutSeconds = (performance.now() - layoutStarted) / 1000;
  const splits = [predictions.get('source-validation'), predictions.get('target-validation')];
  return {
    count: selection.index.length,
    domain: Array.from(selection.domain),
    index: Array.from(selection.index),
    label: Array.from(selection.label),
    predicted: Array.from(selection.index, (i, r) => splits[selection.domain[r]!]?.[i] ?? -1),
    x: Array.from({ length: selection.index.length }, (_, r) => round(projection.layout[2 * r]!)),
    y: Array.from({ length: selection.index.length }, (_, r) => round(projection.layout[2 * r + 1]!)),
    layer: activations.layer,
    activationDimensions: activations.dimensions,
    principalDimensions: projection.dimensions,
    capturedVariance: round(projection.capturedVariance),
    perClassCap,
    perplexity,
    learningRate,
    k: K,
    neighbourPreservation: round(projection.neighbourPreservation),
    meanDisplacement: projection.meanDisplacement === null ? null : round(projection.meanDisplacement),
    previousCheckpoint: previous ? ref(previous.at) : null,
    warmStartedFrom: init && previous ? ref(previous.at) : null,
    seconds: round((performance.now() - started) / 1000),
    layoutSeconds: round(layoutSeconds),
  };
}

function sameInstances(layout: InstanceProjection, selection: InstanceSelection): boolean {
  return layout.count === selection.index.length && layout.index.every((v, r) => v === selection.index[r] && layout.domain[r] === selection.domain[r]);
}

function interleave(x: readonly number[], y: readonly number[]): Float32Array {
  const out = new Float32Array(2 * x.length);
  x.forEach((v, r) => {
    out[2 * r] = v;
    out[2 * r + 1] = y[r]!;
  });
  return out;
}
