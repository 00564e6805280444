// Compare mode's two sides of a refinable kind ask for one setting: against the real monitor app (Hono's
// app.request, a real store), through the real data client; only the socket is a stub that delivers events.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRoot } from 'solid-js';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import { analysisKey } from '../../../core/analysis-keys.ts';
import type { AnalysisEvent } from '../../../core/protocol.ts';
import type { AnalysisKind, AnalysisSettingsName } from '../../../core/analysis-protocol.ts';
import type { CompareResponse } from '../../../core/compare-protocol.ts';
import { ApiRequestError } from '../../../dashboard/src/api.ts';
import { createCompareSides } from '../../../dashboard/src/compare-sides.ts';
import { commonCompareSettings } from '../../../dashboard/src/compare-settings.ts';
import { recordingClient } from '../../helpers/recording-data-client.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;

async function put(kind: AnalysisKind, epoch: number, settings: AnalysisSettingsName): Promise<void> {
  const epochs = await store.listEpochs('r');
  const at = epochs.find((e) => e.phase === 'target' && e.epoch === epoch)!;
  await store.putAnalysis(kind, analysisKey(kind, 'r', epochs, at, null, settings)!, { marker: `${kind} ${epoch} ${settings}` } as never);
}

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  await store.createRun(runMeta('r'));
  const weights = [layerWeights('conv1', 3, 0.1)];
  await store.commitEpoch('r', { record: epochRecord('source', 1, 1), predictions: [], weights });
  for (const epoch of [1, 2, 3]) {
    await store.commitEpoch('r', { record: epochRecord('target', epoch, epoch + 1), predictions: [], weights });
    await put('features', epoch, 'live');
  }
  // Epoch 1 is refined, 2 is not; 3 is refined later, during the test.
  await put('features', 1, 'paper');
});
afterAll(() => store.close());

function compareFeatures(a: number, b: number) {
  const app = createApp(store, { analyze: () => Promise.reject(new Error('nothing is computed in this test')) });
  const answer = async (path: string): Promise<unknown> => {
    const res = await app.request(path);
    const body: unknown = await res.json();
    if (!res.ok) {
      throw new ApiRequestError('INTERNAL', res.status, JSON.stringify(body));
    }
    return body;
  };
  return createRoot((dispose) => {
    const { client, calls, deliver } = recordingClient(answer, { requestedRun: 'r', connected: true });
    const id = (epoch: number) => ({ runId: 'r', phase: 'target' as const, epoch });
    const sides = createCompareSides('features', {
      client,
      compare: { a: id(a), b: id(b) },
      response: { a: { checkpoint: true }, b: { checkpoint: true } } as unknown as CompareResponse,
    });
    const shown = () =>
      [sides.a.analysis.request.value(), sides.b.analysis.request.value()].map((r) => (r ? (r.result as unknown as { marker: string }).marker : null));
    const analysis = (event: AnalysisEvent) => deliver('analysis', event);
    return { shown, analysis, asked: calls, dispose };
  });
}

describe('compare sides of a refinable kind', () => {
  it('picks the paper settings only when both sides are refined, else live on both', () => {
    expect(commonCompareSettings(true, true)).toBe('paper');
    expect(commonCompareSettings(true, false)).toBe('live');
    expect(commonCompareSettings(false, true)).toBe('live');
    expect(commonCompareSettings(false, false)).toBeUndefined();
  });

  it('shows two live estimates when one side is refined and the other is not, and both refined once both are', async () => {
    const view = compareFeatures(1, 3);
    try {
      // The first answers are each side's best stored (refined at 1, live at 3); then both ask for live.
      await vi.waitFor(() => expect(view.shown()).toEqual(['features 1 live', 'features 3 live']));
      expect(view.asked).toContain('/api/runs/r/epochs/target/1/features?settings=live');
      // Epoch 3's refinement lands and the monitor says so: both sides move to the paper's settings.
      await put('features', 3, 'paper');
      view.analysis({ runId: 'r', at: { phase: 'target', epoch: 3, step: 4 }, status: 'done', settings: 'paper', kind: 'features' });
      await vi.waitFor(() => expect(view.shown()).toEqual(['features 1 paper', 'features 3 paper']));
    } finally {
      view.dispose();
    }
  });

  it('keeps each side at what is stored when neither is refined', async () => {
    const view = compareFeatures(2, 2);
    try {
      await vi.waitFor(() => expect(view.shown()).toEqual(['features 2 live', 'features 2 live']));
    } finally {
      view.dispose();
    }
  });
});
