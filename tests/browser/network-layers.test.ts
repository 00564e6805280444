// The network view of a deep network in real headless Chromium: a ResNet-20 run (its 22 monitored layers by their
// own names, links across shortcuts not direct, as the analysis derives them from the model) written into a real store and served by the real monitor.
// The view draws the last eight layers by default, a picked range goes to the URL and comes back from it, the
// overview lists every layer and moves the range, and a pair across a shortcut shows only its similarity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, type DashboardSession } from '../helpers/browser.ts';
import { RESNET_20_LAYERS, RESNET_20_LINKS, writeResNetRun } from '../helpers/resnet-run-fixture.ts';

const dir = useTempDir();
const db = `${dir}/db`;
const RUN = 'resnet';
let session: DashboardSession;
let page: Page;

beforeAll(async () => {
  await writeResNetRun(db, RUN);
  session = await openDashboardSession(db);
  page = session.page;
}, 60_000);
afterAll(async () => {
  // Unset when beforeAll failed; closing must not hide that failure.
  await (session as DashboardSession | undefined)?.close();
});

const panel = () => page.getByTestId('network-panel');
const renderedKey = async (): Promise<string> =>
  (await panel()
    .getAttribute('data-rendered-key', { timeout: 1000 })
    .catch(() => null)) ?? '';
const drawnLayers = () => page.getByTestId('network-matrix').evaluateAll((els) => els.map((el) => el.getAttribute('data-layer')));
const pairs = (testId: string) =>
  panel()
    .getByTestId(testId)
    .evaluateAll((els) => els.map((el) => `${el.getAttribute('data-from')}>${el.getAttribute('data-to')}`));
const urlRange = () => new URL(page.url()).searchParams.get('layers');

/** Opens the target checkpoint 2 with `query` added and waits until its network abstraction is drawn. */
async function openNetwork(query = ''): Promise<void> {
  await session.open(`?run=${RUN}&phase=target&epoch=2${query}`);
  await expect.poll(renderedKey, { timeout: 30_000, interval: 250 }).toBe('target/2/0');
}

describe('network view of ResNet-20 (22 monitored layers) in Chromium', () => {
  it('draws the last eight layers by default, and the overview lists all twenty-two', async () => {
    await openNetwork();
    expect(await drawnLayers()).toEqual(RESNET_20_LAYERS.slice(14));
    const rows = page.getByTestId('network-summary').locator('tbody tr');
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-layer')))).toEqual(RESNET_20_LAYERS);
    expect(await rows.evaluateAll((els) => els.filter((el) => el.getAttribute('data-shown') === 'true').length)).toBe(8);
    expect(RESNET_20_LAYERS).toHaveLength(22);
    expect(await page.getByTestId('network-layer-from').inputValue()).toBe('14');
    expect(urlRange()).toBeNull();
    expect(session.pageErrors).toEqual([]);
  }, 40_000);

  it('draws a picked range, holds it in the URL, and marks the pairs across a shortcut as similarity only', async () => {
    await openNetwork();
    await page.getByTestId('network-layer-from').selectOption({ label: 'stage2_block1_conv1' });
    await expect.poll(urlRange).toBe('stage2_block1_conv1..fc');
    await page.getByTestId('network-layer-to').selectOption({ label: 'stage2_block3_conv2' });
    await expect.poll(urlRange).toBe('stage2_block1_conv1..stage2_block3_conv2');
    await expect.poll(drawnLayers).toEqual(RESNET_20_LAYERS.slice(7, 14));

    // conv1 -> conv2 inside a block is direct; conv2 -> the shortcut's conv and on to the next block cross the Add.
    expect(await pairs('network-weight-block')).toEqual([
      'stage2_block1_conv1>stage2_block1_conv2',
      'stage2_block2_conv1>stage2_block2_conv2',
      'stage2_block3_conv1>stage2_block3_conv2',
    ]);
    expect(await pairs('network-similarity-only')).toEqual([
      'stage2_block1_conv2>stage2_block1_shortcut_conv',
      'stage2_block1_shortcut_conv>stage2_block2_conv1',
      'stage2_block2_conv2>stage2_block3_conv1',
    ]);
    const mark = panel().getByTestId('network-similarity-only').first();
    expect(await mark.textContent()).toContain('similarity');
    const reason = RESNET_20_LINKS.find((link) => link.toLayer === 'stage2_block1_shortcut_conv')!.reason;
    expect(reason).toMatch(/stage2_block1_shortcut_conv/);
    expect(await mark.locator(':scope > title').textContent()).toBe(`similarity only: ${reason}; no important weights between them`);
    // Only direct pairs offer weights to click for their detail: the painted important weights are the direct blocks' own.
    expect(await panel().getByTestId('network-cells').getAttribute('data-important-weights')).toBe('3');
    // The overview says the same for the layer a shortcut feeds.
    expect(await page.getByTestId('network-summary').locator('tr[data-layer=stage2_block2_conv1] td').last().textContent()).toBe('similarity only');
    expect(session.pageErrors).toEqual([]);
  }, 40_000);

  it('reopens a shared range from the URL, and an overview row moves the range to its layer', async () => {
    await openNetwork('&layers=stage2_block1_conv1..stage2_block3_conv2');
    expect(await drawnLayers()).toEqual(RESNET_20_LAYERS.slice(7, 14));
    expect([await page.getByTestId('network-layer-from').inputValue(), await page.getByTestId('network-layer-to').inputValue()]).toEqual(['7', '13']);

    // Seven layers wide, centred on stage1_block3_conv1 (position 5): positions 2..8.
    await page.getByTestId('network-summary').locator('tr[data-layer=stage1_block3_conv1]').click();
    await expect.poll(urlRange).toBe('stage1_block1_conv2..stage2_block1_conv2');
    await expect.poll(drawnLayers).toEqual(RESNET_20_LAYERS.slice(2, 9));
    // Back walks to the shared range again.
    await page.goBack();
    await expect.poll(drawnLayers).toEqual(RESNET_20_LAYERS.slice(7, 14));

    // A range naming layers the run does not have falls back to the default.
    await openNetwork('&layers=conv1..fc8');
    expect(await drawnLayers()).toEqual(RESNET_20_LAYERS.slice(14));
    expect(session.pageErrors).toEqual([]);
  }, 40_000);
});
