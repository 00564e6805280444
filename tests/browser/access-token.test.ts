// A monitor started with --token, in real headless Chromium: the page opened with ?token= signs in, hides the token
// from the address bar, fetches, loads images and keeps its socket with it; a page without it gets nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, type DashboardSession } from '../helpers/browser.ts';
import { epochRecord, runMeta } from '../helpers/run-fixture.ts';

const TOKEN = 'browser-token-1234';
const dir = useTempDir();
let session: DashboardSession;

beforeAll(async () => {
  session = await openDashboardSession(`${dir}/db`, { token: TOKEN });
  const labels = Int32Array.from([0, 1, 2]);
  await session.store.createRun(runMeta('token-run'));
  await session.store.putInstances('token-run', [{ split: 'target-validation', labels, height: 2, width: 2, pixels: new Uint8Array(3 * 2 * 2 * 3).fill(200) }]);
  await session.store.commitEpoch('token-run', {
    record: epochRecord('source', 1, 1),
    predictions: [{ split: 'target-validation', predicted: Int16Array.from([0, 1, 1]) }],
  });
});
afterAll(async () => {
  // Unset when the setup failed.
  await (session as DashboardSession | undefined)?.close();
});

const loadImage = (path: string) =>
  new Promise<string>((resolve) => {
    const img = new Image();
    img.onload = () => resolve(`loaded ${img.naturalWidth}x${img.naturalHeight}`);
    img.onerror = () => resolve('failed');
    img.src = path;
  });

describe('dashboard with an access token', () => {
  it('signs in from ?token=, hides it, and loads data, images and live updates with it', async () => {
    const { page, monitor } = session;
    await page.goto(`${monitor.url}?run=token-run&token=${TOKEN}`);
    await expect.poll(() => page.getByTestId('connection').textContent(), { timeout: 20_000 }).toBe('live updates');
    await expect.poll(() => page.locator('#run-picker option').allTextContents(), { timeout: 20_000 }).toEqual([expect.stringContaining('token-run')]);
    expect(page.url()).not.toContain('token=');
    expect(page.url()).toContain('run=token-run');
    expect(await page.evaluate(loadImage, '/api/runs/token-run/instances/target-validation/0.png')).toBe('loaded 2x2');
    expect(session.pageErrors).toEqual([]);
  });

  it('gives a page opened without the token neither data nor images', async () => {
    const context = await session.browser.newContext();
    try {
      const stranger = await context.newPage();
      await stranger.goto(session.monitor.url);
      expect(await stranger.evaluate(() => fetch('/api/runs').then((r) => r.status))).toBe(401);
      expect(await stranger.evaluate(loadImage, '/api/runs/token-run/instances/target-validation/0.png')).toBe('failed');
    } finally {
      await context.close();
    }
  });
});
