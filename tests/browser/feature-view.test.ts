// The feature view in real headless Chromium: a trained smoke run, opened at its target checkpoint, computes
// the features analysis and shows the ranking list and the discriminability plot; sorting, class selection
// and biplot checkboxes change what is drawn.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, type DashboardSession } from '../helpers/browser.ts';

const dir = useTempDir();
const db = `${dir}/db`;
let session: DashboardSession;
let page: Page;

beforeAll(async () => {
  await trainRun({ config: loadConfig('configs/digits-smoke.json'), db, runId: 'feat', progress: null, log: () => {} });
  session = await openDashboardSession(db);
  page = session.page;
}, 180_000);
afterAll(async () => {
  // Unset when beforeAll failed; closing must not hide that failure.
  await (session as DashboardSession | undefined)?.close();
});

const panel = () => page.getByTestId('feature-panel');
const renderedKey = async (): Promise<string> =>
  (await panel()
    .getAttribute('data-rendered-key', { timeout: 1000 })
    .catch(() => null)) ?? '';
const rowIds = async (): Promise<string[]> =>
  panel()
    .getByTestId('feature-row')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-neuron') ?? ''));
const weights = async (): Promise<number[]> => (await panel().locator('.feature-weight').allTextContents()).map((t) => Math.abs(Number(t.trim())));
const arrows = async (): Promise<string[]> => ((await page.getByTestId('feature-plot').getAttribute('data-arrows')) ?? '').split(' ').filter(Boolean);

/** Each case starts from a fresh page at the target checkpoint (class 0, most discriminative first). */
async function openTargetCheckpoint(): Promise<void> {
  await session.open('?run=feat&phase=target&epoch=1');
  // The first visit computes the analysis; later ones read it from the store.
  await expect.poll(renderedKey, { timeout: 150_000, interval: 500 }).toBe('target/1/0/descending');
}

describe('feature view in Chromium, at the target checkpoint', () => {
  beforeEach(openTargetCheckpoint, 180_000);

  it('computes and lists the important neurons with images and histograms, most discriminative first', async () => {
    const rows = panel().getByTestId('feature-row');
    expect(await rows.count()).toBeGreaterThan(8);
    expect(await rows.first().getByTestId('feature-histogram').locator('rect').count()).toBe(32);
    const w = await weights();
    expect(w).toEqual([...w].sort((a, b) => b - a));
    // The feature view opens below the fold: even the rows in the list's own view wait for the list to be on the page.
    const image = rows.first().getByTestId('feature-image');
    expect(await image.getAttribute('src')).toBeNull();
    // Scrolled to, the first row's feature visualisation is requested and rendered by the monitor.
    await image.scrollIntoViewIfNeeded();
    await expect
      .poll(async () => image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), { timeout: 60_000, interval: 250 })
      .toBe(32);
    // Rows far below the list's fold have not asked for theirs, nor drawn their histograms; scrolled to, they do.
    expect(await rows.last().getByTestId('feature-image').getAttribute('src')).toBeNull();
    expect(await rows.count()).toBeGreaterThan(20);
    const lastHistogram = rows.last().getByTestId('feature-histogram');
    expect(await lastHistogram.locator('rect').count()).toBe(0);
    await lastHistogram.scrollIntoViewIfNeeded();
    await expect.poll(() => lastHistogram.locator('rect').count()).toBe(32);
    expect(await page.getByTestId('feature-accuracy').textContent()).toMatch(/\d+\.\d%.*cross-validated domain accuracy/);
  }, 240_000);

  it('flips the order when the discriminability header is clicked', async () => {
    const before = await rowIds();
    await panel().getByTestId('feature-sort').click();
    await expect.poll(renderedKey, { timeout: 5_000 }).toBe('target/1/0/ascending');
    const w = await weights();
    expect(w).toEqual([...w].sort((a, b) => a - b));
    const after = await rowIds();
    expect(after).not.toEqual(before);
    expect([...after].sort()).toEqual([...before].sort());
    expect(after[0]).toBe(before.at(-1));
  });

  it('draws the plot with the top five arrows, and a ticked neuron adds its arrow', async () => {
    const plot = page.getByTestId('feature-plot');
    expect(Number(await plot.getAttribute('data-points'))).toBeGreaterThan(3);
    // The chart is made, and draws, once it is on screen (charts below the fold wait for the user to scroll to them):
    // ECharts marks the element it was made in.
    expect(await plot.getAttribute('_echarts_instance_')).toBeNull();
    await plot.scrollIntoViewIfNeeded();
    await expect.poll(() => plot.getAttribute('_echarts_instance_'), { timeout: 10_000 }).not.toBeNull();
    await expect.poll(() => plot.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const drawn = await arrows();
    expect(drawn).toHaveLength(5);
    // Descending order: the last row is among the least discriminative, so it has no arrow yet.
    const last = panel().getByTestId('feature-row').last();
    const id = (await last.getAttribute('data-neuron'))!;
    expect(drawn).not.toContain(id);
    await last.getByTestId('feature-axis-toggle').check();
    await expect.poll(arrows, { timeout: 5_000 }).toContain(id);
    expect(await arrows()).toHaveLength(6);
    await last.getByTestId('feature-axis-toggle').uncheck();
    await expect.poll(async () => (await arrows()).length, { timeout: 5_000 }).toBe(5);
  });

  it('shows another class when one is selected', async () => {
    const classZero = [...(await rowIds())].sort();
    const select = panel().getByTestId('feature-class-select');
    expect(await select.locator('option').count()).toBe(10);
    await select.selectOption({ index: 3 });
    await expect.poll(renderedKey, { timeout: 10_000 }).toBe('target/1/3/descending');
    const classThree = [...(await rowIds())].sort();
    expect(classThree.length).toBeGreaterThan(8);
    expect(classThree).not.toEqual(classZero);
    expect(await arrows()).toHaveLength(5);
    await panel().screenshot({ path: `${dir}/feature-view.png` });
    if (process.env.FEATURE_SCREENSHOT) {
      await panel().screenshot({ path: process.env.FEATURE_SCREENSHOT });
    }
    expect(session.pageErrors).toEqual([]);
  });
});

describe('feature view in Chromium, at the first source checkpoint', () => {
  it('shows the first source checkpoint too: it needs no reference model', async () => {
    await session.open('?run=feat&phase=source&epoch=1');
    await expect.poll(renderedKey, { timeout: 120_000, interval: 500 }).toBe('source/1/0/descending');
    expect(await panel().getByTestId('feature-row').count()).toBeGreaterThan(8);
    expect(session.pageErrors).toEqual([]);
  }, 150_000);
});
