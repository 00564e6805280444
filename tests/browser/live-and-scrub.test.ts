// The user's path in real headless Chromium: open the dashboard, watch a trainer in another process
// deliver epochs live, scrub back to an earlier epoch, share the URL, and return to live. The live case watches
// a store of its own from empty; the others open a run trained beforehand, each on a fresh page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, type DashboardSession } from '../helpers/browser.ts';

const dir = useTempDir();
let session: DashboardSession;
let page: Page;
let trainer: ChildProcess | undefined;

beforeAll(async () => {
  const db = `${dir}/db`;
  await trainRun({ config: loadConfig('configs/digits-smoke.json'), db, runId: 'browser-run', progress: null, log: () => {} });
  session = await openDashboardSession(db, { pollIntervalMs: 100 });
  page = session.page;
}, 180_000);
afterAll(async () => {
  // Unset when setup or the test failed early; cleaning up must not hide that failure.
  (trainer as ChildProcess | undefined)?.kill();
  await (session as DashboardSession | undefined)?.close();
});

const label = (on: Page = page) => on.getByTestId('scrubber-label');
const labelText =
  (on: Page = page) =>
  async (): Promise<string> =>
    (await label(on)
      .textContent({ timeout: 1000 })
      .catch(() => null)) ?? '';

describe('dashboard in Chromium', () => {
  it('shows the empty state, then a run training in another process, live', async () => {
    const db = `${dir}/live-db`;
    const live = await openDashboardSession(db, { pollIntervalMs: 100, browser: session.browser });
    try {
      await live.open('');
      await live.page.getByTestId('no-runs').waitFor({ timeout: 20_000 });
      trainer = spawn(process.execPath, ['bin/transferscope.js', 'train', '--config', 'configs/digits-smoke.json', '--db', db, '--run', 'browser-run'], {
        stdio: 'ignore',
      });
      const exited = once(trainer, 'exit');
      // The trainer shares two cores with the analyses the other cases' views asked the shared monitor for.
      await expect.poll(labelText(live.page), { timeout: 200_000, interval: 250 }).toMatch(/source · epoch 1/);
      await expect.poll(labelText(live.page), { timeout: 120_000, interval: 250 }).toMatch(/target · epoch 1/);
      expect(await live.page.getByTestId('scrubber-live').getAttribute('aria-pressed')).toBe('true');
      // The trainer's last writes land before this store closes.
      expect(await exited).toEqual([0, null]);
      expect(live.pageErrors).toEqual([]);
    } finally {
      await live.close();
    }
  }, 360_000);

  it('scrubs back to an earlier epoch, every view follows, and the URL can be shared', async () => {
    await session.open('?run=browser-run');
    await expect.poll(labelText(), { timeout: 20_000 }).toMatch(/target · epoch 1/);
    // The weight drift marks the target epoch shown with a line over its chart (drawn once the chart is on screen).
    const driftChart = page.getByTestId('weight-drift-chart');
    const driftMarker = driftChart.getByTestId('chart-marker');
    await driftChart.scrollIntoViewIfNeeded({ timeout: 20_000 });
    await expect.poll(() => driftMarker.getAttribute('data-x'), { timeout: 20_000 }).toBe('1');
    await expect.poll(() => driftMarker.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await driftMarker.textContent()).toBe('shown');
    await page.getByTestId('scrubber-prev').click();
    await expect.poll(labelText()).toMatch(/source · epoch 1/);
    // A source epoch is not on the drift's target-epoch axis.
    await expect.poll(() => driftMarker.isVisible()).toBe(false);
    expect(await page.getByTestId('scrubber-live').getAttribute('aria-pressed')).toBe('false');
    // The address bar follows once the move settles (url-state.ts: a burst of moves writes once).
    await expect.poll(() => page.url()).toMatch(/run=browser-run&phase=source&epoch=1/);
    // During the source phase the table has no target-model column values.
    await expect.poll(async () => page.getByTestId('confusion-row').count(), { timeout: 20_000 }).toBe(10);
    const shared = await session.browser.newPage();
    await shared.goto(page.url());
    await expect.poll(labelText(shared), { timeout: 20_000 }).toMatch(/source · epoch 1/);
    await shared.close();
  });

  it('a burst of arrow keys is one history entry: the URL names where it ended, Back returns to where it began', async () => {
    await session.open('?run=browser-run');
    await expect.poll(labelText(), { timeout: 20_000 }).toMatch(/target · epoch 1/);
    const live = page.getByTestId('scrubber-live');
    expect(await live.getAttribute('aria-pressed')).toBe('true');
    // Three presses in one task, as a held key delivers them: live -> source 1 -> target 1 (pinned) -> source 1.
    await page.evaluate(() => {
      for (const key of ['ArrowLeft', 'ArrowRight', 'ArrowLeft']) {
        document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      }
    });
    await expect.poll(labelText()).toMatch(/source · epoch 1/);
    await expect.poll(() => page.url()).toMatch(/run=browser-run&phase=source&epoch=1/);
    // One entry per press would return to target 1, pinned.
    await page.goBack();
    await expect.poll(() => live.getAttribute('aria-pressed')).toBe('true');
    expect(new URL(page.url()).searchParams.get('phase')).toBeNull();
    await expect.poll(labelText()).toMatch(/target · epoch 1/);
    expect(session.pageErrors).toEqual([]);
  });

  it('a scrub paints every view with the scrubbed epoch’s data, whether fetched, prefetched or cached', async () => {
    // What each view has drawn: the statistics view's step, and each per-checkpoint panel's key (phase/epoch/…),
    // read once every panel reports it shows what the epoch asks for.
    const drawn = async (step: number): Promise<Record<string, string | null>> => {
      await page.waitForFunction(
        (want) =>
          document.querySelector('[data-testid="statistics-view"]')?.getAttribute('data-rendered-step') === want &&
          document.querySelectorAll('[data-settled="true"]').length === 3,
        String(step),
        // The first visit of each checkpoint computes its analyses (two cores, shared with the other cases).
        { timeout: 240_000, polling: 250 },
      );
      return page.evaluate(() =>
        Object.fromEntries(
          ['network-panel', 'feature-panel', 'instance-panel'].map((id) => [
            id,
            document.querySelector(`[data-testid="${id}"]`)!.getAttribute('data-rendered-key'),
          ]),
        ),
      );
    };
    await session.open('?run=browser-run&phase=target&epoch=1');
    expect(await drawn(2)).toEqual({
      'network-panel': 'target/1/0',
      'feature-panel': 'target/1/0/descending',
      'instance-panel': 'target/1/0,1,2,3,4,5,6,7,8,9',
    });
    // Tag the network diagram's node: a move to an epoch without an abstraction hides it, not disposes it.
    await page.getByTestId('network-svg').evaluate((el) => el.setAttribute('data-kept-probe', 'target/1'));
    const networkHeight = async (): Promise<number> => (await page.getByTestId('network-panel').boundingBox())!.height;
    const drawnHeight = await networkHeight();
    await page.keyboard.press('ArrowLeft');
    // The first source checkpoint has no network abstraction (nothing to compare it with): that panel draws nothing.
    const source = {
      'network-panel': '',
      'feature-panel': 'source/1/0/descending',
      'instance-panel': 'source/1/0,1,2,3,4,5,6,7,8,9',
    };
    expect(await drawn(1)).toEqual(source);
    await expect.poll(labelText()).toMatch(/source · epoch 1/);
    expect(await page.getByTestId('network-panel').textContent()).toMatch(/first source checkpoint/);
    expect(await page.getByTestId('network-svg').isVisible()).toBe(false);
    // Hidden, the diagram keeps its place: the views below do not move up into the window and back on every pass.
    expect(await networkHeight()).toBeGreaterThanOrEqual(drawnHeight);
    // Back and forth again: now from the data client's cache, and still each epoch's own data.
    await page.keyboard.press('ArrowRight');
    expect(await drawn(2)).toEqual({
      'network-panel': 'target/1/0',
      'feature-panel': 'target/1/0/descending',
      'instance-panel': 'target/1/0,1,2,3,4,5,6,7,8,9',
    });
    // The same diagram node, shown again with this epoch's data.
    expect(await page.locator('[data-kept-probe="target/1"]').count()).toBe(1);
    expect(await page.getByTestId('network-svg').isVisible()).toBe(true);
    await page.keyboard.press('ArrowLeft');
    expect(await drawn(1)).toEqual(source);
    expect(session.pageErrors).toEqual([]);
  }, 600_000);

  it('a view below the fold keeps its drawing while the scrubber moves, and shows the epoch shown once scrolled to', async () => {
    await session.open('?run=browser-run&phase=target&epoch=1');
    const panel = page.getByTestId('feature-panel');
    const firstImage = panel.getByTestId('feature-image').first();
    await expect.poll(() => panel.getAttribute('data-rendered-key'), { timeout: 60_000 }).toBe('target/1/0/descending');
    expect(await firstImage.getAttribute('data-src')).toMatch(/\/epochs\/target\/1\//);
    // A short window at the top of the page: the feature view is far below the fold.
    await page.setViewportSize({ width: 1400, height: 200 });
    try {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.keyboard.press('ArrowLeft');
      // The view has the source checkpoint's analysis (its panel says so) but has not redrawn its rows for it.
      await expect.poll(() => panel.getAttribute('data-rendered-key'), { timeout: 60_000 }).toBe('source/1/0/descending');
      await expect.poll(labelText()).toMatch(/source · epoch 1/);
      expect(await firstImage.getAttribute('data-src')).toMatch(/\/epochs\/target\/1\//);
      await panel.getByTestId('feature-ranking').scrollIntoViewIfNeeded();
      await expect.poll(() => firstImage.getAttribute('data-src')).toMatch(/\/epochs\/source\/1\//);
    } finally {
      await page.setViewportSize({ width: 1400, height: 1000 });
    }
    expect(session.pageErrors).toEqual([]);
  });

  it('returns to live and shows the newest epoch with the transferability score', async () => {
    // A shared link to an earlier epoch: not live.
    await session.open('?run=browser-run&phase=source&epoch=1');
    await expect.poll(labelText(), { timeout: 20_000 }).toMatch(/source · epoch 1/);
    expect(await page.getByTestId('scrubber-live').getAttribute('aria-pressed')).toBe('false');
    await page.getByTestId('scrubber-live').click();
    await expect.poll(labelText()).toMatch(/target · epoch 1/);
    await expect.poll(async () => page.getByTestId('transferability-score').textContent(), { timeout: 20_000 }).toMatch(/pp/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(labelText()).toMatch(/source · epoch 1/);
    await page.screenshot({ path: `${dir}/dashboard.png` });
    expect(session.pageErrors).toEqual([]);
  });
});
