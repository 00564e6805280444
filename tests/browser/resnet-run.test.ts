// The network view of a real ResNet run in real headless Chromium: a ResNet-20 ("model": "resnet-20") trained by the
// built-in trainer on a few images, its network abstraction computed by the real monitor's analysis workers at live
// settings when the view asks for it, and checked as a user would: the last eight of the 22 layers by default, the
// overview naming all of them, a range picked in the view going to the URL and coming back from it, the pairs across
// a shortcut showing only their similarity with the reason the analysis gives, and what is drawn (the important
// neurons' labels, the painted cells) agreeing with the abstraction the API answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { NetworkResponse } from '../../core/analysis-protocol.ts';
import type { CompareResponse } from '../../core/compare-protocol.ts';
import type { NetworkClassAbstraction, WeightSliceResponse } from '../../core/network-protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, type DashboardSession } from '../helpers/browser.ts';
import { importantWeightSpot } from '../helpers/network-canvas.ts';
import { resNet20MonitoredLayers, trainResNetRun } from '../helpers/trained-resnet-run.ts';

const dir = useTempDir();
const db = `${dir}/db`;
const RUN = 'resnet';
const CHECKPOINT = `?run=${RUN}&phase=target&epoch=1`;
let session: DashboardSession;
let page: Page;
let modelLayers: string[];

beforeAll(async () => {
  await trainResNetRun(dir, db, RUN);
  modelLayers = resNet20MonitoredLayers();
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
const rangeSelects = async () => [await page.getByTestId('network-layer-from').inputValue(), await page.getByTestId('network-layer-to').inputValue()];
/** A painted count: the canvas paints only while on screen, so it is scrolled to and its first paint awaited. */
const painted = async (what: 'matrix-cells' | 'important-weights'): Promise<number> => {
  const cells = panel().getByTestId('network-cells');
  await cells.scrollIntoViewIfNeeded();
  await expect.poll(() => cells.getAttribute(`data-${what}`)).not.toBeNull();
  return Number(await cells.getAttribute(`data-${what}`));
};

/** The stored abstraction of the target checkpoint, as the API answers it (the view has asked for it by then). */
async function storedAbstraction(): Promise<NetworkResponse> {
  const res = await fetch(`${session.monitor.url}api/runs/${RUN}/epochs/target/1/network`);
  expect(res.status).toBe(200);
  return (await res.json()) as NetworkResponse;
}

/** Opens the target checkpoint with `query` added and waits until the view has drawn its first class. */
async function openNetwork(query = ''): Promise<void> {
  await session.open(`${CHECKPOINT}${query}`);
  await expect.poll(renderedKey, { timeout: 45_000, interval: 250 }).toBe('target/1/0');
}

/** Each drawn layer's important neuron labels of one model, in drawn order. */
const drawnNeurons = (testId: 'network-neuron' | 'network-source-neuron') =>
  panel()
    .getByTestId(testId)
    .evaluateAll((els) => {
      const byLayer: Record<string, number[]> = {};
      for (const el of els) {
        (byLayer[el.getAttribute('data-layer')!] ??= []).push(Number(el.getAttribute('data-neuron')));
      }
      return byLayer;
    });

/**
 * What the canvas must paint for `layers` of class `c`: a similarity cell per pair of important source and target
 * neurons, and an important weight per stored important target weight of a drawn direct pair whose both ends are
 * drawn important neurons.
 */
function expectedCells(c: NetworkClassAbstraction, layers: readonly string[]): { matrixCells: number; importantWeights: number } {
  const layer = (name: string) => c.layers.find((l) => l.layer === name)!;
  const matrixCells = layers.reduce((sum, name) => sum + layer(name).importantNeurons.length * layer(name).importantSourceNeurons.length, 0);
  const importantWeights = c.boundaries
    .filter((b) => layers.includes(b.fromLayer) && layers.includes(b.toLayer) && layers.indexOf(b.toLayer) === layers.indexOf(b.fromLayer) + 1)
    .reduce(
      (sum, b) =>
        sum +
        b.target.from.filter((n1, k) => layer(b.fromLayer).importantNeurons.includes(n1) && layer(b.toLayer).importantNeurons.includes(b.target.to[k]!)).length,
      0,
    );
  return { matrixCells, importantWeights };
}

describe('network view of a trained and analysed ResNet-20 run in Chromium', () => {
  it('draws the last eight of the 22 layers the workers analysed, as the stored abstraction has them', async () => {
    await openNetwork();
    const { result, settings } = await storedAbstraction();
    expect(settings).toBe('live');
    // The layers are the model's own, as `"model": "resnet-20"` builds it, in model order.
    expect(result.layers).toEqual(modelLayers);
    expect(result.layers).toHaveLength(22);
    const shown = modelLayers.slice(14);
    expect(await drawnLayers()).toEqual(shown);
    expect(await rangeSelects()).toEqual(['14', '21']);
    expect(urlRange()).toBeNull();

    // The overview lists every layer with the stored important neuron count of the first class, the drawn rows marked.
    const firstClass = result.classes[0]!;
    const rows = page.getByTestId('network-summary').locator('tbody tr');
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-layer')))).toEqual(modelLayers);
    expect(await rows.evaluateAll((els) => els.filter((el) => el.getAttribute('data-shown') === 'true').map((el) => el.getAttribute('data-layer')))).toEqual(
      shown,
    );
    expect(await rows.evaluateAll((els) => els.map((el) => Number(el.querySelector('td:nth-child(2)')!.textContent)))).toEqual(
      modelLayers.map((name) => firstClass.layers.find((l) => l.layer === name)!.importantNeurons.length),
    );

    // Every drawn layer's labels are its stored important neurons of both models, in their order.
    const byName = (name: string) => firstClass.layers.find((l) => l.layer === name)!;
    expect(await drawnNeurons('network-neuron')).toEqual(Object.fromEntries(shown.map((name) => [name, byName(name).importantNeurons])));
    expect(await drawnNeurons('network-source-neuron')).toEqual(Object.fromEntries(shown.map((name) => [name, byName(name).importantSourceNeurons])));
    const expected = expectedCells(firstClass, shown);
    expect(expected.importantWeights).toBeGreaterThan(0);
    // The canvas is painted in an effect after the SVG: its counts are polled, not read once.
    await expect.poll(() => painted('matrix-cells')).toBe(expected.matrixCells);
    await expect.poll(() => painted('important-weights')).toBe(expected.importantWeights);
    expect(session.pageErrors).toEqual([]);
  }, 60_000);

  it('draws a range picked in the view, holds it in the URL, restores it on reload, and marks pairs across a shortcut', async () => {
    await openNetwork();
    const { result } = await storedAbstraction();
    await page.getByTestId('network-layer-from').selectOption({ label: 'stage2_block1_conv1' });
    await expect.poll(urlRange).toBe('stage2_block1_conv1..fc');
    await page.getByTestId('network-layer-to').selectOption({ label: 'stage2_block3_conv2' });
    await expect.poll(urlRange).toBe('stage2_block1_conv1..stage2_block3_conv2');
    const picked = modelLayers.slice(7, 14);
    await expect.poll(drawnLayers).toEqual(picked);

    const check = async (): Promise<void> => {
      // conv1 -> conv2 inside a block is direct; conv2 -> the shortcut's conv and on to the next block cross an Add.
      expect(await pairs('network-weight-block')).toEqual([
        'stage2_block1_conv1>stage2_block1_conv2',
        'stage2_block2_conv1>stage2_block2_conv2',
        'stage2_block3_conv1>stage2_block3_conv2',
      ]);
      const across = [
        'stage2_block1_conv2>stage2_block1_shortcut_conv',
        'stage2_block1_shortcut_conv>stage2_block2_conv1',
        'stage2_block2_conv2>stage2_block3_conv1',
      ];
      expect(await pairs('network-similarity-only')).toEqual(across);
      // Each says why, in the analysis' own words.
      const titles = await panel()
        .getByTestId('network-similarity-only')
        .evaluateAll((els) => els.map((el) => el.querySelector(':scope > title')!.textContent));
      const reasons = across.map((pair) => result.links!.find((link) => `${link.fromLayer}>${link.toLayer}` === pair)!);
      expect(reasons.every((link) => !link.direct && /shortcut|Add/.test(link.reason!))).toBe(true);
      expect(titles).toEqual(reasons.map((link) => `similarity only: ${link.reason}; no important weights between them`));
      expect(await panel().getByTestId('network-similarity-only').first().textContent()).toContain('similarity');
      const expected = expectedCells(result.classes[0]!, picked);
      // The canvas is painted in an effect after the SVG: its counts are polled, not read once.
      await expect.poll(() => painted('matrix-cells')).toBe(expected.matrixCells);
      await expect.poll(() => painted('important-weights')).toBe(expected.importantWeights);
      // The overview says the same of the layer a shortcut feeds, and marks the picked rows.
      const fedByShortcut = page.getByTestId('network-summary').locator('tr[data-layer=stage2_block2_conv1] td').last();
      expect(await fedByShortcut.textContent()).toBe('similarity only');
      expect(await fedByShortcut.getAttribute('title')).toBe(titles[1]);
      expect(
        await page
          .getByTestId('network-summary')
          .locator('tbody tr[data-shown=true]')
          .evaluateAll((els) => els.map((el) => el.getAttribute('data-layer'))),
      ).toEqual(picked);
    };
    await check();

    // A reload of that URL opens the same range.
    await page.reload();
    await expect.poll(renderedKey, { timeout: 30_000, interval: 250 }).toBe('target/1/0');
    expect(urlRange()).toBe('stage2_block1_conv1..stage2_block3_conv2');
    expect(await drawnLayers()).toEqual(picked);
    expect(await rangeSelects()).toEqual(['7', '13']);
    await check();
    expect(session.pageErrors).toEqual([]);
  }, 60_000);

  it('an overview row moves the range to its layer, back walks to the shared range, and unknown names fall back', async () => {
    await openNetwork('&layers=stage2_block1_conv1..stage2_block3_conv2');
    expect(await drawnLayers()).toEqual(modelLayers.slice(7, 14));

    // Seven layers wide, centred on stage1_block3_conv1 (position 5): positions 2..8.
    await page.getByTestId('network-summary').locator('tr[data-layer=stage1_block3_conv1]').click();
    await expect.poll(urlRange).toBe('stage1_block1_conv2..stage2_block1_conv2');
    await expect.poll(drawnLayers).toEqual(modelLayers.slice(2, 9));
    await page.goBack();
    await expect.poll(drawnLayers).toEqual(modelLayers.slice(7, 14));

    // A range naming layers the run does not have (AlexNet's, say) falls back to the default.
    await openNetwork('&layers=conv1..fc8');
    expect(await drawnLayers()).toEqual(modelLayers.slice(14));
    expect(session.pageErrors).toEqual([]);
  }, 60_000);
  it('compares the source and target checkpoints layer by layer (the convolutions have no bias)', async () => {
    // Found by this test: a layer stored without a bias made the per-neuron weight similarity loop forever, and the
    // monitor with it (docs/decisions.md, "The network view of a trained ResNet run").
    await session.open(`?a=${RUN}:source:1&b=${RUN}:target:1`);
    await expect
      .poll(() => page.getByTestId('compare-view').getAttribute('data-rendered-key'), { timeout: 30_000, interval: 250 })
      .toBe('resnet · source · epoch 1|resnet · target · epoch 1');
    const rows = page.getByTestId('compare-layer-row');
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-layer')))).toEqual(modelLayers);
    // One epoch of fine-tuning moved every layer; the view shows the distances the route computed.
    const res = await fetch(`${session.monitor.url}api/compare?a=${RUN}:source:1&b=${RUN}:target:1`);
    expect(res.status).toBe(200);
    const { layers } = (await res.json()) as CompareResponse;
    expect((await page.getByTestId('compare-layer-l2').allTextContents()).map(Number)).toEqual(layers!.map((l) => Number(l.relativeL2!.toFixed(4))));
    expect(layers!.every((l) => l.relativeL2! > 0)).toBe(true);
    // One similarity per output channel: as many as the network abstraction counts in each layer.
    const { result } = await storedAbstraction();
    expect(layers!.map((l) => l.neuronSimilarity!.histogram.reduce((sum, n) => sum + n, 0))).toEqual(result.classes[0]!.layers.map((l) => l.targetNeurons));
    expect(session.pageErrors).toEqual([]);
  }, 60_000);

  it('details a clicked important weight inside a block: its 3x3 kernel slice in both models, as the route serves it', async () => {
    await openNetwork();
    expect(await painted('important-weights')).toBeGreaterThan(0);
    const spot = await importantWeightSpot(panel().getByTestId('network-cells'));
    await page.mouse.move(spot.x, spot.y);
    const hovered = panel().getByTestId('network-cell-hover');
    expect(await hovered.locator('title').textContent()).toMatch(/important target weight: \d+ instances/);
    const [from, to, block] = await Promise.all(['data-from', 'data-to', 'data-block'].map((name) => hovered.getAttribute(name)));
    // The last eight layers' direct pairs are conv1 -> conv2 inside a block of stage 3.
    expect(block).toMatch(/^stage3_block\d_conv2$/);
    await page.mouse.click(spot.x, spot.y);
    const detail = page.getByTestId('network-weight-detail');
    await detail.waitFor({ timeout: 10_000 });
    expect(await detail.textContent()).toContain(`${from} → `);
    const res = await fetch(`${session.monitor.url}api/runs/${RUN}/epochs/target/1/layers/${block}/weights?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    const served = (await res.json()) as WeightSliceResponse;
    expect(served).toMatchObject({ layer: block, fromLayer: block!.replace('conv2', 'conv1'), kind: 'conv', rows: 3, cols: 3 });
    // ResNet-20's convolutions have no bias (batch norm's beta is theirs): the slice says 0, and so does the detail.
    expect(served.bias).toBe(0);
    expect(await detail.textContent()).toContain('· bias 0');
    for (const model of ['target', 'source']) {
      const map = detail.getByTestId(`network-weight-map-${model}`);
      await map.waitFor({ timeout: 10_000 });
      expect(await map.locator('svg').first().locator('rect').count()).toBe(9);
    }
    expect(session.pageErrors).toEqual([]);
  }, 60_000);
});
