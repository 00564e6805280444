// Launches Debian's Chromium through playwright-core (no browser download is possible here).
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { Store } from '../../store/store.ts';
import { startMonitor, type RunningMonitor } from '../../monitor/server.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A monitor over a store with the built dashboard, and one Chromium page collecting page errors. */
export interface DashboardSession {
  store: Store;
  monitor: RunningMonitor;
  browser: Browser;
  page: Page;
  pageErrors: string[];
  /**
   * Opens the dashboard at `query` (e.g. `?run=r&phase=target&epoch=1`) from a blank page, so nothing a previous
   * test clicked carries over: a same-URL navigation is a reload to Chromium, which keeps the scroll position.
   */
  open(query: string): Promise<void>;
  close(): Promise<void>;
}

export interface DashboardSessionOptions {
  pollIntervalMs?: number;
  /** Required by the monitor from the API and the socket when set. */
  token?: string;
  /** A browser to open the page in (closed by its owner, not by the session); otherwise the session launches one. */
  browser?: Browser;
}

export async function openDashboardSession(db: string, { browser: shared, ...options }: DashboardSessionOptions = {}): Promise<DashboardSession> {
  const store = await Store.open(db);
  const monitor = await startMonitor({ store, port: 0, dashboardDir: resolve('dashboard/dist'), ...options });
  const browser = shared ?? (await launchChromium());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return {
    store,
    monitor,
    browser,
    page,
    pageErrors,
    async open(query) {
      await page.goto('about:blank');
      await page.goto(new URL(query, monitor.url).href);
    },
    async close() {
      await (shared ? page.close() : browser.close());
      await monitor.close();
      store.close();
    },
  };
}

/**
 * Scrolls the chart element `chart` into view and waits until its canvas (returned) shows a drawing that stays the
 * same between two reads a few frames apart: the chart's entry or move animation has ended, so its pixels can be
 * read and its points hovered or brushed. Charts draw only while on screen (chart.ts), as a user sees them, and
 * ECharts creates the canvas with the first drawing.
 */
export async function waitForStillChart(chart: Locator, timeout = 20_000): Promise<Locator> {
  await chart.scrollIntoViewIfNeeded();
  const canvas = chart.locator('canvas').first();
  let previous = '';
  await expect
    .poll(
      async () => {
        const drawn = await canvas.evaluate((c: HTMLCanvasElement) => {
          const blank = Object.assign(document.createElement('canvas'), { width: c.width, height: c.height });
          const image = c.toDataURL();
          return image === blank.toDataURL() ? '' : image;
        });
        const still = drawn !== '' && drawn === previous;
        previous = drawn;
        return still;
      },
      { timeout, interval: 300 },
    )
    .toBe(true);
  return canvas;
}
