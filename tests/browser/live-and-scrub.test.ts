// The user's path in real headless Chromium: open the dashboard, watch a trainer in another process
// deliver epochs live, scrub back to an earlier epoch, share the URL, and return to live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, type DashboardSession } from '../helpers/browser.ts';

const dir = useTempDir();
const db = `${dir}/db`;
let session: DashboardSession;
let page: Page;
let trainer: ChildProcess;

beforeAll(async () => {
  session = await openDashboardSession(db, { pollIntervalMs: 100 });
  page = session.page;
});
afterAll(async () => {
  // Unset when setup or the test failed early; cleaning up must not hide that failure.
  (trainer as ChildProcess | undefined)?.kill();
  await (session as DashboardSession | undefined)?.close();
});

const label = () => page.getByTestId('scrubber-label');

describe('dashboard in Chromium', () => {
  it('shows the empty state, then a run training in another process, live', async () => {
    await page.goto(session.monitor.url);
    await page.getByTestId('no-runs').waitFor({ timeout: 20_000 });
    trainer = spawn(process.execPath, ['bin/transferscope.js', 'train', '--config', 'configs/digits-smoke.json', '--db', db, '--run', 'browser-run'], { stdio: 'ignore' });
    await expect.poll(async () => (await label().textContent({ timeout: 1000 }).catch(() => null)) ?? '', { timeout: 120_000, interval: 250 })
      .toMatch(/source · epoch 1/);
    await expect.poll(async () => (await label().textContent()) ?? '', { timeout: 120_000, interval: 250 }).toMatch(/target · epoch 1/);
    expect(await page.getByTestId('scrubber-live').getAttribute('aria-pressed')).toBe('true');
  });

  it('scrubs back to an earlier epoch, every view follows, and the URL can be shared', async () => {
    await page.getByTestId('scrubber-prev').click();
    await expect.poll(async () => label().textContent()).toMatch(/source · epoch 1/);
    expect(await page.getByTestId('scrubber-live').getAttribute('aria-pressed')).toBe('false');
    expect(page.url()).toMatch(/run=browser-run/);
    expect(page.url()).toMatch(/phase=source/);
    expect(page.url()).toMatch(/epoch=1/);
    // During the source phase the table has no target-model column values.
    await expect.poll(async () => page.getByTestId('confusion-row').count(), { timeout: 20_000 }).toBe(10);
    const shared = await session.browser.newPage();
    await shared.goto(page.url());
    await expect.poll(async () => shared.getByTestId('scrubber-label').textContent(), { timeout: 20_000 }).toMatch(/source · epoch 1/);
    await shared.close();
  });

  it('returns to live and shows the newest epoch with the transferability score', async () => {
    await page.getByTestId('scrubber-live').click();
    await expect.poll(async () => label().textContent()).toMatch(/target · epoch 1/);
    await expect.poll(async () => page.getByTestId('transferability-score').textContent(), { timeout: 20_000 }).toMatch(/pp/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => label().textContent()).toMatch(/source · epoch 1/);
    await page.screenshot({ path: `${dir}/dashboard.png` });
    expect(session.pageErrors).toEqual([]);
  });
});
