// What refining analyses to the paper's settings costs (issue 16): one checkpoint of a trained run, and a whole run
// at the paper's scale from training to every checkpoint's every analysis stored at the paper's settings.
// Run: npx tsx bench/refine.ts [--checkpoint-config=configs/digits.json] [--scale-config=configs/digits-paper.json] [--only=checkpoint|scale]
// [--fraction=F]: the scale row on F (0.05-1) of the scale config's images.
// [--plain]: also refines the same checkpoint at plain 50 steps (no check) on a copy of the store, and compares.
// [--store=DB --run=ID]: a copy of an already trained run's store instead of training the checkpoint config.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnalysisKind, AnalysisSettingsName } from '../core/analysis-protocol.ts';
import { loadConfig, type TrainConfig } from '../trainer/config.ts';
import { trainRun } from '../trainer/run-training.ts';
import { analyzeCheckpoints } from '../analysis/jobs/analyze-checkpoints.ts';
import { Store } from '../store/store.ts';
import { analysisKey } from '../core/analysis-keys.ts';
import type { NetworkAbstraction, NetworkKey, StepSchedule } from '../core/network-protocol.ts';
import type { FeaturesAnalysis } from '../core/features-protocol.ts';
import { makeAnalysisContext } from '../analysis/jobs/analysis-context.ts';
import { computeNetwork } from '../analysis/jobs/network-job.ts';
import { computeFeatures } from '../analysis/jobs/features-job.ts';
import { flag } from './command-line.ts';

/** Seconds of each step, in the order run. */
export type TimeSplit = Record<string, number>;

/** Wall seconds and this process's CPU seconds (user + system, all threads: the WASM backend's too). */
async function timed(work: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  return (await timed(work)).wall;
}

/** Each stage over the given checkpoints, timed apart: `KIND@SETTINGS` -> wall seconds, and CPU seconds. */
async function analyseTimed(
  db: string,
  runId: string,
  stages: [AnalysisKind, AnalysisSettingsName][],
  only?: { phase: string; epoch: string },
): Promise<{ wall: TimeSplit; cpu: TimeSplit }> {
  const wall: TimeSplit = {};
  const cpu: TimeSplit = {};
  for (const [kind, settings] of stages) {
    const t = await timed(() => analyzeCheckpoints({ db, runId, kinds: [kind], settings, ...(only ? { only } : {}) }));
    wall[`${kind}@${settings}`] = t.wall;
    cpu[`${kind}@${settings}`] = t.cpu;
  }
  return { wall, cpu };
}

const LIVE: [AnalysisKind, AnalysisSettingsName][] = [
  ['network', 'live'],
  ['instances', 'live'],
  ['projection', 'live'],
  ['features', 'live'],
];
const PAPER: [AnalysisKind, AnalysisSettingsName][] = [
  ['network', 'paper'],
  ['features', 'paper'],
];

/** The run id the bench trains into. */
const RUN = 'refine';

const sum = (split: TimeSplit) => Object.values(split).reduce((a, b) => a + b, 0);

export interface RefineCheckpointResult {
  seconds: number;
  /** Wall seconds per stage. */
  split: TimeSplit;
  cpu: TimeSplit;
  trainSeconds: number;
  /** How each stored paper result reached its 50 steps. */
  schedule: { network?: StepSchedule; features?: StepSchedule };
  /** With `plain`: the same refinement at plain 50 steps on a copy of the store taken after the live analyses. */
  plain?: { seconds: number; split: TimeSplit; cpu: TimeSplit; agreement: RefinementAgreement };
}

/**
 * `refine_checkpoint_s`: trains `config`, computes the live analyses of its last target checkpoint (the reference's
 * conductances are then cached, as in the product), and times refining that checkpoint to the paper's settings.
 */
export async function measureRefineCheckpoint(
  configPath: string,
  options: { plain?: boolean; trained?: { db: string; runId: string } } = {},
): Promise<RefineCheckpointResult> {
  const dir = mkdtempSync(join(tmpdir(), 'transferscope-refine-'));
  const db = join(dir, 'db');
  try {
    const runId = options.trained?.runId ?? RUN;
    const trainSeconds = options.trained
      ? (cpSync(options.trained.db, db, { recursive: true }), 0)
      : await seconds(() => trainRun({ config: loadConfig(configPath), db, runId, progress: null, log: () => {} }));
    const store = await Store.open(db);
    const last = (await store.listEpochs(runId)).filter((e) => e.checkpoint && e.phase === 'target').at(-1)!;
    store.close();
    const only = { phase: last.phase, epoch: String(last.epoch) };
    await analyseTimed(db, runId, LIVE, only);
    const plainDb = join(dir, 'db-plain');
    if (options.plain) {
      cpSync(db, plainDb, { recursive: true });
    }
    const { wall, cpu } = await analyseTimed(db, runId, PAPER, only);
    const checked = await storedPaperResults(db, runId, last.phase, last.epoch);
    const result: RefineCheckpointResult = {
      seconds: sum(wall),
      split: wall,
      cpu,
      trainSeconds,
      schedule: { network: checked.network.schedule, features: checked.features.schedule },
    };
    if (options.plain) {
      const plain = await refinePlain(plainDb, runId, last.phase, last.epoch);
      const reference = await storedPaperResults(plainDb, runId, last.phase, last.epoch);
      result.plain = { seconds: sum(plain.wall), split: plain.wall, cpu: plain.cpu, agreement: agreement(checked, reference) };
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The paper refinement as `analyze --settings paper` does it, but at plain 50 steps: what the check is measured against. */
async function refinePlain(db: string, runId: string, phase: string, epoch: number): Promise<{ wall: TimeSplit; cpu: TimeSplit }> {
  const store = await Store.open(db);
  try {
    const context = makeAnalysisContext(store, runId);
    const epochs = await store.listEpochs(runId);
    const at = epochs.find((e) => e.phase === phase && e.epoch === epoch)!;
    const networkKey = analysisKey('network', runId, epochs, at, null, 'paper')!;
    const featuresKey = analysisKey('features', runId, epochs, at, null, 'paper')!;
    const network = await timed(async () => store.putAnalysis('network', networkKey, await computeNetwork(context, networkKey as NetworkKey, { check: null })));
    const features = await timed(async () => store.putAnalysis('features', featuresKey, await computeFeatures(context, featuresKey, { check: null })));
    return { wall: { 'network@paper': network.wall, 'features@paper': features.wall }, cpu: { 'network@paper': network.cpu, 'features@paper': features.cpu } };
  } finally {
    store.close();
  }
}

async function storedPaperResults(
  db: string,
  runId: string,
  phase: string,
  epoch: number,
): Promise<{ network: NetworkAbstraction; features: FeaturesAnalysis }> {
  const store = await Store.open(db);
  try {
    const epochs = await store.listEpochs(runId);
    const at = epochs.find((e) => e.phase === phase && e.epoch === epoch)!;
    const network = await store.getAnalysis('network', analysisKey('network', runId, epochs, at, null, 'paper')!);
    const features = await store.getAnalysis('features', analysisKey('features', runId, epochs, at, null, 'paper')!);
    if (!network || !features) {
      throw new Error(`bench/refine: the paper results of ${phase} epoch ${epoch} were not stored.`);
    }
    return { network, features };
  } finally {
    store.close();
  }
}

/** How the checked refinement agrees with the plain one, the way the tests define agreement. */
export interface RefinementAgreement {
  /** Overlap of each class and layer's important neurons (network abstraction): mean and smallest. */
  importantNeuronOverlap: { mean: number; min: number };
  /** Largest difference of a class's cross-validated domain-classifier accuracy (features). */
  cvAccuracyMaxDifference: number;
}

function agreement(
  checked: { network: NetworkAbstraction; features: FeaturesAnalysis },
  plain: { network: NetworkAbstraction; features: FeaturesAnalysis },
): RefinementAgreement {
  const overlaps: number[] = [];
  checked.network.classes.forEach((c, ci) =>
    c.layers.forEach((layer, l) => {
      const other = new Set(plain.network.classes[ci]!.layers[l]!.importantNeurons);
      if (layer.importantNeurons.length > 0) {
        overlaps.push(layer.importantNeurons.filter((n) => other.has(n)).length / layer.importantNeurons.length);
      }
    }),
  );
  const accuracyDifferences = checked.features.classes.map((c, ci) => Math.abs((c.cvAccuracy ?? 0) - (plain.features.classes[ci]!.cvAccuracy ?? 0)));
  return {
    importantNeuronOverlap: { mean: overlaps.reduce((a, b) => a + b, 0) / Math.max(overlaps.length, 1), min: Math.min(...overlaps) },
    cvAccuracyMaxDifference: Math.max(0, ...accuracyDifferences),
  };
}

/**
 * `paper_scale_total_s`: `train`, then every checkpoint's every analysis live, then refined to the paper's settings
 * the way the monitor does once training is over: through its queue, `workers` jobs at once (default the cores).
 * `fraction` (0-1] scales the config's image counts, to run the row at a fraction of the paper's scale.
 */
export async function measurePaperScale(
  configPath: string,
  options: { fraction?: number; workers?: number } = {},
): Promise<{ seconds: number; split: TimeSplit; cpu: TimeSplit; fraction: number; workers: number }> {
  const { analyseThroughQueue } = await import('./refine-parallel.ts');
  const fraction = options.fraction ?? 1;
  if (!(fraction >= 0.05 && fraction <= 1)) {
    // Below a twentieth, digits-paper's 1,500 target images leave classes without a validation instance.
    throw new Error(`bench/refine: the scale fraction must be from 0.05 to 1 (got ${fraction}).`);
  }
  const workers = options.workers ?? availableParallelism();
  const full = loadConfig(configPath);
  const scaled = (domain: TrainConfig['source']): TrainConfig['source'] =>
    'count' in domain ? { ...domain, count: Math.max(10, Math.round(domain.count * fraction)) } : domain;
  const config: TrainConfig = { ...full, source: scaled(full.source), target: scaled(full.target) };
  const dir = mkdtempSync(join(tmpdir(), 'transferscope-paper-scale-'));
  const db = join(dir, 'db');
  try {
    const train = await timed(() => trainRun({ config, db, runId: 'paper', progress: null, log: () => {} }));
    const live = await analyseTimed(db, 'paper', LIVE);
    const refined = await analyseThroughQueue(db, 'paper', workers);
    const split: TimeSplit = { train: train.wall, ...live.wall, [`refine@paper (${workers} at once)`]: refined.wall };
    return { seconds: sum(split), split, cpu: { train: train.cpu, ...live.cpu, [`refine@paper (${workers} at once)`]: refined.cpu }, fraction, workers };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const only = flag('only', 'both');
  if (only !== 'both' && only !== 'checkpoint' && only !== 'scale') {
    throw new Error(`Unknown --only=${only}: use checkpoint, scale, or leave it out for both.`);
  }
  if (only !== 'scale') {
    const plain = process.argv.includes('--plain');
    const store = flag('store', '');
    const trained = store === '' ? {} : { trained: { db: store, runId: flag('run', RUN) } };
    console.log(
      JSON.stringify({ refine_checkpoint_s: await measureRefineCheckpoint(flag('checkpoint-config', 'configs/digits.json'), { plain, ...trained }) }, null, 2),
    );
  }
  if (only !== 'checkpoint') {
    const fraction = Number(flag('fraction', '1'));
    console.log(JSON.stringify({ paper_scale_total_s: await measurePaperScale(flag('scale-config', 'configs/digits-paper.json'), { fraction }) }, null, 2));
  }
}
