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
  /**
   * The same moves timed inside the page: the keydown event -> the first frame rendered after every view settled.
   * What the user waits for, without the bench's CDP round trips (which queue behind the page's work).
   */
  scrubPaintMs: number[];
  /** Per warm move: where its time went. */
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
  /** Write a CDP CPU profile of the renderer over the warm moves to this file (open it in Chrome's DevTools). */
  profile?: string;
}

/**
 * One warm move seen from inside the page (ms after the keydown event's timestamp): when the last view settled,
 * which one, when the first frame rendered after it was done (`painted`), and the requests that went out during the
 * move. `wall` is the bench's own measure (key press sent -> the polling saw every view settled): `wall - painted` is
 * the CDP round trips of the press and the polling, which wait for the renderer's main thread.
 */
export interface MoveBreakdown {
  wall: number;
  settled: number;
  lastView: string;
  painted: number;
  requests: { name: string; start: number; end: number; bytes: number }[];
  /** Every view that settled during the move, in order, ms after the keydown. */
  views: { view: string; at: number }[];
  /** Main-thread tasks over 50 ms that began during the move (the browser's long tasks). */
  longTasks: { start: number; duration: number }[];
}

interface PageMove {
  key: number;
  settled: { at: number; view: string }[];
  /** Per animation frame: when its callbacks ran and when the task after its rendering ran. */
  frames: { start: number; done: number }[];
}

interface PageMoveLog {
  moves: PageMove[];
  requests: { name: string; start: number; end: number; bytes: number }[];
  longTasks: { start: number; duration: number }[];
}

// Installed once in the page before the warm moves, read once after them, so the moves carry no extra round trips.
// Each keydown starts a move; views settling (`data-settled`, `data-rendered-step`) and frames are timestamped.
const installMoveLog = (): void => {
  const moves: PageMove[] = [];
  (window as unknown as { moveLog: PageMove[] }).moveLog = moves;
  performance.setResourceTimingBufferSize(10_000);
  const longTasks: { start: number; duration: number }[] = [];
  (window as unknown as { longTasks: typeof longTasks }).longTasks = longTasks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask' });
  window.addEventListener(
    'keydown',
    (e) => {
      const move: PageMove = { key: e.timeStamp, settled: [], frames: [] };
      moves.push(move);
      const frame = (): void => {
        const entry = { start: performance.now(), done: Number.NaN };
        move.frames.push(entry);
        // A task queued from a frame callback runs after that frame's style, layout and paint.
        const channel = new MessageChannel();
        channel.port1.onmessage = () => (entry.done = performance.now());
        channel.port2.postMessage(null);
        // Until a frame starts with every view settled (the bench's polling asks the same), so the frames that
        // follow add no main-thread time to the move.
        const settled =
          move.settled.length > 0 &&
          document.querySelector('[data-testid="statistics-view"][data-rendered-step=""]') === null &&
          document.querySelector('[data-settled="false"]') === null;
        if (moves.at(-1) === move && !settled && move.frames.length < 240) {
          requestAnimationFrame(frame);
        }
      };
      requestAnimationFrame(frame);
    },
    true,
  );
  new MutationObserver((records) => {
    const move = moves.at(-1);
    for (const r of records) {
      const el = r.target as HTMLElement;
      const value = el.getAttribute(r.attributeName!);
      if (move && ((r.attributeName === 'data-settled' && value === 'true') || (r.attributeName === 'data-rendered-step' && value !== ''))) {
        move.settled.push({ at: performance.now(), view: el.dataset.testid ?? el.className });
      }
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-settled', 'data-rendered-step'] });
};

const readMoveLog = (): PageMoveLog => ({
  moves: (window as unknown as { moveLog: PageMove[] }).moveLog,
  requests: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({
    name: r.name.replace(location.origin, ''),
    start: r.startTime,
    end: r.responseEnd,
    bytes: r.encodedBodySize,
  })),
  longTasks: (window as unknown as { longTasks: PageMoveLog['longTasks'] }).longTasks,
});

/** Each move's breakdown, with the bench's wall time of the same move. */
function breakdownMoves(log: PageMoveLog, wall: number[]): MoveBreakdown[] {
  return log.moves.map((move, i) => {
    const next = log.moves[i + 1]?.key ?? Number.POSITIVE_INFINITY;
    const last = move.settled.at(-1);
    const settledAt = last?.at ?? move.key;
    const frame = move.frames.find((f) => f.start >= settledAt);
    return {
      wall: wall[i] ?? Number.NaN,
      settled: settledAt - move.key,
      lastView: last?.view ?? '(none changed)',
      painted: (frame?.done ?? Number.NaN) - move.key,
      requests: log.requests.filter((r) => r.start >= move.key && r.start < next).map((r) => ({ ...r, start: r.start - move.key, end: r.end - move.key })),
      views: move.settled.map((s) => ({ view: s.view, at: s.at - move.key })),
      longTasks: log.longTasks.filter((t) => t.start >= move.key && t.start < next).map((t) => ({ start: t.start - move.key, duration: t.duration })),
    };
  });
}

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
  const { moves = 60, liveEpochs = 20, coldRounds = 2, dashboardDir = 'dashboard/dist', scrollTo, profile } = options;
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
    // tsx (esbuild's keepNames) wraps the named functions inside installMoveLog in `__name(...)`.
    await page.evaluate('globalThis.__name = (f) => f');
    await page.evaluate(installMoveLog);
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
      scrubMs.push(performance.now() - started);
    }
    const after = await metrics();
    const breakdowns = breakdownMoves(await page.evaluate(readMoveLog), scrubMs);
    // A move whose frame was not seen (a view settled again after the frame log stopped) has no in-page time.
    const scrubPaintMs = breakdowns.map((b) => b.painted).filter(Number.isFinite);
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
      return { scrubMs, scrubPaintMs, scrubColdMs, firstPaintMs, liveMs, moveCpuMs, breakdowns };
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
    return { scrubMs, scrubPaintMs, scrubColdMs, firstPaintMs, liveMs, moveCpuMs, breakdowns };
  } finally {
    await browser.close();
    await monitor.close();
  }
}
