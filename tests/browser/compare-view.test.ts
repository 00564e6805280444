// Compare mode in real headless Chromium: two trained smoke runs (two fine-tuning learning rates from the
// same config) compared side by side from a shared URL, with both instance layouts and feature analyses,
// swapped, and opened from the header's button. Each case opens its URL on a fresh page; the two trained runs,
// the monitor and the browser are shared.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { FeaturesResponse, InstancesResponse } from '../../core/analysis-protocol.ts';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, waitForStillChart, type DashboardSession } from '../helpers/browser.ts';

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
  // Unset when beforeAll failed; closing must not hide that failure.
  await (session as DashboardSession | undefined)?.close();
});

const attribute = (testId: string, name: string) => async (): Promise<string> =>
  (await page
    .getByTestId(testId)
    .first()
    .getAttribute(name, { timeout: 1000 })
    .catch(() => null)) ?? '';

const AB = 'slow · target · epoch 1|fast · target · epoch 1';
const ALL = '0,1,2,3,4,5,6,7,8,9';
const api = async <T>(path: string): Promise<T> => (await (await fetch(new URL(path, session.monitor.url))).json()) as T;

/**
 * Page coordinates of points on ringed glyphs of `testId`'s canvas, one per connected blob of fully opaque, strongly
 * coloured pixels (faded glyphs, 30% over white, never are: at most ~75 between channels): the blob's pixel nearest
 * its centroid whose four neighbours are in the blob too, so it lies on the glyph rather than on its soft edge.
 */
async function ringedGlyphs(testId: string): Promise<{ x: number; y: number }[]> {
  // Pixels are read once the entry animation has ended.
  const canvas = await waitForStillChart(page.getByTestId(testId));
  const found = await canvas.evaluate((c: HTMLCanvasElement) => {
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    const scale = c.width / c.clientWidth;
    const strong = (x: number, y: number): boolean => {
      const e = (y * c.width + x) * 4;
      const channels = [data[e]!, data[e + 1]!, data[e + 2]!];
      return x >= 0 && y >= 0 && x < c.width && y < c.height && data[e + 3]! > 230 && Math.max(...channels) - Math.min(...channels) > 110;
    };
    const seen = new Set<number>();
    const spots: { x: number; y: number }[] = [];
    // Below the toolbox.
    for (let start = Math.floor(50 * scale) * c.width; start < c.width * c.height && spots.length < 12; start++) {
      if (seen.has(start) || !strong(start % c.width, Math.floor(start / c.width))) {
        continue;
      }
      seen.add(start);
      const blob: [number, number][] = [];
      const queue = [start];
      while (queue.length > 0) {
        const at = queue.pop()!;
        const x = at % c.width;
        const y = Math.floor(at / c.width);
        blob.push([x, y]);
        for (const [dx, dy] of [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
          [1, 1],
          [-1, -1],
          [1, -1],
          [-1, 1],
        ] as const) {
          const next = (y + dy) * c.width + x + dx;
          if (!seen.has(next) && strong(x + dx, y + dy)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
      const cx = blob.reduce((sum, [x]) => sum + x, 0) / blob.length;
      const cy = blob.reduce((sum, [, y]) => sum + y, 0) / blob.length;
      const inner = blob
        .filter(([x, y]) => strong(x + 1, y) && strong(x - 1, y) && strong(x, y + 1) && strong(x, y - 1))
        .sort((p, q) => Math.hypot(p[0] - cx, p[1] - cy) - Math.hypot(q[0] - cx, q[1] - cy))[0];
      if (inner) {
        spots.push({ x: inner[0] / scale, y: inner[1] / scale });
      }
    }
    return spots;
  });
  const box = (await canvas.boundingBox())!;
  return found.map((spot) => ({ x: box.x + spot.x, y: box.y + spot.y }));
}

/** The top `k` neurons by |weight| (ties in server order, zero weights never), as `layer:neuron`. */
const topIds = (neurons: FeaturesResponse['result']['classes'][number]['neurons'], k = 10): string[] =>
  neurons
    .map((n, i) => ({ n, i }))
    .sort((x, y) => Math.abs(y.n.weight) - Math.abs(x.n.weight) || x.i - y.i)
    .filter(({ n }) => n.weight !== 0)
    .slice(0, k)
    .map(({ n }) => `${n.layer}:${n.neuron}`);

describe('compare mode in Chromium, opened from a shared URL', () => {
  // Every case starts with all sections drawn: the first visit, whichever case makes it, computes both
  // checkpoints' instance layouts, feature analyses and network abstractions; later visits read them from the store.
  beforeEach(async () => {
    await session.open('?a=slow:target:1&b=fast:target:1');
    await expect.poll(attribute('compare-view', 'data-rendered-key'), { timeout: 30_000 }).toBe(AB);
    const sections = ['compare-instances', 'compare-features', 'compare-important'].map((id) => attribute(id, 'data-rendered-key'));
    await expect.poll(async () => Promise.all(sections.map((key) => key())), { timeout: 270_000, interval: 500 }).toEqual([`${AB}|${ALL}`, `${AB}|0`, '0']);
  }, 300_000);

  it('opens two runs side by side from a shared URL with per-class deltas and per-layer weight change', async () => {
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
    const deltas = (await page.getByTestId('compare-class-delta').allTextContents()).map((t) =>
      Number(t.replace('−', '-').replace('±', '').replace(' pp', '')),
    );
    expect(deltas).toEqual([...deltas].sort((x, y) => y - x));
    // Each run's drift chart, for two runs.
    await expect.poll(async () => page.getByTestId('weight-drift-chart').count(), { timeout: 20_000 }).toBe(2);
    // Which important neurons changed needs both checkpoints' network abstractions, computed on request.
    await expect.poll(attribute('compare-important', 'data-rendered-key'), { timeout: 150_000, interval: 500 }).toBe('0');
    expect(await page.getByTestId('important-layer-row').count()).toBe(8);
    expect(session.pageErrors).toEqual([]);
  }, 200_000);

  it('draws both instance layouts, B aligned onto A, with the changed predictions marked and listed', async () => {
    await expect.poll(attribute('compare-instances', 'data-rendered-key'), { timeout: 120_000, interval: 500 }).toBe(`${AB}|${ALL}`);
    const [a, b] = [
      (await api<InstancesResponse>('api/runs/slow/epochs/target/1/instances')).result,
      (await api<InstancesResponse>('api/runs/fast/epochs/target/1/instances')).result,
    ];
    // The same config and seed, so the same stored validation instances: match them by (domain, index).
    const rowOfB = new Map(b.index.map((index, r) => [`${b.domain[r]}:${index}`, r]));
    const expected: string[] = [];
    const totals = { fixed: [0, 0], broken: [0, 0] };
    let shared = 0;
    a.index.forEach((index, r) => {
      const rb = rowOfB.get(`${a.domain[r]}:${index}`);
      if (rb === undefined) {
        return;
      }
      shared += 1;
      const rightA = a.predicted[r] === a.label[r];
      const rightB = b.predicted[rb] === b.label[rb];
      if (rightA !== rightB) {
        const change = rightB ? 'fixed' : 'broken';
        totals[change][a.domain[r]!]! += 1;
        expected.push(`${a.domain[r] === 0 ? 's' : 't'}${index}:${change}`);
      }
    });
    // Two learning rates ten times apart disagree on some of the ~70 instances.
    expect(expected.length).toBeGreaterThan(0);
    expect(await page.getByTestId('compare-alignment').textContent()).toContain(`B aligned onto A over ${shared} shared instances`);
    for (const [side, layout] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const chart = page.getByTestId(`compare-instance-chart-${side}`);
      expect(Number(await chart.getAttribute('data-drawn-count'))).toBe(layout.count);
      expect(Number(await chart.getAttribute('data-marked-count'))).toBe(expected.length);
    }
    for (const change of ['fixed', 'broken'] as const) {
      for (const [domain, name] of [
        [0, 'source'],
        [1, 'target'],
      ] as const) {
        expect(await page.getByTestId(`compare-change-total-${change}-${name}`).textContent()).toBe(
          totals[change][domain] ? String(totals[change][domain]) : '',
        );
      }
    }
    const listed = await page
      .getByTestId('compare-change-instance')
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-id')}:${r.getAttribute('data-change')}`));
    expect(listed.sort()).toEqual(expected.sort());

    // Hovering a ringed point shows its image and what changed, as the instance view's tooltip does.
    const spots = await ringedGlyphs('compare-instance-chart-b');
    expect(spots.length).toBeGreaterThan(0);
    const tooltip = page.getByTestId('compare-instance-chart-b').getByTestId('instance-tooltip');
    const change = /(fixed: predicted \d at A, right at B|broken: right at A, predicted \d at B)/;
    // A spot can sit where a ring overlaps another glyph's: the first whose tooltip names a change counts.
    let text = '';
    for (const spot of spots) {
      await page.mouse.move(spot.x, spot.y);
      text = (await tooltip.textContent({ timeout: 1500 }).catch(() => '')) ?? '';
      if (change.test(text)) {
        break;
      }
    }
    expect(text).toMatch(change);
    expect(await tooltip.getByTestId('instance-tooltip-image').getAttribute('src')).toMatch(
      /^\/api\/runs\/fast\/instances\/(source|target)-validation\/\d+\.png$/,
    );
    expect(session.pageErrors).toEqual([]);
  }, 150_000);

  it("draws both feature analyses of one class, flagging neurons top-ranked at one side only, and follows the URL's class", async () => {
    await expect.poll(attribute('compare-features', 'data-rendered-key'), { timeout: 150_000, interval: 500 }).toBe(`${AB}|0`);
    const features = {
      a: (await api<FeaturesResponse>('api/runs/slow/epochs/target/1/features')).result,
      b: (await api<FeaturesResponse>('api/runs/fast/epochs/target/1/features')).result,
    };
    const top = { a: topIds(features.a.classes[0]!.neurons), b: topIds(features.b.classes[0]!.neurons) };
    let flagged = 0;
    for (const [side, other] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      const ranking = page.getByTestId(`compare-feature-ranking-${side}`);
      const rows = await ranking
        .getByTestId('feature-row')
        .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-neuron'), tr.getAttribute('data-marked')]));
      expect(rows.map(([id]) => id).sort()).toEqual([...top[side]].sort());
      const onlyHere = top[side].filter((id) => !top[other].includes(id));
      expect(
        rows
          .filter(([, marked]) => marked === 'true')
          .map(([id]) => id)
          .sort(),
      ).toEqual(onlyHere.sort());
      expect(await ranking.getByTestId('feature-mark').count()).toBe(onlyHere.length);
      flagged += onlyHere.length;
      expect(await page.getByTestId(`compare-feature-cv-${side}`).textContent()).toBe(`${(100 * features[side].classes[0]!.cvAccuracy!).toFixed(1)}%`);
      expect(Number(await page.getByTestId(`compare-features-${side}`).getByTestId('feature-plot').getAttribute('data-points'))).toBe(
        features[side].classes[0]!.x.length,
      );
    }
    // Two fine-tunings ten times apart rank their neurons differently.
    expect(flagged).toBeGreaterThan(0);

    // Picking a class focuses the whole comparison on it, in the URL, so a shared link shows the same.
    await page.getByTestId('compare-feature-class').selectOption('3');
    await expect.poll(() => new URL(page.url()).searchParams.getAll('class')).toEqual(['3']);
    for (const reopen of [false, true]) {
      if (reopen) {
        // A fresh navigation, as a shared link opens: a reload, or Chromium's same-URL navigation (which it treats
        // as one), would restore the scroll position too.
        await session.open(page.url());
      }
      await expect.poll(attribute('compare-features', 'data-rendered-key'), { timeout: 30_000 }).toBe(`${AB}|3`);
      await expect.poll(attribute('compare-instances', 'data-rendered-key'), { timeout: 30_000 }).toBe(`${AB}|3`);
      const inClass3 = (await api<InstancesResponse>('api/runs/slow/epochs/target/1/instances')).result.label.filter((c) => c === 3).length;
      expect(Number(await page.getByTestId('compare-instance-chart-a').getAttribute('data-drawn-count'))).toBe(inClass3);
      expect(await page.getByTestId('compare-change-row').count()).toBe(1);
      await expect.poll(attribute('compare-important', 'data-rendered-key'), { timeout: 30_000 }).toBe('3');
    }
    // Opened afresh, the page is at its top: the lists below the fold have asked for no feature image yet,
    // and one scrolled into view gets its own, rendered for B's checkpoint.
    const images = page.getByTestId('compare-feature-ranking-b').getByTestId('feature-image');
    expect(await images.evaluateAll((imgs) => imgs.filter((img) => img.hasAttribute('src')).length)).toBe(0);
    await images.first().scrollIntoViewIfNeeded();
    await expect
      .poll(async () => images.first().evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), { timeout: 60_000, interval: 250 })
      .toBe(32);
    expect(await images.first().getAttribute('src')).toMatch(/^\/api\/runs\/fast\/epochs\/target\/1\/layers\/\w+\/neurons\/\d+\/feature\.png$/);
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
});

describe('compare mode in Chromium, opened from the header', () => {
  it('starts from the model fine-tuning began with against the epoch shown', async () => {
    await session.open('?run=slow&phase=target&epoch=1');
    await page.getByTestId('compare-open').click();
    await expect.poll(attribute('compare-view', 'data-rendered-key'), { timeout: 20_000 }).toBe('slow · source · epoch 1|slow · target · epoch 1');
    expect(new URL(page.url()).searchParams.get('a')).toBe('slow:source:1');
    // One run: the same instances at both sides, so B's layout is aligned onto A's over all of them. Both sides'
    // layouts may still be computing (when no other case has visited the run).
    await expect
      .poll(attribute('compare-instances', 'data-rendered-key'), { timeout: 180_000, interval: 500 })
      .toBe(`slow · source · epoch 1|slow · target · epoch 1|${ALL}`);
    const count = (await api<InstancesResponse>('api/runs/slow/epochs/source/1/instances')).result.count;
    expect(await page.getByTestId('compare-alignment').textContent()).toContain(`B aligned onto A over ${count} shared instances`);
    // The source checkpoint's feature analysis is computed on request: let its child finish before the store goes.
    await expect
      .poll(attribute('compare-features', 'data-rendered-key'), { timeout: 180_000, interval: 500 })
      .toBe('slow · source · epoch 1|slow · target · epoch 1|0');
    // The weight drift of the viewed run also shows outside compare mode, on the statistics view.
    await page.goBack();
    await page.getByTestId('statistics-view').waitFor({ timeout: 10_000 });
    await expect.poll(attribute('weight-drift-panel', 'data-rendered-key'), { timeout: 20_000 }).toBe('slow/1');
    expect(session.pageErrors).toEqual([]);
  }, 300_000);
});
