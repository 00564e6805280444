// Dashboard latencies in real headless Chromium: scrubber move -> every view re-rendered, and an epoch
// committed to LanceDB -> the dashboard showing it.
import { resolve } from 'node:path';
import type { Store } from '../store/store.ts';
import { VALIDATION_SPLITS } from '../core/protocol.ts';
import { startMonitor } from '../monitor/server.ts';
import { launchChromium } from '../tests/helpers/browser.ts';
import type { EpochRecord } from '../core/protocol.ts';

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

export interface LatencyResult {
  scrubMs: number[];
  liveMs: number[];
}

/**
 * Opens `runId` (a finished run in `store`), presses ArrowLeft/ArrowRight `moves` times waiting each time for
 * the statistics view to report the new step; then copies that run's epochs into a new run one by one and
 * times each commit until the dashboard's scrubber shows it.
 */
export async function measureDashboardLatency(store: Store, runId: string, moves = 60, liveEpochs = 20): Promise<LatencyResult> {
  const monitor = await startMonitor({ store, port: 0, dashboardDir: resolve('dashboard/dist'), pollIntervalMs: 100 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const epochs = await store.listEpochs(runId);
    const last = epochs.at(-1)!;
    await page.goto(`${monitor.url}?run=${runId}&phase=${last.phase}&epoch=${last.epoch}`);
    await page.waitForSelector(`[data-rendered-step="${last.step}"]`, { timeout: 30_000 });
    const scrubMs: number[] = [];
    let step = last.step;
    for (let i = 0; i < moves; i++) {
      // Walk left to the start and back, so every epoch (cached or not) is visited.
      const goingLeft = Math.floor(i / (epochs.length - 1)) % 2 === 0;
      step += goingLeft ? -1 : 1;
      const started = performance.now();
      await page.keyboard.press(goingLeft ? 'ArrowLeft' : 'ArrowRight');
      await page.waitForSelector(`[data-rendered-step="${step}"]`, { timeout: 10_000 });
      scrubMs.push(performance.now() - started);
    }

    const liveRun = `${runId}-live-${Date.now()}`;
    const meta = await store.getRun(runId);
    await store.createRun({ ...meta, id: liveRun, status: 'running', createdAt: Date.now(), updatedAt: Date.now() });
    await store.putInstances(liveRun, await Promise.all(VALIDATION_SPLITS.map((split) => store.getInstances(runId, split))));
    await page.goto(`${monitor.url}?run=${liveRun}`);
    await page.getByTestId('scrubber-label').waitFor({ timeout: 30_000 });
    const liveMs: number[] = [];
    for (let i = 0; i < Math.min(liveEpochs, epochs.length); i++) {
      const source = epochs[i]!;
      const key = { runId, phase: source.phase, epoch: source.epoch };
      const predictions = await store.getPredictions(key);
      const record: EpochRecord = { ...source };
      await store.commitEpoch(liveRun, {
        record,
        predictions: [...predictions].map(([split, predicted]) => ({ split, predicted })),
        ...(source.checkpoint ? { weights: await store.getWeights(key) } : {}),
      });
      const committed = performance.now();
      await page.waitForFunction(
        (want) => document.querySelector('[data-testid="scrubber-label"]')?.textContent.includes(want) ?? false,
        `${source.phase} · epoch ${source.epoch}`,
        { timeout: 10_000, polling: 'raf' },
      );
      liveMs.push(performance.now() - committed);
    }
    return { scrubMs, liveMs };
  } finally {
    await browser.close();
    await monitor.close();
  }
}
