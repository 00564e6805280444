// The refinement tail on one core and on two (issue 16 item 2): a trained run's checkpoints, their live network and
// features stored, refined to the paper's settings through the monitor's own queue and worker processes, once with
// one job at a time and once with two, each on its own copy of the store; wall and CPU seconds side by side, and
// whether both stored the same results.
// Run: npx tsx bench/refine-parallel.ts [--config=configs/digits-paper-tenth.json] [--workers=1,2] [--store=DB --run=ID]
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { AnalysisKind } from '../core/analysis-protocol.ts';
import { analysisKey } from '../core/analysis-keys.ts';
import { loadConfig } from '../trainer/config.ts';
import { trainRun } from '../trainer/run-training.ts';
import { Store } from '../store/store.ts';
import { makeAnalysisWorkers } from '../monitor/analysis-workers.ts';
import { makeAnalysisQueue } from '../monitor/analysis-queue.ts';
import { flag } from './command-line.ts';

const RUN = 'tail';
const LIVE_KINDS: AnalysisKind[] = ['network', 'features'];

/** CPU seconds of this process and of its ended children (the forked workers, reaped by Node), from /proc. */
function cpuSeconds(): number {
  // Fields after the command's closing parenthesis: utime, stime, cutime, cstime are fields 14-17.
  const fields = readFileSync('/proc/self/stat', 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  const ticks = [11, 12, 13, 14].reduce((total, i) => total + Number(fields[i]), 0);
  return ticks / 100; // USER_HZ is 100 on Linux
}

export interface QueueRunTimes {
  wall: number;
  cpu: number;
  /** Worker processes forked. */
  jobs: number;
  /** Most background jobs in flight at once. */
  peak: number;
  /** Wall seconds of each job the queue ran (`kind@settings phase epoch`), in the order they ended. */
  jobSeconds: Record<string, number>;
}

/**
 * Runs the monitor's background queue over every checkpoint of `runId` in `db` with `parallel` jobs at once (as
 * with no training live) until it is idle: live `kinds` first, then, with `refine`, the paper's settings.
 */
export async function analyseThroughQueue(
  db: string,
  runId: string,
  parallel: number,
  options: { kinds?: AnalysisKind[]; refine?: boolean } = {},
): Promise<QueueRunTimes> {
  const store = await Store.open(db);
  const workers = makeAnalysisWorkers(db, parallel);
  let inFlight = 0;
  let peak = 0;
  const jobSeconds: Record<string, number> = {};
  const analyze: typeof workers.analyze = async (at, analyzeOptions = {}) => {
    peak = Math.max(peak, ++inFlight);
    const started = performance.now();
    try {
      await workers.analyze(at, analyzeOptions);
    } finally {
      inFlight--;
      const name = `${analyzeOptions.kinds?.join(',') ?? 'all'}@${analyzeOptions.settings ?? 'live'} ${at.phase} ${at.epoch}`;
      jobSeconds[name] = Math.round((performance.now() - started) / 100) / 10;
    }
  };
  const queue = makeAnalysisQueue(store, analyze, () => {}, { kinds: options.kinds ?? LIVE_KINDS, refine: options.refine ?? true });
  const cpu = cpuSeconds();
  const started = performance.now();
  try {
    queue.setParallelism(parallel);
    await queue.catchUp(runId);
    await queue.idle();
    return { wall: (performance.now() - started) / 1000, cpu: cpuSeconds() - cpu, jobs: workers.startedJobs, peak, jobSeconds };
  } finally {
    await workers.close();
    store.close();
  }
}

/** Every checkpoint's stored paper results of `runId`, without their wall-clock `seconds`, for comparing runs. */
export async function paperResults(db: string, runId: string): Promise<Record<string, unknown>> {
  const store = await Store.open(db);
  try {
    const epochs = await store.listEpochs(runId);
    const results: Record<string, unknown> = {};
    for (const at of epochs.filter((e) => e.checkpoint)) {
      for (const kind of ['network', 'features'] as const) {
        const key = analysisKey(kind, runId, epochs, at, null, 'paper');
        const stored = key && (await store.getAnalysis(kind, key));
        if (stored) {
          const { seconds: _seconds, ...result } = stored;
          results[`${kind}@paper ${at.phase} ${at.epoch}`] = result;
        }
      }
    }
    return results;
  } finally {
    store.close();
  }
}

export interface RefineTailResult {
  checkpoints: number;
  trainSeconds: number | null;
  liveSeconds: number;
  /** Per worker count: wall and CPU seconds of the refinement tail. */
  tail: Record<string, QueueRunTimes>;
  /** Whether every worker count stored the same paper results (wall-clock seconds aside). */
  identical: boolean;
}

export async function measureRefineTail(
  options: { config?: string; workers?: number[]; trained?: { db: string; runId: string } } = {},
): Promise<RefineTailResult> {
  const dir = mkdtempSync(join(tmpdir(), 'transferscope-refine-tail-'));
  const db = join(dir, 'db');
  const runId = options.trained?.runId ?? RUN;
  try {
    let trainSeconds: number | null = null;
    if (options.trained) {
      cpSync(options.trained.db, db, { recursive: true });
    } else {
      const started = performance.now();
      await trainRun({ config: loadConfig(options.config ?? 'configs/digits-paper-tenth.json'), db, runId, progress: null, log: () => {} });
      trainSeconds = (performance.now() - started) / 1000;
    }
    const live = await analyseThroughQueue(db, runId, 2, { refine: false });
    const tail: Record<string, QueueRunTimes> = {};
    const results: Record<string, unknown>[] = [];
    for (const workers of options.workers ?? [1, 2]) {
      const copy = join(dir, `refine-${workers}`);
      cpSync(db, copy, { recursive: true });
      tail[`${workers} worker${workers === 1 ? '' : 's'}`] = await analyseThroughQueue(copy, runId, workers);
      results.push(await paperResults(copy, runId));
    }
    const store = await Store.open(db);
    const checkpoints = (await store.listEpochs(runId)).filter((e) => e.checkpoint).length;
    store.close();
    return { checkpoints, trainSeconds, liveSeconds: live.wall, tail, identical: results.every((r) => isDeepStrictEqual(r, results[0])) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const store = flag('store', '');
  const result = await measureRefineTail({
    config: flag('config', 'configs/digits-paper-tenth.json'),
    workers: flag('workers', '1,2').split(',').map(Number),
    ...(store === '' ? {} : { trained: { db: store, runId: flag('run', RUN) } }),
  });
  console.log(JSON.stringify({ refine_tail: result }, null, 2));
}
