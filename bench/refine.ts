// What refining analyses to the paper's settings costs (issue 16): one checkpoint of a trained run, and a whole run
// at the paper's scale from training to every checkpoint's every analysis stored at the paper's settings.
// Run: npx tsx bench/refine.ts [--checkpoint-config=configs/digits.json] [--scale-config=configs/digits-paper.json] [--only=checkpoint|scale]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnalysisKind, AnalysisSettingsName } from '../core/analysis-protocol.ts';
import { loadConfig } from '../trainer/config.ts';
import { trainRun } from '../trainer/run-training.ts';
import { analyzeCheckpoints } from '../analysis/jobs/analyze-checkpoints.ts';
import { Store } from '../store/store.ts';

/** Wall seconds of each step, in the order run. */
export type TimeSplit = Record<string, number>;

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** Each stage over the given checkpoints, timed apart: `KIND@SETTINGS` -> seconds. */
async function analyseTimed(
  db: string,
  runId: string,
  stages: [AnalysisKind, AnalysisSettingsName][],
  only?: { phase: string; epoch: string },
): Promise<TimeSplit> {
  const split: TimeSplit = {};
  for (const [kind, settings] of stages) {
    split[`${kind}@${settings}`] = await seconds(() => analyzeCheckpoints({ db, runId, kinds: [kind], settings, ...(only ? { only } : {}) }));
  }
  return split;
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

/**
 * `refine_checkpoint_s`: trains `config`, computes the live analyses of its last target checkpoint (the reference's
 * conductances are then cached, as in the product), and times refining that checkpoint to the paper's settings.
 */
export async function measureRefineCheckpoint(configPath: string): Promise<{ seconds: number; split: TimeSplit; trainSeconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'transferscope-refine-'));
  const db = join(dir, 'db');
  try {
    const trainSeconds = await seconds(() => trainRun({ config: loadConfig(configPath), db, runId: 'refine', progress: null, log: () => {} }));
    const store = await Store.open(db);
    const last = (await store.listEpochs('refine')).filter((e) => e.checkpoint && e.phase === 'target').at(-1)!;
    store.close();
    const only = { phase: last.phase, epoch: String(last.epoch) };
    await analyseTimed(db, 'refine', LIVE, only);
    const split = await analyseTimed(db, 'refine', PAPER, only);
    return { seconds: Object.values(split).reduce((a, b) => a + b, 0), split, trainSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `paper_scale_total_s`: `train`, then every checkpoint's every analysis live, then refined to the paper's settings. */
export async function measurePaperScale(configPath: string): Promise<{ seconds: number; split: TimeSplit }> {
  const dir = mkdtempSync(join(tmpdir(), 'transferscope-paper-scale-'));
  const db = join(dir, 'db');
  try {
    const split: TimeSplit = { train: await seconds(() => trainRun({ config: loadConfig(configPath), db, runId: 'paper', progress: null, log: () => {} })) };
    Object.assign(split, await analyseTimed(db, 'paper', LIVE), await analyseTimed(db, 'paper', PAPER));
    return { seconds: Object.values(split).reduce((a, b) => a + b, 0), split };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name: string, fallback: string): string {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : arg.slice(name.length + 3);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const only = flag('only', 'both');
  if (only !== 'both' && only !== 'checkpoint' && only !== 'scale') {
    throw new Error(`Unknown --only=${only}: use checkpoint, scale, or leave it out for both.`);
  }
  if (only !== 'scale') {
    console.log(JSON.stringify({ refine_checkpoint_s: await measureRefineCheckpoint(flag('checkpoint-config', 'configs/digits.json')) }, null, 2));
  }
  if (only !== 'checkpoint') {
    console.log(JSON.stringify({ paper_scale_total_s: await measurePaperScale(flag('scale-config', 'configs/digits-paper.json')) }, null, 2));
  }
}
