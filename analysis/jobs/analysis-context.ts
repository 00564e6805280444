// What every per-checkpoint analysis stage reads, loaded once per `transferscope analyze` process: the run,
// its config and its stored validation instances as model inputs.
import type { RunMeta } from '../../core/protocol.ts';
import type { Store } from '../../store/store.ts';
import type { ValidationSplit } from '../../core/protocol.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { runArchitecture, runPaperMaxPerClass, type ModelArchitecture } from './checkpoint-model.ts';

/** What the analyses need of a run: its record, its model and the paper settings' cap on instances per class. */
export interface RunAnalysisFacts {
  meta: RunMeta;
  architecture: ModelArchitecture;
  paperMaxPerClass: number;
}

/** A stored validation split as model inputs: count * H * W * 3 floats in [0, 1], NHWC. */
export interface ModelInputs {
  pixels: Float32Array;
  labels: Int32Array;
  height: number;
  width: number;
  /** Rows stored without pixels (large-image runs keep a few per class): their pixels are zeros, so no stage may use them. */
  withoutPixels: ReadonlySet<number>;
}

export interface AnalysisContext {
  store: Store;
  /** The run and its model: AlexNet's variant, or the topology stored with a recorded run. */
  run(): Promise<RunAnalysisFacts>;
  /**
   * A split's stored instances scaled to [0, 1]. The stored pixels are 8-bit, so inputs differ from the
   * training ones by at most 1/510 per channel: far below what moves an attribution or an embedding.
   */
  inputs(split: ValidationSplit): Promise<ModelInputs>;
}

/** A context for one run that loads each thing on first use and keeps it. */
export function makeAnalysisContext(store: Store, runId: string): AnalysisContext {
  let run: Promise<RunAnalysisFacts> | null = null;
  const inputs = new Map<ValidationSplit, Promise<ModelInputs>>();
  return {
    store,
    run() {
      run ??= store
        .getRun(runId)
        .then(async (meta) => ({ meta, architecture: await runArchitecture(store, meta), paperMaxPerClass: runPaperMaxPerClass(meta) }));
      return run;
    },
    inputs(split) {
      let loaded = inputs.get(split);
      if (!loaded) {
        loaded = store.getInstances(runId, split).then((stored) => {
          if (stored.labels.length === 0) {
            throw new TransferscopeError('EPOCH_NOT_FOUND', `Run '${runId}' has no stored ${split} instances to analyse.`);
          }
          return {
            pixels: Float32Array.from(stored.pixels, (v) => v / 255),
            labels: stored.labels,
            height: stored.height,
            width: stored.width,
            withoutPixels: new Set(stored.withoutPixels ?? []),
          };
        });
        inputs.set(split, loaded);
      }
      return loaded;
    },
  };
}
