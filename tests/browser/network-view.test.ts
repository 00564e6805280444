// The network relation view in real headless Chromium: a trained smoke run, opened at its target checkpoint,
// computes and draws the diagonal of eight matrices with their region histograms; a switch hides them; another
// class redraws it; a clicked weight (its cell on the canvas under the SVG) shows its weight maps; clicked neurons
// of both models show their detail.
// Each case opens its checkpoint on a fresh page; the trained store, monitor and browser are shared.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, type DashboardSession } from '../helpers/browser.ts';
import { importantWeightSpot } from '../helpers/network-canvas.ts';
import { analysisKey } from '../../core/analysis-keys.ts';
import type { NetworkResponse } from '../../core/analysis-protocol.ts';

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
  // Unset when beforeAll failed; closing must not hide that failure.
  await (session as DashboardSession | undefined)?.close();
});

const panel = () => page.getByTestId('network-panel');
// Feature images render in child processes that open the store: let them finish before the store folder goes.
const imagesSettled = (selector: string) =>
  expect
    .poll(() => page.locator(`${selector} img`).evaluateAll((imgs) => imgs.every((img) => (img as HTMLImageElement).complete)), {
      timeout: 120_000,
      interval: 250,
    })
    .toBe(true);
const cells = () => panel().getByTestId('network-cells');
/** A painted count: the canvas paints only while on screen, so it is scrolled to and its first paint awaited. */
const painted = async (what: 'matrix-cells' | 'weight-cells' | 'important-weights' | 'source-weights'): Promise<number> => {
  await cells().scrollIntoViewIfNeeded();
  await expect.poll(() => cells().getAttribute(`data-${what}`)).not.toBeNull();
  return Number(await cells().getAttribute(`data-${what}`));
};
const hovered = () => panel().getByTestId('network-cell-hover');

const renderedKey = async (): Promise<string> =>
  (await panel()
    .getAttribute('data-rendered-key', { timeout: 1000 })
    .catch(() => null)) ?? '';

describe('network relation view in Chromium, at the target checkpoint', () => {
  // The first visit computes the network abstraction; later ones read it from the store.
  beforeEach(async () => {
    await session.open('?run=net&phase=target&epoch=1');
    await expect.poll(renderedKey, { timeout: 150_000, interval: 500 }).toBe('target/1/0');
  }, 180_000);

  it('computes and draws the eight matrices of the target checkpoint with their region histograms', async () => {
    expect(await page.getByTestId('network-matrix').count()).toBe(8);
    const layers = await page.getByTestId('network-matrix').evaluateAll((els) => els.map((el) => el.getAttribute('data-layer')));
    expect(layers).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8']);
    // Three histograms per matrix, and per weight block one histogram plus boxplots with pies.
    expect(await panel().getByTestId('network-region-histogram').count()).toBe(24);
    expect(await page.getByTestId('network-weight-block').count()).toBe(7);
    expect(await panel().getByTestId('network-weight-histogram').count()).toBe(7);
    expect(await panel().getByTestId('network-boxplot').count()).toBeGreaterThan(0);
    expect(await panel().getByTestId('network-pie').count()).toBe(await panel().getByTestId('network-boxplot').count());
    // The matrices step down and right along the diagonal.
    const boxes = await Promise.all((await page.getByTestId('network-matrix').all()).map((m) => m.locator('.network-frame').boundingBox()));
    boxes.slice(1).forEach((box, i) => {
      expect(box!.x).toBeGreaterThan(boxes[i]!.x + boxes[i]!.width - 1);
      expect(box!.y).toBeGreaterThan(boxes[i]!.y + boxes[i]!.height - 1);
    });
    // Every cell of the matrices and weight blocks is painted.
    expect(await painted('matrix-cells')).toBeGreaterThan(50);
    expect(await painted('weight-cells')).toBeGreaterThan(50);
    expect(await painted('important-weights')).toBeGreaterThan(0);
    // Neuron indices in domain colours on both sides; every mark has a tooltip, a painted cell too (on hover).
    expect(await panel().getByTestId('network-source-neuron').first().getAttribute('fill')).toBe('#d62728');
    expect(await panel().getByTestId('network-neuron').first().getAttribute('fill')).toBe('#1f77b4');
    const firstMatrix = panel().getByTestId('network-matrix').first().locator('.network-frame');
    await firstMatrix.scrollIntoViewIfNeeded();
    const corner = (await firstMatrix.boundingBox())!;
    await page.mouse.move(corner.x + 5, corner.y + 5);
    expect(await hovered().locator('title').textContent()).toMatch(
      /^conv1: source neuron \d+ vs target neuron \d+ \(both important\)\nsimilarity -?\d\.\d{3}$/,
    );
    // A histogram's region, a boxplot and a neuron label each carry their own tooltip; a histogram bin's is made on
    // hover (next case).
    const untitled = await panel()
      .locator('svg .network-histogram > .network-region, svg .network-boxplot, svg text.network-neuron')
      .evaluateAll((els) => els.filter((el) => !el.querySelector(':scope > title')?.textContent).length);
    expect(untitled).toBe(0);
    expect(await page.getByTestId('network-summary').locator('tbody tr').count()).toBe(8);
  });

  it("tooltips every boxplot with its stored weight group, and the histogram bin under the pointer with the bin's stored count", async () => {
    const res = await fetch(new URL('api/runs/net/epochs/target/1/network', session.monitor.url));
    expect(res.status).toBe(200);
    const stored = ((await res.json()) as NetworkResponse).result.classes[0]!;
    const boundary = (from: string, to: string) => stored.boundaries.find((b) => b.fromLayer === from && b.toLayer === to)!;
    // Each boxplot's one tooltip names its neuron and direction; its numbers are that stored group's.
    const titles = await panel()
      .getByTestId('network-boxplot')
      .evaluateAll((els) => els.map((el) => el.querySelector(':scope > title')?.textContent ?? ''));
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) {
      const [head, counts, shares] = title.split('\n');
      const out = /^weights (\w+) (\d+) → non-important (\w+) neurons$/.exec(head!);
      const into = /^weights non-important (\w+) neurons → (\w+) (\d+)$/.exec(head!);
      expect(out ?? into, head).not.toBeNull();
      const regions = out ? boundary(out[1]!, out[3]!).regions.fromImportant : boundary(into![1]!, into![2]!).regions.toImportant;
      const group = regions.find((g) => g.neuron === Number(out ? out[2] : into![3]))!;
      expect(counts).toMatch(new RegExp(`^${group.weights} weights: ${group.levels ? 'activated level min ' : 'no weights$'}`));
      expect(shares).toBe(`important ${group.important} (inherited ${group.inherited})`);
    }
    // A bar of conv1's other x other region, in its middle on whole pixels (where the mouse moves to) and not
    // covered by a neighbouring mark: pointing at it shows its bin's count of the stored histogram.
    const histogram = stored.layers.find((l) => l.layer === 'conv1')!.similarityRegions.otherOther;
    const region = panel().getByTestId('network-matrix').first().getByTestId('network-region-histogram').last();
    await region.scrollIntoViewIfNeeded();
    const spot = await region.evaluate((g) => {
      const [bars, svg] = [g.querySelector('.network-histogram-bar')!, g.closest('svg')!.getBoundingClientRect()];
      const subpaths = bars.getAttribute('d')!.split('M').slice(1);
      for (const [k, sub] of subpaths.entries()) {
        const [x, y, w, h] = /^([\d.-]+),([\d.-]+)h([\d.-]+)v([\d.-]+)/.exec(sub)!.slice(1).map(Number);
        const at = { x: Math.round(svg.left + x! + w! / 2), y: Math.round(svg.top + y! + h! / 2) };
        if (document.elementFromPoint(at.x, at.y)?.closest('.network-histogram') === g) {
          return { ...at, bar: k, bars: subpaths.length };
        }
      }
      return null;
    });
    expect(spot).not.toBeNull();
    const nonEmpty = histogram.counts.flatMap((n, i) => (n > 0 ? [i] : []));
    expect(spot!.bars).toBe(nonEmpty.length);
    await page.mouse.move(spot!.x, spot!.y);
    const binTitle = region.getByTestId('network-histogram-hover').locator('title');
    const total = histogram.counts.reduce((a, b) => a + b, 0);
    await expect
      .poll(() => binTitle.textContent())
      .toMatch(new RegExp(`^conv1: similarity, other source x other target neurons\n\\[.+\\): ${histogram.counts[nonEmpty[spot!.bar]!]} of ${total}$`));
    const svg = (await panel().getByTestId('network-svg').boundingBox())!;
    await page.mouse.move(svg.x - 5, svg.y - 5);
    await expect.poll(() => region.getByTestId('network-histogram-hover').count()).toBe(0);
  });

  it('paints the cells only while the canvas is on screen, and catches up when scrolled to', async () => {
    const shownSource = await painted('source-weights');
    expect(shownSource).toBeGreaterThan(0);
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: size.width, height: 200 });
    try {
      await page.evaluate(() => window.scrollTo(0, 0));
      expect(await cells().evaluate((c) => c.getBoundingClientRect().top > window.innerHeight + 200)).toBe(true);
      // Two frames: the intersection observer reports the scroll in the frame after it.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      // A click in the page itself, so the switch is not scrolled into view (with the canvas near it).
      await page.getByTestId('network-show-source').evaluate((box: HTMLInputElement) => box.click());
      expect(await page.getByTestId('network-show-source').isChecked()).toBe(false);
      // Below the fold the canvas still holds the last paint.
      expect(await cells().getAttribute('data-source-weights')).toBe(String(shownSource));
      await expect.poll(() => painted('source-weights')).toBe(0);
    } finally {
      await page.setViewportSize(size);
    }
  });

  it('hides the non-important regions and the source weights with their switches', async () => {
    const sourceWeights = () => painted('source-weights');
    const shownSource = await sourceWeights();
    expect(shownSource).toBeGreaterThan(0);
    await page.getByTestId('network-show-other').uncheck();
    await expect.poll(() => panel().getByTestId('network-region-histogram').count()).toBe(0);
    expect(await panel().getByTestId('network-boxplot').count()).toBe(0);
    expect(await page.getByTestId('network-matrix').count()).toBe(8);
    await page.getByTestId('network-show-other').check();
    await expect.poll(() => panel().getByTestId('network-region-histogram').count()).toBe(24);
    await page.getByTestId('network-show-source').uncheck();
    await expect.poll(sourceWeights).toBe(0);
    await page.getByTestId('network-show-source').check();
    await expect.poll(sourceWeights).toBe(shownSource);
  });

  it("shows a clicked weight's connected neurons and its weight maps in both models", async () => {
    // Pointing at an important weight's cell names it in its tooltip; a click opens its detail.
    expect(await painted('important-weights')).toBeGreaterThan(0);
    const spot = await importantWeightSpot(cells());
    await page.mouse.move(spot.x, spot.y);
    expect(await hovered().locator('title').textContent()).toMatch(/important target weight: \d+ instances/);
    const [from, to, block] = await Promise.all(['data-from', 'data-to', 'data-block'].map((name) => hovered().getAttribute(name)));
    await page.mouse.click(spot.x, spot.y);
    const detail = page.getByTestId('network-weight-detail');
    await detail.waitFor({ timeout: 10_000 });
    expect(await detail.textContent()).toContain(`${from} → `);
    expect(await detail.textContent()).toMatch(/important for \d+ instances/);
    for (const model of ['target', 'source']) {
      const map = detail.getByTestId(`network-weight-map-${model}`);
      await map.waitFor({ timeout: 10_000 });
      expect(await map.locator('rect').count()).toBeGreaterThan(0);
    }
    // The maps are this weight's kernel slices, as the route serves them.
    const served = (await (await fetch(new URL(`api/runs/net/epochs/target/1/layers/${block}/weights?from=${from}&to=${to}`, session.monitor.url))).json()) as {
      rows: number;
      cols: number;
    };
    expect(await detail.getByTestId('network-weight-map-target').locator('svg').first().locator('rect').count()).toBe(served.rows * served.cols);
    await imagesSettled('[data-testid=network-weight-detail]');
    await detail.getByRole('button', { name: 'Close the weight detail' }).click();
    expect(await page.getByTestId('network-weight-detail').count()).toBe(0);
  }, 180_000);

  it('redraws for another class and details a clicked neuron of either model', async () => {
    const select = page.getByTestId('network-class-select');
    const options = await select.locator('option').count();
    expect(options).toBe(10);
    await select.selectOption({ index: 3 });
    await expect.poll(renderedKey, { timeout: 20_000 }).toBe('target/1/3');
    expect(await page.getByTestId('network-matrix').count()).toBe(8);

    await page.getByTestId('network-neuron').first().click();
    const detail = page.getByTestId('network-detail');
    await detail.waitFor({ timeout: 10_000 });
    expect(await detail.textContent()).toMatch(/target neuron \d+.*most similar source neurons/);
    const similar = await detail.getByTestId('network-similar').allTextContents();
    expect(similar.length).toBe(5);
    expect(similar[0]).toMatch(/source neuron \d+.*-?\d\.\d{3}/);
    // The neuron's feature visualisation, rendered by the monitor from the checkpoint's weights.
    const image = detail.getByTestId('network-feature-image');
    await expect
      .poll(async () => image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), { timeout: 60_000, interval: 250 })
      .toBe(32);

    await page.getByTestId('network-source-neuron').first().click();
    await expect.poll(async () => (await page.getByTestId('network-detail').textContent()) ?? '').toMatch(/source neuron \d+.*most similar target neurons/);
    expect(await page.getByTestId('network-detail').getByTestId('network-similar').count()).toBe(5);
    await imagesSettled('[data-testid=network-detail]');
    await page.getByTestId('network-panel').screenshot({ path: `${dir}/network-view.png` });
    if (process.env.NETWORK_SCREENSHOT) {
      await page.getByTestId('network-panel').screenshot({ path: process.env.NETWORK_SCREENSHOT });
    }
    expect(session.pageErrors).toEqual([]);
    // A dozen feature images, each rendered in its own child process on a shared 2-core machine.
  }, 300_000);

  // Last in this block: from here on the checkpoint's best stored result is the refined one.
  it('labels the live estimate and switches to the refined result when it lands, keeping the class and the clicked neuron', async () => {
    const label = page.getByTestId('network-settings');
    expect([await label.getAttribute('data-settings'), await label.textContent()]).toEqual(['live', 'live estimate, 8 steps, 20 instances']);
    await page.getByTestId('network-class-select').selectOption({ index: 2 });
    await expect.poll(renderedKey, { timeout: 20_000 }).toBe('target/1/2');
    await page.getByTestId('network-neuron').first().click();
    const detail = page.getByTestId('network-detail');
    await detail.waitFor({ timeout: 10_000 });
    const picked = await detail.textContent();

    // The refinement is stored, then announced, as the background queue does (its order is tested in
    // tests/monitor/analysis-queue.test.ts); a copy of the estimate with the paper's settings stands in for it.
    const epochs = await session.store.listEpochs('net');
    const at = epochs.find((e) => e.phase === 'target' && e.epoch === 1)!;
    const key = analysisKey('network', 'net', epochs, at, null, 'paper')!;
    const live = (await session.store.getAnalysis('network', { ...key, settings: 'live' }))!;
    await session.store.putAnalysis('network', key, { ...live, steps: 50, maxPerClass: 200 });
    session.monitor.io
      .to('net')
      .emit('analysis', { runId: 'net', at: { phase: 'target', epoch: 1, step: at.step }, status: 'done', settings: 'paper', kind: 'network' });

    await expect.poll(() => label.getAttribute('data-settings'), { timeout: 20_000 }).toBe('paper');
    expect(await label.textContent()).toBe('paper settings (50 steps, up to 200 instances)');
    expect(await renderedKey()).toBe('target/1/2');
    expect(await page.getByTestId('network-class-select').inputValue()).toBe('2');
    expect(await detail.textContent()).toBe(picked);
    await imagesSettled('[data-testid=network-detail]');
    expect(session.pageErrors).toEqual([]);
  }, 60_000);
});

describe('network relation view in Chromium, at the first source checkpoint', () => {
  it('says why the first source checkpoint has nothing to show, and compares it with a picked checkpoint', async () => {
    await session.open('?run=net&phase=source&epoch=1');
    const text = async () =>
      (await panel()
        .textContent({ timeout: 1000 })
        .catch(() => null)) ?? '';
    await expect.poll(text, { timeout: 20_000 }).toMatch(/first source checkpoint/);
    const select = page.getByTestId('network-reference-select');
    // Every checkpoint of the run is offered; the viewed one cannot be picked.
    expect(await select.locator('option').allTextContents()).toEqual(['pick a checkpoint', 'source · epoch 1 (viewed)', 'target · epoch 1']);
    expect(await select.locator('option[disabled]').getAttribute('value')).toBe('source:1');
    await select.selectOption('target:1');
    await expect.poll(renderedKey, { timeout: 120_000, interval: 500 }).toBe('source/1/0@target:1');
    expect(await page.getByTestId('network-matrix').count()).toBe(8);
    expect(await text()).toContain('vs target · epoch 1');
    // The reference model's neurons are the red side: its important neurons are listed there.
    expect(await panel().getByTestId('network-source-neuron').count()).toBeGreaterThan(0);
    await select.selectOption('');
    await expect.poll(text).toMatch(/first source checkpoint/);
    expect(await renderedKey()).toBe('');
    expect(session.pageErrors).toEqual([]);
  }, 180_000);
});
