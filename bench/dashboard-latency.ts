// Dashboard latencies in real headless Chromium: first paint of a stored run, scrubber move -> every view
// re-rendered (warm and cold), and an epoch committed to LanceDB -> the dashboard showing it.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../store/store.ts';
import { VALIDATION_SPLITS } from '../core/protocol.ts';
import { startMonitor } from '../monitor/server.ts';
import type { Page } from 'playwright-core';
import { launchChromium } from '../tests/helpers/browser.ts';
import type { EpochRecord } from '../core/protocol.ts';

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

export interface LatencyResult {
  /** Arrow-key moves over epochs whose analyses the page has fetched (or prefetched) before. */
  scrubMs: number[];
  /** Slider jumps, each on a fresh browser context, to a checkpoint neither fetched nor a neighbour of one fetched. */
  scrubColdMs: number[];
  /** Navigation of a fresh browser context to a stored run -> every view drawn. */
  firstPaintMs: number[];
  liveMs: number[];
  /** Renderer main-thread time per warm move (CDP `Performance.getMetrics`), in ms: less inflated by a loaded machine than wall time. */
  moveCpuMs: MoveCpu;
  /** Per warm move, with `breakdown: true`; empty otherwise. */
  breakdowns: MoveBreakdown[];
}

export interface MoveCpu {
  /** Main-thread CPU time (`ThreadTime`). */
  thread: number;
  script: number;
  recalcStyle: number;
  layout: number;
}

export interface LatencyOptions {
  /** Warm arrow-key moves. */
  moves?: number;
  /** Epochs copied into a live run one by one (0: none). */
  liveEpochs?: number;
  /** Rounds of cold jumps (each jump on a fresh context, with its first paint). */
  coldRounds?: number;
  /** The built dashboard to serve (default dashboard/dist): an old build beside a new one compares them in one run. */
  dashboardDir?: string;
  /** A panel (`data-testid`) scrolled to the top of the viewport before the warm moves: views draw only on screen. */
  scrollTo?: string;
  /** Record, per warm move, where its wall time went (in-page timestamps; see `MoveBreakdown`). */
  breakdown?: boolean;
  /** Write a CDP CPU profile of the renderer over the warm moves to this file (open it in Chrome's DevTools). */
  profile?: string;
}

/**
 * One warm move seen from inside the page (ms after the keydown event was dispatched): when the last view settled,
 * which one, the first frame after it, and the requests that went out during the move. `wall` is the bench's own
 * measure (key press sent -> the polling saw every view settled), so `wall - frame` is the bench's overhead.
 */
export interface MoveBreakdown {
  wall: number;
  settled: number;
  lastView: string;
  frame: number;
  requests: { name: string; start: number; end: number; bytes: number }[];
}

// Installed once in the page: attribute changes of `data-settled` / `data-rendered-step` and resources, timestamped.
const installMoveLog = (): void => {
  const log = { key: 0, settled: [] as { at: number; view: string }[], frames: [] as number[] };
  (window as unknown as { moveLog: typeof log }).moveLog = log;
  window.addEventListener(
    'keydown',
    (e) => {
      log.key = e.timeStamp;
      log.settled = [];
      log.frames = [];
      const frame = (): void => {
        log.frames.push(performance.now());
        if (log.frames.length < 120) {
          requestAnimationFrame(frame);
        }
      };
      requestAnimationFrame(frame);
    },
    true,
  );
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target as HTMLElement;
      const value = el.getAttribute(r.attributeName!);
      if ((r.attributeName === 'data-settled' && value === 'true') || (r.attributeName === 'data-rendered-step' && value !== '')) {
        log.settled.push({ at: performance.now(), view: el.dataset.testid ?? el.className });
      }
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-settled', 'data-rendered-step'] });
};

const readMoveLog = (): {
  key: number;
  settled: { at: number; view: string }[];
  frames: number[];
  requests: { name: string; start: number; end: number; bytes: number }[];
} => {
  const log = (window as unknown as { moveLog: { key: number; settled: { at: number; view: string }[]; frames: number[] } }).moveLog;
  const requests = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
    .filter((r) => r.startTime >= log.key - 1)
    .map((r) => ({ name: r.name.replace(location.origin, ''), start: r.startTime, end: r.responseEnd, bytes: r.encodedBodySize }));
  performance.clearResourceTimings();
  return { ...log, requests };
};

/**
 * Resolves once every view shows step `step`: the statistics view's confusion table is the step's, and every
 * per-checkpoint panel (`data-settled`) drew its checkpoint's answer. Polled per animation frame, so the frame
 * that shows them has been produced.
 */
export async function waitForEveryView(page: Page, step: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (want) =>
      document.querySelector('[data-testid="statistics-view"]')?.getAttribute('data-rendered-step') === want &&
      document.querySelectorAll('[data-settled]').length >= 3 &&
      document.querySelector('[data-settled="false"]') === null,
    String(step),
    { timeout, polling: 'raf' },
  );
}

/** Index of the checkpoint each step's per-checkpoint views show (-1 before the first checkpoint). */
function checkpointIndexByStep(epochs: EpochRecord[]): number[] {
  let index = -1;
  return epochs.map((e) => (e.checkpoint ? ++index : index));
}

/**
 * Opens `runId` (a finished, analysed run in `store`) and measures: first paint on fresh browser contexts; cold
 * slider jumps from the last epoch to epochs two or more checkpoints away; and `moves` ArrowLeft/ArrowRight
 * presses walking the run back and forth, each until every view shows the new step. Then copies that run's epochs
 * into a new run one by one and times each commit until the dashboard's scrubber shows it.
 */
export async function measureDashboardLatency(store: Store, runId: string, options: LatencyOptions = {}): Promise<LatencyResult> {
  const { moves = 60, liveEpochs = 20, coldRounds = 2, dashboardDir = 'dashboard/dist', scrollTo, breakdown = false, profile } = options;
  const monitor = await startMonitor({ store, port: 0, dashboardDir: resolve(dashboardDir), pollIntervalMs: 100 });
  const browser = await launchChromium();
  try {
    const epochs = await store.listEpochs(runId);
    const last = epochs.at(-1)!;
    const runUrl = `${monitor.url}?run=${runId}&phase=${last.phase}&epoch=${last.epoch}`;
    const checkpointOf = checkpointIndexByStep(epochs);
    const lastCheckpoint = checkpointOf.at(-1)!;
    // Prefetching may have fetched the neighbouring checkpoints by the time the first paint is done; these have not.
    const coldSteps = epochs.filter((e) => checkpointOf[e.step - 1]! >= 0 && checkpointOf[e.step - 1]! <= lastCheckpoint - 2).map((e) => e.step);

    const firstPaintMs: number[] = [];
    const scrubColdMs: number[] = [];
    for (let round = 0; round < coldRounds; round++) {
      for (const step of coldSteps) {
        // A fresh context: no HTTP cache, no page state.
        const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
        try {
          const fresh = await context.newPage();
          const navigated = performance.now();
          await fresh.goto(runUrl, { waitUntil: 'commit' });
          await waitForEveryView(fresh, last.step);
          firstPaintMs.push(performance.now() - navigated);
          const started = performance.now();
          await fresh.getByTestId('scrubber-slider').fill(String(step));
          await waitForEveryView(fresh, step, 60_000);
          scrubColdMs.push(performance.now() - started);
        } finally {
          await context.close();
        }
      }
    }

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(runUrl);
    await waitForEveryView(page, last.step);
    if (scrollTo) {
      await page.getByTestId(scrollTo).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    }
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Map<string, number>> =>
      new Map((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value] as [string, number]));
    if (breakdown) {
      // tsx (esbuild's keepNames) wraps the named functions inside installMoveLog in `__name(...)`.
      await page.evaluate('globalThis.__name = (f) => f');
      await page.evaluate(installMoveLog);
      await page.evaluate(() => performance.setResourceTimingBufferSize(10_000));
    }
    const breakdowns: MoveBreakdown[] = [];
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const before = await metrics();
    const scrubMs: number[] = [];
    let step = last.step;
    for (let i = 0; i < moves; i++) {
      // Walk left to the start and back, so every epoch is visited.
      const goingLeft = Math.floor(i / (epochs.length - 1)) % 2 === 0;
      step += goingLeft ? -1 : 1;
      const started = performance.now();
      await page.keyboard.press(goingLeft ? 'ArrowLeft' : 'ArrowRight');
      await waitForEveryView(page, step, 60_000);
      const wall = performance.now() - started;
      scrubMs.push(wall);
      if (breakdown) {
        const log = await page.evaluate(readMoveLog);
        const last = log.settled.at(-1);
        const settledAt = last?.at ?? log.key;
        breakdowns.push({
          wall,
          settled: settledAt - log.key,
          lastView: last?.view ?? '(none changed)',
          frame: (log.frames.find((f) => f >= settledAt) ?? Number.NaN) - log.key,
          requests: log.requests.map((r) => ({ ...r, start: r.start - log.key, end: r.end - log.key })),
        });
      }
    }
    const after = await metrics();
    if (profile) {
      writeFileSync(profile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    }
    // The metrics are cumulative seconds.
    const perMove = (name: string): number => (((after.get(name) ?? 0) - (before.get(name) ?? 0)) * 1000) / Math.max(1, moves);
    const moveCpuMs: MoveCpu = {
      thread: perMove('ThreadTime'),
      script: perMove('ScriptDuration'),
      recalcStyle: perMove('RecalcStyleDuration'),
      layout: perMove('LayoutDuration'),
    };

    const liveMs: number[] = [];
    if (liveEpochs === 0) {
      return { scrubMs, scrubColdMs, firstPaintMs, liveMs, moveCpuMs, breakdowns };
    }
    const liveRun = `${runId}-live-${Date.now()}`;
    const meta = await store.getRun(runId);
    await store.createRun({ ...meta, id: liveRun, status: 'running', createdAt: Date.now(), updatedAt: Date.now() });
    await store.putInstances(liveRun, await Promise.all(VALIDATION_SPLITS.map((split) => store.getInstances(runId, split))));
    await page.goto(`${monitor.url}?run=${liveRun}`);
    await page.getByTestId('scrubber-label').waitFor({ timeout: 30_000 });
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
    return { scrubMs, scrubColdMs, firstPaintMs, liveMs, moveCpuMs, breakdowns };
  } finally {
    await browser.close();
    await monitor.close();
  }
}
