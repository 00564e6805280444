// Refinement on every free core once training is over (issue 16 item 2), on a real trained smoke run and the
// monitor's real worker processes: while a run's trainer is live (a fresh heartbeat), one refinement at a time;
// with no trainer live and a cap of two, two at once, storing exactly what the one-at-a-time monitor stored.
import { beforeAll, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { Store } from '../../store/store.ts';
import { startMonitor } from '../../monitor/server.ts';
import { analysisKey } from '../../core/analysis-keys.ts';
import { analyzeCheckpoints } from '../../analysis/jobs/analyze-checkpoints.ts';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { runMeta } from '../helpers/run-fixture.ts';
import { analysisProcesses } from '../helpers/store-processes.ts';

const dir = useTempDir();
const RUN = 'tail';

/** Every checkpoint's stored paper result, without its wall-clock seconds; null while one is missing. */
async function paperResults(store: Store): Promise<Record<string, unknown> | null> {
  const epochs = await store.listEpochs(RUN);
  const results: Record<string, unknown> = {};
  for (const at of epochs.filter((e) => e.checkpoint)) {
    for (const kind of ['network', 'features'] as const) {
      const key = analysisKey(kind, RUN, epochs, at, null, 'paper');
      if (key) {
        const stored = await store.getAnalysis(kind, key);
        if (!stored) {
          return null;
        }
        const { seconds: _seconds, ...result } = stored;
        results[`${kind} ${at.phase} ${at.epoch}`] = result;
      }
    }
  }
  return results;
}

beforeAll(async () => {
  // Two instances per class and domain at the paper's settings: the smallest refinement that still has every stage.
  const config = `${dir}/tail.json`;
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync('configs/digits-smoke.json', 'utf8')), paperMaxPerClass: 2 }));
  const db = `${dir}/db`;
  await trainRun({ config: loadConfig(config), db, runId: RUN, progress: null, log: () => {} });
  // The live estimates first, in this process: the monitors below find them stored and only refine.
  await analyzeCheckpoints({ db, runId: RUN, kinds: ['network', 'features'] });
  for (const copy of ['parallel', 'live']) {
    cpSync(db, `${dir}/${copy}`, { recursive: true });
  }
}, 180_000);

it('refines one checkpoint at a time while a trainer is live, and two at once with none live and a cap of two, storing the same', async () => {
  const liveDb = `${dir}/live`;
  const liveStore = await Store.open(liveDb);
  // Another run whose trainer beats: live for the next 30 minutes (three missed 10-minute beats).
  await liveStore.createRun(runMeta('training'));
  await liveStore.recovery.beat('training', 600_000);
  const liveMonitor = await startMonitor({
    store: liveStore,
    port: 0,
    analyzeCheckpoints: true,
    refineAnalyses: true,
    analysisKinds: ['network', 'features'],
    idleAnalysisWorkers: 2,
  });
  let most = 0;
  let serial: Record<string, unknown> | null;
  try {
    await expect
      .poll(
        async () => {
          most = Math.max(most, analysisProcesses(liveDb).length);
          return paperResults(liveStore);
        },
        { timeout: 240_000, interval: 250 },
      )
      .not.toBeNull();
    serial = await paperResults(liveStore);
  } finally {
    await liveMonitor.close();
    liveStore.close();
  }
  expect(most).toBe(1);

  const db = `${dir}/parallel`;
  const store = await Store.open(db);
  let parallel: Record<string, unknown> | null;
  const monitor = await startMonitor({
    store,
    port: 0,
    analyzeCheckpoints: true,
    refineAnalyses: true,
    analysisKinds: ['network', 'features'],
    idleAnalysisWorkers: 2,
  });
  try {
    // The target checkpoint's network refinement and the source checkpoint's features refinement, together.
    await expect.poll(() => analysisProcesses(db).length, { timeout: 120_000, interval: 100 }).toBe(2);
    await expect.poll(() => paperResults(store), { timeout: 240_000, interval: 500 }).not.toBeNull();
    parallel = await paperResults(store);
  } finally {
    await monitor.close();
    store.close();
  }
  expect(Object.keys(parallel!)).toEqual(['features source 1', 'network target 1', 'features target 1']);
  expect(serial).not.toBeNull();
  expect(parallel).toEqual(serial);
}, 600_000);
