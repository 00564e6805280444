// The one typed contract between the monitor (REST + socket.io) and the dashboard.
// The dashboard imports this file with `import type` only, so nothing here may need a runtime value there.

/**
 * A layer's name in its own model (e.g. AlexNet's `conv1`, a ResNet's `stage2_block1_conv1`). A run's monitored
 * layers come from its model (`run_models`); runs stored before models were are AlexNet runs (conv1..fc8).
 */
export type LayerName = string;

/** `source`: the source model trained on the source domain; `target`: its copy fine-tuned on the target domain. */
export type Phase = 'source' | 'target';

/** The two validation splits whose predictions are stored every epoch. */
export const VALIDATION_SPLITS = ['source-validation', 'target-validation'] as const;
export type ValidationSplit = (typeof VALIDATION_SPLITS)[number];
export type Domain = 'source' | 'target';
/**
 * A run's status as readers see it. `running` only while its trainer's heartbeat is fresh; `interrupted` when
 * training stopped before the end (Ctrl-C, or a trainer that died: its heartbeat went stale), resumable with
 * `transferscope train --resume RUN`; `finished` and `failed` are recorded by the trainer itself.
 */
export type RunStatus = 'running' | 'finished' | 'failed' | 'interrupted';

/** A point on the run's timeline: epochs are 1-based within their phase, `step` is 1-based over both phases. */
export interface EpochRef {
  phase: Phase;
  epoch: number;
  step: number;
}

/** Metrics of one committed epoch. Accuracies are fractions in [0, 1] of the phase's model after that epoch. */
export interface EpochRecord extends EpochRef {
  loss: number;
  accSourceTrain: number;
  accTargetTrain: number;
  accSourceValidation: number;
  accTargetValidation: number;
  /** Wall time of the epoch's training part, seconds. */
  trainSeconds: number;
  trainImagesPerSecond: number;
  /** True when every layer's weights were stored for this epoch. */
  checkpoint: boolean;
  /** Milliseconds since the Unix epoch when the record was committed to the store. */
  committedAt: number;
}

export interface DatasetSizes {
  sourceTrain: number;
  sourceValidation: number;
  targetTrain: number;
  targetValidation: number;
}

export interface LayerShape {
  name: LayerName;
  kernelShape: number[];
  biasShape: number[];
}

/** A file of a domain left out of a run, and why: broken files are reported, not fatal. */
export interface SkippedFile {
  domain: Domain;
  /** Path relative to the domain's folder. */
  file: string;
  reason: 'not-an-image' | 'unreadable';
  /** The decoder's first line, e.g. "VipsJpeg: premature end of JPEG image". */
  detail: string;
}

/** What loading the two domains dropped or converted; stored with the run. */
export interface DataReport {
  /** Files left out per domain; `skipped` lists at most the first 100 of them. */
  skippedCount: Record<Domain, number>;
  skipped: SkippedFile[];
  /** Images converted to 8-bit sRGB on the way in, per domain. */
  converted: Record<Domain, { greyscale: number; cmyk: number; sixteenBit: number; alpha: number }>;
  /** Classes left out: present in one domain only, or an empty folder (treated as absent). */
  droppedClasses: { domain: Domain; className: string; reason: 'only-in-one-domain' | 'empty-folder' }[];
}

/** A source model loaded from a TensorFlow.js Layers model instead of trained. */
export interface PretrainedSource {
  /** The model.json it was loaded from. */
  path: string;
  /** Its classifier's output count; the head (fc8) is replaced when it differs from the run's classes. */
  pretrainedClasses: number;
  headReplaced: boolean;
  /** Which of its layers became conv1..fc8 (its Conv2D and Dense layers, in order). */
  layerMap: { layer: LayerName; from: string }[];
}

export interface RunSummary {
  id: string;
  status: RunStatus;
  /** Config file's `name`. */
  configName: string;
  backend: string;
  createdAt: number;
  updatedAt: number;
  /** Last committed epoch, or null before the first one. */
  lastEpoch: EpochRef | null;
}

export interface RunMeta extends RunSummary {
  /** The validated config the run was started with. */
  config: unknown;
  classNames: string[];
  datasetSizes: DatasetSizes;
  seed: number;
  /** Epochs planned per phase. */
  plannedEpochs: Record<Phase, number>;
  layers: LayerShape[];
  finishedAt: number | null;
  error: string | null;
  /** Image-folder and IDX domains only: what was skipped or converted while loading. */
  dataReport?: DataReport;
  /** Set when the source model was imported rather than trained. */
  pretrained?: PretrainedSource;
}

export interface MetricsResponse {
  runId: string;
  epochs: EpochRecord[];
}

export interface ConfusionRow {
  classIndex: number;
  className: string;
  /** Target-validation instances of this class. */
  support: number;
  /** Accuracy on this class's target-validation instances of the source model (null when none is stored). */
  sourceModelAccuracy: number | null;
  /** Same for the target model at the requested epoch (null during the source phase). */
  targetModelAccuracy: number | null;
  /** target - source, null when either is null. */
  difference: number | null;
  /** Classes this class's instances are mispredicted into by the model of the requested epoch, most frequent first. */
  mispredictedInto: { classIndex: number; className: string; count: number }[];
}

/** Paper §5.1: best target-model accuracy on target data minus best source-model accuracy on target data. */
export interface Transferability {
  score: number | null;
  bestTargetModel: number | null;
  bestSourceModel: number | null;
}

export interface ConfusionResponse {
  runId: string;
  at: EpochRef;
  /** The source-model epoch the source column was read from (the last source epoch up to `at`). */
  sourceReference: EpochRef | null;
  /** Up to and including `at`. */
  transferability: Transferability;
  rows: ConfusionRow[];
}

export interface ApiError {
  error: { code: string; message: string };
}

/** Progress of a checkpoint's network abstraction (computed in the background after each checkpoint). */
export interface AnalysisEvent {
  runId: string;
  at: EpochRef;
  status: 'queued' | 'running' | 'done' | 'failed';
  /** Readable one-line reason when failed; while running, which kinds are stored so far (`instances ready`). */
  message?: string;
  /**
   * `paper` for the refinement of a checkpoint whose live analyses are done (its events follow that `done`); absent
   * for the live estimate. With `kind`: that kind's result at these settings was just stored, so a view showing the
   * checkpoint can fetch it again.
   */
  settings?: 'live' | 'paper';
  kind?: 'network' | 'instances' | 'projection' | 'features';
}

/** Socket.io events, server to client. Clients join a run's room with `subscribe`. */
export interface ServerToClientEvents {
  run: (run: RunSummary) => void;
  epoch: (event: { runId: string; record: EpochRecord }) => void;
  checkpoint: (event: { runId: string; at: EpochRef }) => void;
  analysis: (event: AnalysisEvent) => void;
}

/** The server's answer to `subscribe`: sent once the socket is in the run's room, or why it is not. */
export type SubscribeAck = { ok: true; runId: string } | { ok: false; error: ApiError['error'] };

export interface ClientToServerEvents {
  /** Joins the run's room; `ack` runs once joined, so every event of the run from then on arrives. */
  subscribe: (runId: string, ack: (result: SubscribeAck) => void) => void;
  unsubscribe: (runId: string) => void;
  /** Receive `run` summaries of every run (the run list), not only of the runs subscribed to. */
  subscribeRuns: () => void;
}
