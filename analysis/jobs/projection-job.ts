// The `projection` analysis stage (issue 14, DeepVisualInsight): the instance view's flatten-layer activations plus
// boundary points laid out by a parametric encoder, warm-started from the previous checkpoint's stored model, the
// boundary map decoded under it and classified by the checkpoint's own head, and DVI's quality figures.
import type { AnalysisKey } from '../../core/analysis-protocol.ts';
import type { ProjectionAnalysis } from '../../core/projection-protocol.ts';
import type { EpochRecord, EpochRef } from '../../core/protocol.ts';
import {
  boundaryNeighbourPreservation,
  boundaryPoints,
  decode,
  encode,
  fitVisualisationModel,
  neighbourPreservation,
  predictionPreservation,
  temporalChange,
  temporalCorrelation,
} from '../../lib/dvi/index.ts';
import type { AnalysisContext } from './analysis-context.ts';
import { computeAfterPredecessors } from './checkpoint-chain.ts';
import { checkpointClassifier } from './checkpoint-classifier.ts';
import { checkpointActivations, selectInstances, type InstanceSelection } from './instance-activations.ts';
import { checkpointModel, representationLayer } from './checkpoint-model.ts';
import { projectionMap } from './projection-map.ts';
import { readVisualisationModel, storeVisualisationModel } from './stored-visualisation-model.ts';

export interface ProjectionOptions {
  /** Most instances laid out in all (split evenly over classes and domains); default 1,500. */
  maxInstances?: number;
  /** Boundary map cells per side (default 200, at most 400). */
  resolution?: number;
  seed?: number;
  /** Adam steps a fit gets at least (default MIN_STEPS). */
  minSteps?: { cold: number; warm: number };
  /** Weight of the reconstruction term (default 1, lib/dvi's). */
  reconstructionWeight?: number;
  /** Weight of the prediction term (default lib/dvi's PREDICTION_WEIGHT). */
  predictionWeight?: number;
}

/** DVI's demo size: a warm-started fit of 1,500 instances takes ~5 CPU s, 5,000 take ~18 (docs/decisions.md). */
const MAX_INSTANCES = 1500;
const K = 15;
const TEMPORAL_WEIGHT = 0.3;
/** Adam steps a fit gets at least: lib/dvi's epoch counts assume ~1,500 rows; a smoke run has ~70, so 8 passes are ~16 steps. */
const MIN_STEPS = { cold: 200, warm: 80 };
const BATCH = 512;
const round = (v: number): number => Number(v.toPrecision(4));

/** Computes the projection of the checkpoint of `key`, and first those of earlier checkpoints that lack theirs. */
export async function computeProjection(context: AnalysisContext, key: AnalysisKey, options: ProjectionOptions = {}): Promise<ProjectionAnalysis> {
  return computeAfterPredecessors(context, 'projection', key, (at, previous) =>
    projectCheckpoint(context, at, previous?.result ?? null, previous?.at ?? null, options),
  );
}

const ref = (e: EpochRecord): EpochRef => ({ phase: e.phase, epoch: e.epoch, step: e.step });

/** One checkpoint's projection; `previous` is the stored projection of the checkpoint `previousAt`, when there is one. */
async function projectCheckpoint(
  context: AnalysisContext,
  key: AnalysisKey,
  previous: ProjectionAnalysis | null,
  previousAt: EpochRecord | null,
  options: ProjectionOptions,
): Promise<ProjectionAnalysis> {
  const started = performance.now();
  const seed = options.seed ?? 0;
  const { meta, architecture } = await context.run();
  const [source, target] = await Promise.all([context.inputs('source-validation'), context.inputs('target-validation')]);
  const classCount = meta.classNames.length;
  const perClassCap = Math.max(1, Math.floor((options.maxInstances ?? MAX_INSTANCES) / (2 * classCount)));
  const selection = selectInstances([source, target], perClassCap);
  const n = selection.index.length;
  const [activations, predictions, weights] = await Promise.all([
    checkpointActivations(context, key, selection),
    context.store.getPredictions({ runId: key.runId, phase: key.phase, epoch: key.epoch }),
    context.store.getWeights({ runId: key.runId, phase: key.phase, epoch: key.epoch }),
  ]);
  const { values, dimensions: d } = activations;
  const model = await checkpointModel(architecture, classCount, weights);
  try {
    const classifier = checkpointClassifier(model, representationLayer(architecture));
    const images = selectedImages([source, target], selection, classifier.imageSize);
    const requested = Math.max(1, Math.ceil(n / 10));
    const found = await boundaryPoints(images, classifier.imageSize, classifier.classifyImages, { count: requested, seed });
    const boundaryRows = await classifier.representImages(found.inputs, found.count);
    const previousModel = previous && previous.model.dimensions === d ? readVisualisationModel(previous.model) : undefined;
    const totalRows = n + found.count;
    const fitStarted = performance.now();
    const fit = await fitVisualisationModel(values, d, {
      ...(previousModel ? { previous: previousModel } : {}),
      boundary: boundaryRows,
      seed,
      temporalWeight: TEMPORAL_WEIGHT,
      epochs: epochsFor(totalRows, previousModel !== undefined, options.minSteps ?? MIN_STEPS),
      batchSize: BATCH,
      classifier: classifier.headLogits,
      ...(options.predictionWeight === undefined ? {} : { predictionWeight: options.predictionWeight }),
      ...(options.reconstructionWeight === undefined ? {} : { reconstructionWeight: options.reconstructionWeight }),
    });
    const fitSeconds = (performance.now() - fitStarted) / 1000;
    const allLayout = new Float32Array(2 * totalRows);
    allLayout.set(fit.layout);
    allLayout.set(fit.boundaryLayout, 2 * n);
    const map = await projectionMap(allLayout, fit.model, classifier.classifyRepresentations, classCount, options.resolution ?? 200);
    const lastLosses = fit.losses.at(-1)!;
    const splits = [predictions.get('source-validation'), predictions.get('target-validation')];
    return {
      count: n,
      domain: Array.from(selection.domain),
      index: Array.from(selection.index),
      label: Array.from(selection.label),
      predicted: Array.from(selection.index, (i, r) => splits[selection.domain[r]!]?.[i] ?? -1),
      x: Array.from({ length: n }, (_, r) => round(fit.layout[2 * r]!)),
      y: Array.from({ length: n }, (_, r) => round(fit.layout[2 * r + 1]!)),
      boundary: {
        count: found.count,
        x: Array.from({ length: found.count }, (_, p) => round(fit.boundaryLayout[2 * p]!)),
        y: Array.from({ length: found.count }, (_, p) => round(fit.boundaryLayout[2 * p + 1]!)),
        classA: Array.from({ length: found.count }, (_, p) => found.classes[2 * p]!),
        classB: Array.from({ length: found.count }, (_, p) => found.classes[2 * p + 1]!),
        gap: Array.from(found.gaps, round),
      },
      map: map.view,
      metrics: {
        k: K,
        neighbourPreservation: round(neighbourPreservation(values, d, fit.layout, K)),
        boundaryNeighbourPreservation:
          found.count > 0 ? round(boundaryNeighbourPreservation(values, d, fit.layout, boundaryRows, fit.boundaryLayout, K)) : null,
        predictionPreservation: round(
          await predictionPreservation(values, d, async (rows) => decode(fit.model, await encode(fit.model, rows)), classifier.classifyRepresentations),
        ),
        temporalCorrelation: await temporalFigure(context, key, previous, previousAt, selection, values, d, fit.layout),
      },
      settings: {
        layer: activations.layer,
        dimensions: d,
        hidden: [...fit.model.hidden],
        epochs: fit.losses.length,
        // lib/dvi anchors to any previous model, warm-started or not (a change of widths leaves only the anchor).
        temporalWeight: previousModel ? TEMPORAL_WEIGHT : 0,
        warmStartedFrom: fit.warmStarted && previousAt ? ref(previousAt) : null,
        previousCheckpoint: previousAt ? ref(previousAt) : null,
        finalLosses: {
          total: round(lastLosses.total),
          umap: round(lastLosses.umap),
          reconstruction: round(lastLosses.reconstruction),
          temporal: round(lastLosses.temporal),
          prediction: round(lastLosses.prediction),
        },
        perClassCap,
        boundaryRequested: requested,
        resolution: map.view.resolution,
        seed,
      },
      seconds: round((performance.now() - started) / 1000),
      fitSeconds: round(fitSeconds),
      model: storeVisualisationModel(fit.model),
      mapPng: map.png.toString('base64'),
    };
  } finally {
    model.dispose();
  }
}

/** Passes over the edges: lib/dvi's defaults, or more on small data so the fit gets MIN_STEPS Adam steps. */
function epochsFor(rows: number, warm: boolean, minSteps: { cold: number; warm: number }): number | undefined {
  // The fuzzy graph has about rows x K edges and the sampling keeps about half of them per epoch (measured).
  const batchesPerEpoch = Math.max(1, Math.ceil((rows * K) / 2 / BATCH));
  const needed = Math.ceil((warm ? minSteps.warm : minSteps.cold) / batchesPerEpoch);
  const defaults = warm ? 3 : 8;
  return needed > defaults ? needed : undefined;
}

/** The selected instances' pixels, in selection order. */
function selectedImages(splits: readonly { pixels: Float32Array }[], selection: InstanceSelection, size: number): Float32Array {
  const images = new Float32Array(selection.index.length * size);
  selection.index.forEach((i, r) => {
    images.set(splits[selection.domain[r]!]!.pixels.subarray(i * size, (i + 1) * size), r * size);
  });
  return images;
}

/** DVI's temporal correlation against the previous checkpoint's stored layout; null without one of the same instances. */
async function temporalFigure(
  context: AnalysisContext,
  key: AnalysisKey,
  previous: ProjectionAnalysis | null,
  previousAt: EpochRecord | null,
  selection: InstanceSelection,
  values: Float32Array,
  d: number,
  layout: Float32Array,
): Promise<number | null> {
  const same =
    previous !== null &&
    previous.count === selection.index.length &&
    previous.index.every((v, r) => v === selection.index[r] && previous.domain[r] === selection.domain[r]);
  if (!same || previousAt === null) {
    return null;
  }
  // The previous representation is recomputed from its stored weights (one forward pass) rather than stored:
  // n x d floats per checkpoint would be most of the analysis's size.
  const before = await checkpointActivations(context, { ...key, phase: previousAt.phase, epoch: previousAt.epoch }, selection);
  if (before.dimensions !== d) {
    return null;
  }
  const previousLayout = new Float32Array(2 * previous.count);
  previous.x.forEach((x, r) => {
    previousLayout[2 * r] = x;
    previousLayout[2 * r + 1] = previous.y[r]!;
  });
  const correlation = temporalCorrelation([temporalChange(before.values, values, d, previousLayout, layout, K)]);
  return Number.isNaN(correlation) ? null : round(correlation);
}
