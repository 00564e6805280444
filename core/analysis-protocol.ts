// The typed contract of the per-checkpoint analyses: which kinds exist, how one stored result is keyed,
// and what the API answers. Each kind's result type lives in its own protocol file.
import type { Phase } from './protocol.ts';
import type { FeaturesAnalysis } from './features-protocol.ts';
import type { NetworkAbstraction, NetworkKey } from './network-protocol.ts';
import type { InstanceProjection } from './instances-protocol.ts';
import type { ProjectionAnalysis, ProjectionView } from './projection-protocol.ts';

/** What one kind of analysis produces; a kind is computed once per key and stored as JSON. */
export interface AnalysisResults {
  /** Paper §5.3: important neurons and weights, similarity to the source model, inheritance. */
  network: NetworkAbstraction;
  /** Paper §5.4: per class, how well the important neurons tell source from target instances (domain SVM). */
  features: FeaturesAnalysis;
  /** Paper §5.2: t-SNE layout of both domains' validation instances, warm-started from the previous checkpoint. */
  instances: InstanceProjection;
  /** DeepVisualInsight: a parametric layout with an inverse, the boundary map under it, and its quality. */
  projection: ProjectionAnalysis;
}
export type AnalysisKind = keyof AnalysisResults;
// The order each checkpoint's kinds are computed in. The network abstraction first: it is the paper's core
// view and the one the live demo must have before the next checkpoint arrives (measured: ~30 s of one core
// with the conductance cache, against ~45 s epochs). Instances next (~10 s), then the DVI projection (its warm-started
// fit ~5 CPU s plus the map); features last, since they rank the stored network abstraction's important neurons.
export const ANALYSIS_KINDS = ['network', 'instances', 'projection', 'features'] as const satisfies readonly AnalysisKind[];

/** What an attribution-based analysis is computed at (core/analysis-settings.ts): the live estimate or the paper's settings. */
export const ANALYSIS_SETTINGS_NAMES = ['live', 'paper'] as const;
export type AnalysisSettingsName = (typeof ANALYSIS_SETTINGS_NAMES)[number];

/**
 * Identifies one stored analysis: the viewed checkpoint and, for kinds that compare two models, the
 * source checkpoint it is compared against (null for kinds that look at one model).
 */
export interface AnalysisKey {
  runId: string;
  phase: Phase;
  epoch: number;
  referencePhase: Phase | null;
  referenceEpoch: number | null;
  /** The setting it was computed at; absent means `live` (keys written before settings existed). */
  settings?: AnalysisSettingsName;
}

/** GET /api/runs/:id/epochs/:phase/:epoch/:kind */
export interface AnalysisResponse<K extends AnalysisKind = AnalysisKind> {
  kind: K;
  /** Network abstractions always have a reference checkpoint. */
  key: K extends 'network' ? NetworkKey : AnalysisKey;
  /** The setting of `result`: the one asked with `?settings=`, else the best stored (paper, else live). */
  settings: AnalysisSettingsName;
  /** A projection is served without its model's weights and PNG (see ServedResults). */
  result: ServedResults[K];
}

/** What the API serves of each kind: the stored result, slimmed where it holds what only workers need. */
export type ServedResults = Omit<AnalysisResults, 'projection'> & { projection: ProjectionView };

export type NetworkResponse = AnalysisResponse<'network'>;
export type FeaturesResponse = AnalysisResponse<'features'>;
export type InstancesResponse = AnalysisResponse<'instances'>;
export type ProjectionResponse = AnalysisResponse<'projection'>;
