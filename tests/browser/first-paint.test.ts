// The first paint's requests in real headless Chromium: index.html asks for the run list, the run and its epochs
// while the app's script loads, and the app takes those answers instead of asking again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from 'playwright-core';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openDashboardSession, type DashboardSession } from '../helpers/browser.ts';
import { epochRecord, runMeta } from '../helpers/run-fixture.ts';

const dir = useTempDir();
let session: DashboardSession;

beforeAll(async () => {
  session = await openDashboardSession(`${dir}/db`);
  const labels = Int32Array.from([0, 1, 2]);
  await session.store.createRun(runMeta('paint-run'));
  await session.store.putInstances('paint-run', [{ split: 'target-validation', labels, height: 2, width: 2, pixels: new Uint8Array(3 * 2 * 2 * 3).fill(200) }]);
  await session.store.commitEpoch('paint-run', {
    record: epochRecord('source', 1, 1),
    predictions: [{ split: 'target-validation', predicted: Int16Array.from([0, 1, 1]) }],
  });
});
afterAll(async () => {
  // Unset when the setup failed.
  await (session as DashboardSession | undefined)?.close();
});

describe('first paint', () => {
  it("starts the run's requests from index.html, and the app takes their answers instead of asking again", async () => {
    const { page, monitor } = session;
    const requests: Request[] = [];
    const collect = (request: Request): void => {
      requests.push(request);
    };
    page.on('request', collect);
    try {
      await page.goto(`${monitor.url}?run=paint-run`);
      await expect.poll(() => page.getByTestId('scrubber-label').textContent(), { timeout: 20_000 }).toContain('source · epoch 1');
    } finally {
      page.off('request', collect);
    }
    const early = ['/api/runs', '/api/runs/paint-run', '/api/runs/paint-run/metrics'];
    // index.html made each request, and the app took each answer (taking one empties its slot)...
    const slots = await page.evaluate(() => (window as unknown as { transferscopeEarly?: Record<string, unknown> }).transferscopeEarly);
    expect(slots && Object.keys(slots).sort()).toEqual([...early].sort());
    expect(Object.values(slots!).filter((slot) => slot !== undefined && slot !== null)).toEqual([]);
    // ...so none of them went out twice.
    const paths = requests.map((r) => new URL(r.url()).pathname);
    for (const path of early) {
      expect(paths.filter((p) => p === path)).toHaveLength(1);
    }
    expect(session.pageErrors).toEqual([]);
  });
});
