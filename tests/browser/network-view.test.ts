// The network relation view in real headless Chromium: a trained smoke run, opened at its target checkpoint,
// computes and draws the zig-zag of eight layers; another class redraws it; a clicked neuron shows its detail.
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
  await trainRun({ config: loadConfig('configs/digits-smoke.json'), db, runId: 'net', progress: null, log: () => {} });
  session = await openDashboardSession(db);
  page = session.page;
}, 180_000);
afterAll(async () => {
  await session?.close();
});

const panel = () => page.getByTestId('network-panel');
const renderedKey = async (): Promise<string> => (await panel().getAttribute('data-rendered-key', { timeout: 1000 }).catch(() => null)) ?? '';

describe('network relation view in Chromium', () => {
  it('computes and draws the eight layers of the target checkpoint', async () => {
    await page.goto(new URL('?run=net&phase=target&epoch=1', session.monitor.url).href);
    await expect.poll(renderedKey, { timeout: 120_000, interval: 500 }).toBe('target/1/0');
    expect(await page.getByTestId('network-matrix').count()).toBe(8);
    const layers = await page.getByTestId('network-matrix').evaluateAll((els) => els.map((el) => el.getAttribute('data-layer')));
    expect(layers).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8']);
    expect(await panel().locator('.network-link').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('network-summary').locator('tbody tr').count()).toBe(8);
  }, 180_000);

  it('redraws for another class and details a clicked neuron', async () => {
    const select = page.getByTestId('network-class-select');
    const options = await select.locator('option').count();
    expect(options).toBe(10);
    await select.selectOption({ index: 3 });
    await expect.poll(renderedKey, { timeout: 20_000 }).toBe('target/1/3');
    expect(await page.getByTestId('network-matrix').count()).toBe(8);

    await page.getByTestId('network-neuron').first().click();
    const detail = page.getByTestId('network-detail');
    await detail.waitFor({ timeout: 10_000 });
    expect(await detail.textContent()).toMatch(/most similar source neurons/);
    const similar = await detail.getByTestId('network-similar-source').allTextContents();
    expect(similar.length).toBe(5);
    expect(similar[0]).toMatch(/source neuron \d+.*-?\d\.\d{3}/);
    // The neuron's feature visualisation, rendered by the monitor from the checkpoint's weights.
    const image = detail.getByTestId('network-feature-image');
    await expect.poll(async () => image.evaluate((img: HTMLImageElement) => img.complete ? img.naturalWidth : 0), { timeout: 60_000, interval: 250 }).toBe(32);
    await page.getByTestId('network-panel').screenshot({ path: `${dir}/network-view.png` });
    if (process.env.NETWORK_SCREENSHOT) {
      await page.getByTestId('network-panel').screenshot({ path: process.env.NETWORK_SCREENSHOT });
    }
    expect(session.pageErrors).toEqual([]);
  });

  it('says why the first source checkpoint has nothing to show', async () => {
    await page.goto(new URL('?run=net&phase=source&epoch=1', session.monitor.url).href);
    await expect.poll(async () => (await panel().textContent({ timeout: 1000 }).catch(() => null)) ?? '', { timeout: 20_000 })
      .toMatch(/first source checkpoint/);
    expect(session.pageErrors).toEqual([]);
  });
});
