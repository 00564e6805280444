// The instance view in real headless Chromium: a trained smoke run's target checkpoint is laid out and drawn;
// hovering a glyph shows the instance's image; hiding a class removes its points; scrubbing redraws the layout.
// Each case starts from a fresh page at the target checkpoint; the trained store, monitor and browser are shared.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import type { InstancesResponse } from '../../core/analysis-protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, waitForStillChart, type DashboardSession } from '../helpers/browser.ts';

const dir = useTempDir();
const db = `${dir}/db`;
let session: DashboardSession;
let page: Page;

beforeAll(async () => {
  await trainRun({ config: loadConfig('configs/digits-smoke.json'), db, runId: 'inst', progress: null, log: () => {} });
  session = await openDashboardSession(db);
  page = session.page;
}, 180_000);
afterAll(async () => {
  // Unset when beforeAll failed; closing must not hide that failure.
  await (session as DashboardSession | undefined)?.close();
});

const panel = () => page.getByTestId('instance-panel');
const renderedKey = async (): Promise<string> =>
  (await panel()
    .getAttribute('data-rendered-key', { timeout: 1000 })
    .catch(() => null)) ?? '';
const drawnCount = async (): Promise<number> => Number(await page.getByTestId('instance-chart').getAttribute('data-drawn-count'));
const ALL = '0,1,2,3,4,5,6,7,8,9';

const chart = () => page.getByTestId('instance-chart');
const chartCanvas = () => chart().locator('canvas').first();
/** The chart canvas's pixels as a data URL: changes whenever what is drawn changes. */
const canvasImage = () => chartCanvas().evaluate((c: HTMLCanvasElement) => c.toDataURL());

/** Page coordinates of a strongly coloured canvas pixel below the toolbox: a glyph, since the axes are hidden. */
async function glyphPosition(): Promise<{ x: number; y: number }> {
  // The mouse only reaches what is inside the viewport (and charts draw only there).
  await chart().scrollIntoViewIfNeeded();
  const canvas = chartCanvas();
  const found = await canvas.evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const scale = c.width / c.clientWidth;
    // Scan from the centre out, so the glyph is not under the toolbox at the top.
    for (let r = 0; r < Math.max(c.width, c.height); r += 2) {
      for (const [dx, dy] of [
        [r, 0],
        [-r, 0],
        [0, r],
        [0, -r],
        [r, r],
        [-r, -r],
        [r, -r],
        [-r, r],
      ] as const) {
        const x = Math.floor(c.width / 2) + dx;
        const y = Math.floor(c.height / 2) + dy;
        if (x < 0 || y < 50 * scale || x >= c.width || y >= c.height) {
          continue;
        }
        const e = (y * c.width + x) * 4;
        const [red, green, blue, alpha] = [data[e]!, data[e + 1]!, data[e + 2]!, data[e + 3]!];
        if (alpha > 200 && Math.max(red, green, blue) - Math.min(red, green, blue) > 60) {
          return { x: x / scale, y: y / scale };
        }
      }
    }
    return null;
  });
  expect(found).not.toBeNull();
  const box = (await canvas.boundingBox())!;
  return { x: box.x + found!.x, y: box.y + found!.y };
}

describe('instance view in Chromium, at the target checkpoint', () => {
  let layout: InstancesResponse;

  // The first visit computes the layout; later ones read it from the store.
  beforeEach(async () => {
    await session.open('?run=inst&phase=target&epoch=1');
    await expect.poll(renderedKey, { timeout: 150_000, interval: 500 }).toBe(`target/1/${ALL}`);
    layout = (await (await fetch(new URL('api/runs/inst/epochs/target/1/instances', session.monitor.url))).json()) as InstancesResponse;
  }, 180_000);

  it('lays out and draws every validation instance of the target checkpoint', async () => {
    expect(layout.result.count).toBeGreaterThan(30);
    expect(await drawnCount()).toBe(layout.result.count);
    expect(await page.getByTestId('instance-trust').textContent()).toMatch(/neighbours kept \d\.\d\d/);
    expect(await page.getByTestId('instance-class-toggle').count()).toBe(10);
  });

  it('shows the instance image, its domain, true label and prediction on hover', async () => {
    // Pixels are read once the entry animation has ended.
    await waitForStillChart(chart());
    const at = await glyphPosition();
    await page.mouse.move(at.x, at.y);
    const tooltip = page.getByTestId('instance-tooltip');
    await tooltip.waitFor({ timeout: 10_000 });
    expect(await tooltip.textContent()).toMatch(/(source|target) validation #\d+.*true: \d.*predicted: \d/);
    const image = page.getByTestId('instance-tooltip-image');
    await expect
      .poll(async () => image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), { timeout: 20_000, interval: 250 })
      .toBe(32);
    expect(await image.getAttribute('src')).toMatch(/^\/api\/runs\/inst\/instances\/(source|target)-validation\/\d+\.png$/);
  });

  it("hides a class's points when the class is switched off", async () => {
    const inClass3 = layout.result.label.filter((c) => c === 3).length;
    expect(inClass3).toBeGreaterThan(0);
    const toggle = page.getByTestId('instance-class-toggle').nth(3);
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(renderedKey, { timeout: 10_000 }).toBe('target/1/0,1,2,4,5,6,7,8,9');
    expect(await drawnCount()).toBe(layout.result.count - inClass3);
    await toggle.click();
    await expect.poll(drawnCount, { timeout: 10_000 }).toBe(layout.result.count);
  });

  it('lists the instances inside a brushed rectangle', async () => {
    // The brush takes the cursor once the first drawing has finished.
    const canvas = await waitForStillChart(chart());
    const { width, height } = (await canvas.boundingBox())!;
    // The rectangle brush is on from the start: a drag that starts inside the plot area (8 px in, 36 px down) selects.
    // Each point is placed relative to the canvas when the pointer moves there (hover scrolls it into view and reads
    // its box then), so a panel above that changes height while the page settles cannot move the drag off the plot.
    await canvas.hover({ position: { x: 10, y: 38 } });
    await page.mouse.down();
    await canvas.hover({ position: { x: width / 2, y: height / 2 } });
    await canvas.hover({ position: { x: width - 10, y: height - 10 } });
    await page.mouse.up();
    const rows = page.getByTestId('instance-selection-row');
    // The rectangle spans the whole plot, so it holds every drawn instance (the list may fill in over a few frames).
    const drawn = await drawnCount();
    expect(drawn).toBeGreaterThan(0);
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(drawn);
    expect(await page.getByTestId('instance-selection').textContent()).toMatch(new RegExp(`^${await drawnCount()} selected`));
    expect(await rows.first().textContent()).toMatch(/^(source|target)\d+\d\d$/);
  });

  it('draws the images themselves when switched to images', async () => {
    await waitForStillChart(chart());
    const before = await canvasImage();
    await page.getByTestId('instance-images-toggle').check();
    await expect.poll(async () => (await page.locator('.instance-legend').textContent()) ?? '', { timeout: 20_000 }).not.toMatch(/loading images/);
    await expect.poll(canvasImage, { timeout: 10_000 }).not.toBe(before);
  });

  it('redraws another layout when scrubbing to the source checkpoint', async () => {
    await waitForStillChart(chart());
    const before = await canvasImage();
    await page.getByTestId('scrubber-prev').click();
    await expect.poll(renderedKey, { timeout: 120_000, interval: 500 }).toBe(`source/1/${ALL}`);
    const source = (await (await fetch(new URL('api/runs/inst/epochs/source/1/instances', session.monitor.url))).json()) as InstancesResponse;
    expect(source.result.x).not.toEqual(layout.result.x);
    // The target layout was started from this one and aligned to it.
    expect(layout.result.warmStartedFrom).toMatchObject({ phase: 'source', epoch: 1 });
    // The scrubber is at the top of the page; the chart redraws when the user scrolls back down to it.
    await chart().scrollIntoViewIfNeeded();
    await expect.poll(canvasImage, { timeout: 10_000 }).not.toBe(before);
    expect(await drawnCount()).toBe(source.result.count);
    await page.getByTestId('instance-panel').screenshot({ path: `${dir}/instance-view.png` });
    if (process.env.INSTANCE_SCREENSHOT) {
      await page.getByTestId('instance-panel').screenshot({ path: process.env.INSTANCE_SCREENSHOT });
    }
    expect(session.pageErrors).toEqual([]);
  }, 180_000);
});
