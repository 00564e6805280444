// The instance view's DVI layout in real headless Chromium: the t-SNE/DVI switch in the URL, the boundary map drawn
// under the points, a click on an empty spot decoded to class probabilities, scrubbing swapping the map, and compare
// mode with both maps. The store holds hand-made projections (written as the projection stage stores them), so no
// visualisation model is fitted here: the fit has its own tests, and this file stays within seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { analysisKey } from '../../core/analysis-keys.ts';
import type { AnalysisKind, AnalysisResults } from '../../core/analysis-protocol.ts';
import type { InstanceProjection } from '../../core/instances-protocol.ts';
import type { ProjectionAnalysis, ProjectionBounds } from '../../core/projection-protocol.ts';
import type { Phase } from '../../core/protocol.ts';
import { classPalette } from '../../core/class-palette.ts';
import { encodePng } from '../../lib/png/index.ts';
import { Store } from '../../store/store.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, waitForStillChart, type DashboardSession } from '../helpers/browser.ts';
import { epochRecord, instanceProjection, layerWeights, runMeta } from '../helpers/run-fixture.ts';

const dir = useTempDir();
const db = `${dir}/db`;
const RUN = 'dvi';
const CLASSES = ['cat', 'dog', 'bird'];
const PER_SPLIT = 12;
// Not square: the view must draw it in a square plot without stretching it.
const BOUNDS: ProjectionBounds = { minX: -3, maxX: 3, minY: -2, maxY: 3 };
const GRID = 10;
let session: DashboardSession;
let page: Page;

/** The class whose region holds (x, y): by x (thirds) at target epoch 1, by y at epoch 2, so the boundaries moved. */
function regionClass(epoch: number, x: number, y: number): number {
  const t = epoch === 1 ? (x - BOUNDS.minX) / (BOUNDS.maxX - BOUNDS.minX) : (BOUNDS.maxY - y) / (BOUNDS.maxY - BOUNDS.minY);
  return Math.min(2, Math.floor(3 * t));
}

/** Cell centres of an R x R grid over BOUNDS, row 0 at maxY, as the projection stage lays them out. */
function cellCentre(r: number, row: number, column: number): [number, number] {
  return [BOUNDS.minX + ((column + 0.5) * (BOUNDS.maxX - BOUNDS.minX)) / r, BOUNDS.maxY - ((row + 0.5) * (BOUNDS.maxY - BOUNDS.minY)) / r];
}

// The projection stage draws the map in the product's class palette.
const COLOURS = classPalette(CLASSES.length);

function projection(epoch: number): ProjectionAnalysis {
  const count = 2 * PER_SPLIT;
  const rows = Array.from({ length: count }, (_, r) => r);
  // Instances near the centre, one small cluster per class, so the map's corners stay empty.
  const label = rows.map((r) => r % 3);
  // At epoch 2 the cats move right, from the middle third (dog's region of epoch 1's map) to the right one (bird's).
  const x = rows.map((r) => 0.5 * Math.cos((2 * Math.PI * label[r]!) / 3) + 0.01 * r + (epoch === 2 && label[r] === 0 ? 1.2 : 0));
  const y = rows.map((r) => 0.5 + 0.5 * Math.sin((2 * Math.PI * label[r]!) / 3) + (epoch === 2 ? 0.3 : 0));
  const probabilities = new Uint8Array(GRID * GRID * 3);
  const rgb = new Uint8Array(20 * 20 * 3);
  for (let row = 0; row < GRID; row++) {
    for (let column = 0; column < GRID; column++) {
      probabilities[(row * GRID + column) * 3 + regionClass(epoch, ...cellCentre(GRID, row, column))] = 255;
    }
  }
  for (let row = 0; row < 20; row++) {
    for (let column = 0; column < 20; column++) {
      rgb.set(COLOURS[regionClass(epoch, ...cellCentre(20, row, column))]!, (row * 20 + column) * 3);
    }
  }
  return {
    count,
    domain: rows.map((r) => (r < PER_SPLIT ? 0 : 1)),
    index: rows.map((r) => r % PER_SPLIT),
    label,
    // Instance 0 is right at epoch 1 and wrong at epoch 2 (a prediction that changed).
    predicted: rows.map((r) => (epoch === 2 && r === 0 ? 1 : label[r]!)),
    x,
    y,
    boundary: { count: 2, x: [-1, 1], y: [0, 0], classA: [0, 1], classB: [1, 2], gap: [0.05, 0.08] },
    map: { resolution: 20, bounds: BOUNDS, probabilityResolution: GRID, classCount: 3, probabilities: Buffer.from(probabilities).toString('base64') },
    metrics: {
      k: 15,
      neighbourPreservation: 0.6,
      boundaryNeighbourPreservation: 0.5,
      predictionPreservation: 0.9,
      temporalCorrelation: epoch === 2 ? 0.4 : null,
    },
    settings: {
      layer: 'flatten',
      dimensions: 8,
      hidden: [4],
      epochs: 3,
      temporalWeight: epoch === 2 ? 0.3 : 0,
      warmStartedFrom: epoch === 2 ? { phase: 'target', epoch: 1, step: 2 } : null,
      previousCheckpoint: { phase: epoch === 2 ? 'target' : 'source', epoch: 1, step: epoch === 2 ? 2 : 1 },
      finalLosses: { total: 1, umap: 0.5, reconstruction: 0.5, temporal: 0, prediction: 0 },
      perClassCap: 1500,
      boundaryRequested: 3,
      resolution: 20,
      seed: 1,
    },
    seconds: 1,
    fitSeconds: 1,
    model: { dimensions: 8, hidden: [4], center: '', scale: 1, encoder: [], decoder: [] },
    mapPng: Buffer.from(encodePng(rgb, 20, 20)).toString('base64'),
  };
}

function tsne(epoch: number): InstanceProjection {
  const { count, domain, index, label, predicted } = projection(epoch);
  return instanceProjection({
    count,
    domain,
    index,
    label,
    predicted,
    x: label.map((c, r) => c * 3 + 0.1 * r),
    y: label.map((c) => -c * 2),
    layer: 'flatten',
    activationDimensions: 8,
  });
}

/** A run with three checkpoints and every analysis the dashboard asks for stored, so no analysis child starts. */
async function writeRun(): Promise<void> {
  const store = await Store.open(db);
  try {
    await store.createRun(
      runMeta(RUN, {
        status: 'finished',
        classNames: CLASSES,
        datasetSizes: { sourceTrain: 12, sourceValidation: PER_SPLIT, targetTrain: 12, targetValidation: PER_SPLIT },
      }),
    );
    const predictions = [
      { split: 'source-validation' as const, predicted: new Int16Array(PER_SPLIT) },
      { split: 'target-validation' as const, predicted: new Int16Array(PER_SPLIT) },
    ];
    const checkpoints: [Phase, number, number][] = [
      ['source', 1, 1],
      ['target', 1, 2],
      ['target', 2, 3],
    ];
    for (const [phase, epoch, step] of checkpoints) {
      await store.commitEpoch(RUN, { record: epochRecord(phase, epoch, step), predictions, weights: [layerWeights('fc8', 3, 0.1)] });
    }
    const epochs = await store.listEpochs(RUN);
    const put = async <K extends AnalysisKind>(kind: K, phase: Phase, epoch: number, result: AnalysisResults[K]): Promise<void> => {
      const key = analysisKey(
        kind,
        RUN,
        epochs,
        epochs.find((e) => e.phase === phase && e.epoch === epoch)!,
      );
      if (key) {
        await store.putAnalysis(kind, key, result);
      }
    };
    for (const [phase, epoch] of checkpoints) {
      const at = phase === 'source' ? 1 : epoch;
      await put('network', phase, epoch, { steps: 16, maxPerClass: 20, seconds: 1, classes: [] });
      await put('features', phase, epoch, { steps: 16, maxPerClass: 20, C: 1, seconds: 1, classes: [] });
      await put('instances', phase, epoch, tsne(at));
      await put('projection', phase, epoch, projection(at));
    }
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  await writeRun();
  session = await openDashboardSession(db);
  page = session.page;
}, 60_000);
afterAll(async () => {
  // Unset when beforeAll failed; closing must not hide that failure.
  await (session as DashboardSession | undefined)?.close();
});

const attribute = (locator: () => Locator, name: string) => async (): Promise<string> =>
  (await locator()
    .getAttribute(name, { timeout: 1000 })
    .catch(() => null)) ?? '';
const panel = () => page.getByTestId('instance-panel');
const renderedKey = attribute(() => page.getByTestId('instance-panel'), 'data-rendered-key');
const chart = () => page.getByTestId('instance-chart');
const mapUrl = (epoch: number) => `/api/runs/${RUN}/epochs/target/${epoch}/projection/background.png`;

/** Share of the plot's canvas pixels that are strongly coloured: the map covers most of the plot, the glyphs little. */
const colouredShare = (canvas: Locator) =>
  canvas.evaluate((c: HTMLCanvasElement) => {
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 200 && Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!) > 60) {
        coloured++;
      }
    }
    return coloured / (data.length / 4);
  });

/** Page position of layout point (x, y) in a chart showing BOUNDS (square plot area 8 px in, 36 px from the top). */
async function pagePosition(of: Locator, x: number, y: number): Promise<{ x: number; y: number }> {
  await of.scrollIntoViewIfNeeded();
  const box = (await of.boundingBox())!;
  const side = Math.max(BOUNDS.maxX - BOUNDS.minX, BOUNDS.maxY - BOUNDS.minY);
  const minX = (BOUNDS.minX + BOUNDS.maxX - side) / 2;
  const maxY = (BOUNDS.minY + BOUNDS.maxY + side) / 2;
  const width = box.width - 16;
  const height = box.height - 44;
  return { x: box.x + 8 + ((x - minX) / side) * width, y: box.y + 36 + ((maxY - y) / side) * height };
}

const probeRows = () => page.getByTestId('projection-probe-row');

describe('the DVI layout of the instance view', () => {
  it('switches from t-SNE to DVI in the URL and draws the boundary map under the points, then back', async () => {
    await session.open(`?run=${RUN}&phase=target&epoch=1`);
    await expect.poll(renderedKey, { timeout: 30_000 }).toBe('target/1/0,1,2');
    expect(await chart().getAttribute('data-map-url')).toBeNull();
    const canvas = await waitForStillChart(chart());
    const tsneColoured = await colouredShare(canvas);

    await page.getByTestId('layout-switch-dvi').click();
    await expect.poll(renderedKey, { timeout: 30_000 }).toBe('dvi:target/1/0,1,2');
    expect(new URL(page.url()).searchParams.get('layout')).toBe('dvi');
    expect(await chart().getAttribute('data-map-url')).toBe(mapUrl(1));
    expect(await chart().getAttribute('data-boundary-count')).toBe('2');
    // The map image loaded and fills the plot (the t-SNE plot is mostly white).
    await expect.poll(() => colouredShare(canvas), { timeout: 10_000 }).toBeGreaterThan(0.5);
    expect(tsneColoured).toBeLessThan(0.2);
    expect(await page.getByTestId('projection-trust-neighbours').textContent()).toBe('neighbours 9.0/15');
    expect(await page.getByTestId('projection-trust-prediction').textContent()).toBe('predictions 90%');
    expect(await page.getByTestId('projection-trust-tsne').textContent()).toBe('t-SNE 10.5/15');
    expect(await page.getByTestId('projection-trust-temporal').count()).toBe(0);
    // Every cell of the hand-made map is sure of its class: no warning about a white map.
    expect(await page.getByTestId('projection-undecided').count()).toBe(0);

    await page.getByTestId('boundary-points-toggle').uncheck();
    await expect.poll(attribute(chart, 'data-boundary-count')).toBe('0');

    await page.getByTestId('layout-switch-tsne').click();
    await expect.poll(renderedKey, { timeout: 10_000 }).toBe('target/1/0,1,2');
    expect(new URL(page.url()).searchParams.get('layout')).toBeNull();
    expect(await chart().getAttribute('data-map-url')).toBeNull();
    await expect.poll(() => colouredShare(canvas), { timeout: 10_000 }).toBeLessThan(0.2);
    expect(session.pageErrors).toEqual([]);
  }, 60_000);

  it('decodes a clicked empty spot to class probabilities, and reads the new map there after scrubbing', async () => {
    await session.open(`?run=${RUN}&phase=target&epoch=1&layout=dvi`);
    await expect.poll(renderedKey, { timeout: 30_000 }).toBe('dvi:target/1/0,1,2');
    await waitForStillChart(chart());
    // Bottom left of the map, far from every instance: the cat region at epoch 1 (by x), the bird region at epoch 2 (by y).
    // The plot is square, the map is not: above y = 3 there is plot but no map.
    const offMap = await pagePosition(chart(), -2.5, 3.3);
    await page.mouse.click(offMap.x, offMap.y);
    await expect.poll(async () => page.getByTestId('projection-probe-hint').textContent(), { timeout: 10_000 }).toMatch(/outside the map/);
    const spot = await pagePosition(chart(), -2.5, -1.5);
    await page.mouse.click(spot.x, spot.y);
    await expect.poll(() => probeRows().count(), { timeout: 10_000 }).toBe(3);
    expect(await probeRows().first().textContent()).toBe('cat100.0%');
    expect(await page.getByTestId('projection-probe').textContent()).toMatch(/decoded at \(-2\.\d\d, -1\.\d\d\) · pinned/);

    await page.getByTestId('scrubber-next').click();
    await expect.poll(renderedKey, { timeout: 30_000 }).toBe('dvi:target/2/0,1,2');
    expect(await chart().getAttribute('data-map-url')).toBe(mapUrl(2));
    await expect.poll(async () => probeRows().first().textContent(), { timeout: 10_000 }).toBe('bird100.0%');
    expect(await page.getByTestId('projection-trust-temporal').textContent()).toBe('temporal 0.40');
    if (process.env.DVI_SCREENSHOT) {
      await waitForStillChart(chart());
      await panel().screenshot({ path: process.env.DVI_SCREENSHOT });
    }
    expect(session.pageErrors).toEqual([]);
  }, 60_000);

  it('asks for the target training instances of the selected classes per checkpoint, and says when placing them fails', async () => {
    await session.open(`?run=${RUN}&phase=target&epoch=1&layout=dvi`);
    await expect.poll(renderedKey, { timeout: 30_000 }).toBe('dvi:target/1/0,1,2');
    expect(await page.getByTestId('extra-points-toggle').isChecked()).toBe(false);
    const extraPath = (epoch: number, classes: string) => `/api/runs/${RUN}/epochs/target/${epoch}/projection/extra?set=target-train&classes=${classes}`;
    const asked = (path: string) => page.waitForRequest((r) => r.url().endsWith(path), { timeout: 30_000 });

    let request = asked(extraPath(1, '0,1,2'));
    await page.getByTestId('extra-points-toggle').check();
    await request;
    expect(new URL(page.url()).searchParams.get('extra')).toBe('target-train');
    // The fixture's run has no loadable config (nor real weights or an encoder), so the analysis worker cannot reload
    // its training instances: the real route fails, and the view says so in one line while the map and points stay.
    await expect
      .poll(async () => page.getByTestId('extra-points-error').textContent(), { timeout: 30_000 })
      .toMatch(/^Could not place the target training instances: \S/);
    expect(await page.getByTestId('extra-points-loading').count()).toBe(0);
    expect(await chart().getAttribute('data-map-url')).toBe(mapUrl(1));
    expect(await chart().getAttribute('data-extra-count')).toBe('0');

    // Hiding a class asks for the others only; scrubbing asks for the next checkpoint.
    request = asked(extraPath(1, '0,2'));
    await page.getByTestId('instance-class-toggle').nth(1).click();
    await request;
    request = asked(extraPath(2, '0,2'));
    await page.getByTestId('scrubber-next').click();
    await request;
    await expect.poll(renderedKey, { timeout: 30_000 }).toBe('dvi:target/2/0,2');

    // Kept in the URL: the option comes back on reload; unchecking removes it.
    await session.open(`?run=${RUN}&phase=target&epoch=1&layout=dvi&extra=target-train`);
    await expect.poll(renderedKey, { timeout: 30_000 }).toBe('dvi:target/1/0,1,2');
    expect(await page.getByTestId('extra-points-toggle').isChecked()).toBe(true);
    await page.getByTestId('extra-points-toggle').uncheck();
    expect(new URL(page.url()).searchParams.get('extra')).toBeNull();
    await expect.poll(() => page.getByTestId('extra-points-error').count(), { timeout: 10_000 }).toBe(0);
    expect(session.pageErrors).toEqual([]);
  }, 90_000);

  it("compares two checkpoints' maps side by side, and draws B's points on A's map with the crossings ringed", async () => {
    await session.open(`?a=${RUN}:target:1&b=${RUN}:target:2&layout=dvi`);
    const compareKey = attribute(() => page.getByTestId('compare-instances'), 'data-rendered-key');
    const sides = `dvi:${RUN} · target · epoch 1|${RUN} · target · epoch 2|${CLASSES.join(',')}`;
    await expect.poll(compareKey, { timeout: 30_000 }).toBe(sides);
    const chartA = page.getByTestId('compare-instance-chart-a');
    const chartB = page.getByTestId('compare-instance-chart-b');
    expect(await chartA.getAttribute('data-map-url')).toBe(mapUrl(1));
    expect(await chartB.getAttribute('data-map-url')).toBe(mapUrl(2));
    for (const chartOf of [chartA, chartB]) {
      // Charts draw once on screen.
      await chartOf.scrollIntoViewIfNeeded();
      const canvas = chartOf.locator('canvas').first();
      await expect.poll(() => colouredShare(canvas), { timeout: 10_000 }).toBeGreaterThan(0.5);
    }
    // Instance 0 is right at A and wrong at B: ringed in both maps.
    expect(await chartA.getAttribute('data-marked-count')).toBe('1');

    await page.getByTestId('compare-b-on-a').check();
    await expect.poll(compareKey, { timeout: 10_000 }).toBe(`${sides}|b-on-a`);
    // The 8 cats moved from dog's region of A's map to bird's.
    expect(await page.getByTestId('compare-crossings').textContent()).toBe("8 instances crossed a boundary of A's map");
    expect(await chartA.getAttribute('data-marked-count')).toBe('8');
    expect(await chartA.getAttribute('data-map-url')).toBe(mapUrl(1));

    await page.getByTestId('layout-switch-tsne').click();
    await expect.poll(compareKey, { timeout: 30_000 }).toBe(`${RUN} · target · epoch 1|${RUN} · target · epoch 2|${CLASSES.join(',')}`);
    expect(new URL(page.url()).searchParams.get('layout')).toBeNull();
    expect(await chartA.getAttribute('data-map-url')).toBeNull();
    expect(session.pageErrors).toEqual([]);
  }, 60_000);
});
