// Launches Debian's Chromium through playwright-core (no browser download is possible here).
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
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
  close(): Promise<void>;
}

export async function openDashboardSession(db: string, options: { pollIntervalMs?: number; token?: string } = {}): Promise<DashboardSession> {
  const store = await Store.open(db);
  const monitor = await startMonitor({ store, port: 0, dashboardDir: resolve('dashboard/dist'), ...options });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return {
    store, monitor, browser, page, pageErrors,
    async close() {
      await browser.close();
      await monitor.close();
      store.close();
    },
  };
}
