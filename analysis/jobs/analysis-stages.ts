// Every kind of per-checkpoint analysis and the function that computes it. `transferscope analyze` runs
// them in ANALYSIS_KINDS order for each checkpoint; adding a kind to AnalysisResults requires a stage here.
import type { AnalysisKey, AnalysisKind, AnalysisResults } from '../../core/analysis-protocol.ts';
import type { NetworkKey } from '../../core/network-protocol.ts';
import type { AnalysisContext } from './analysis-context.ts';
import { computeFeatures } from './features-job.ts';
import { computeNetwork } from './network-job.ts';
import { computeInstances } from './instances-job.ts';
import { computeProjection } from './projection-job.ts';

export type AnalysisStage<K extends AnalysisKind> = (context: AnalysisContext, key: AnalysisKey) => Promise<AnalysisResults[K]>;

export const ANALYSIS_STAGES: { [K in AnalysisKind]: AnalysisStage<K> } = {
  // analysisKey() gives network keys a reference checkpoint, always.
  network: (context, key) => computeNetwork(context, key as NetworkKey),
  instances: (context, key) => computeInstances(context, key),
  projection: (context, key) => computeProjection(context, key),
  // Runs after network, whose stored important neurons it reuses for the same checkpoint.
  features: (context, key) => computeFeatures(context, key),
};
