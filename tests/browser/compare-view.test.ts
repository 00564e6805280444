// Compare mode in real headless Chromium: two trained smoke runs (two fine-tuning learning rates from the
// same config) compared side by side from a shared URL, swapped, and opened from the header's button.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  const config = loadConfig('configs/digits-smoke.json');
  await trainRun({ config, db, runId: 'slow', progress: null, log: () => {} });
  const faster = { ...config, phases: { ...config.phases, target: { ...config.phases.target, learningRate: config.phases.target.learningRate * 10 } } };
  await trainRun({ config: faster, db, runId: 'fast', progress: null, log: () => {} });
  session = await openDashboardSession(db);
  page = session.page;
}, 180_000);
afterAll(async () => {
  await session?.close();
});

const attribute = (testId: string, name: string) => async (): Promise<string> =>
  (await page.getByTestId(testId).first().getAttribute(name, { timeout: 1000 }).catch(() => null)) ?? '';

describe('compare mode in Chromium', () => {
  it('opens two runs side by side from a shared URL with per-class deltas and per-layer weight change', async () => {
    await page.goto(new URL('?a=slow:target:1&b=fast:target:1', session.monitor.url).href);
    await expect.poll(attribute('compare-view', 'data-rendered-key'), { timeout: 30_000 }).toBe('slow · target · epoch 1|fast · target · epoch 1');
    expect(await page.getByTestId('compare-class-row').count()).toBe(10);
    expect(await page.getByTestId('compare-overall-row').count()).toBe(2);
    const layers = await page.getByTestId('compare-layer-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-layer')));
    expect(layers).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8']);
    // Two different fine-tunings of one source model: every layer differs, so every distance is positive.
    const distances = (await page.getByTestId('compare-layer-l2').allTextContents()).map(Number);
    expect(distances).toHaveLength(8);
    expect(distances.every((d) => d > 0)).toBe(true);
    // Sorting by the delta orders the rows.
    await page.getByTestId('compare-sort-delta').click();
    const deltas = (await page.getByTestId('compare-class-delta').allTextContents()).map((t) => Number(t.replace('−', '-').replace('±', '').replace(' pp', '')));
    expect(deltas).toEqual([...deltas].sort((x, y) => y - x));
    // Each run's drift chart, for two runs.
    await expect.poll(async () => page.getByTestId('weight-drift-chart').count(), { timeout: 20_000 }).toBe(2);
    // Which important neurons changed needs both checkpoints' network abstractions, computed on request.
    await expect.poll(attribute('compare-important', 'data-rendered-key'), { timeout: 150_000, interval: 500 }).toBe('0');
    expect(await page.getByTestId('important-layer-row').count()).toBe(8);
    expect(session.pageErrors).toEqual([]);
  }, 200_000);

  it('swaps the sides in the URL and leaves compare mode', async () => {
    await page.getByTestId('compare-swap').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('a')).toBe('fast:target:1');
    expect(new URL(page.url()).searchParams.get('b')).toBe('slow:target:1');
    await expect.poll(attribute('compare-view', 'data-rendered-key'), { timeout: 20_000 }).toBe('fast · target · epoch 1|slow · target · epoch 1');
    await page.getByTestId('compare-exit').click();
    await page.getByTestId('statistics-view').waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get('a')).toBeNull();
  });

  it('starts from the model fine-tuning began with against the epoch shown', async () => {
    await page.goto(new URL('?run=slow&phase=target&epoch=1', session.monitor.url).href);
    await page.getByTestId('compare-open').click();
    await expect.poll(attribute('compare-view', 'data-rendered-key'), { timeout: 20_000 }).toBe('slow · source · epoch 1|slow · target · epoch 1');
    expect(new URL(page.url()).searchParams.get('a')).toBe('slow:source:1');
    // The weight drift of the viewed run also shows outside compare mode, on the statistics view.
    await page.goBack();
    await page.getByTestId('statistics-view').waitFor({ timeout: 10_000 });
    await expect.poll(attribute('weight-drift-panel', 'data-rendered-key'), { timeout: 20_000 }).toBe('slow/1');
    expect(session.pageErrors).toEqual([]);
  });
});
