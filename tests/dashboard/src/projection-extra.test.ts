import { describe, expect, test } from 'vitest';
import { createRoot, createSignal } from 'solid-js';
import type { ProjectionResponse } from '../../../core/analysis-protocol.ts';
import type { ExtraPointsResponse } from '../../../core/projection-protocol.ts';
import type { DataClient } from '../../../dashboard/src/data-client.ts';
import type { EpochPin } from '../../../dashboard/src/epochs.ts';
import { createExtraPoints, extraPointsKey, extraPointsOver, sameExtraPointsKey, type ExtraPointsKey } from '../../../dashboard/src/projection-extra.ts';

const answer = (epoch: number, classes: number[]): ExtraPointsResponse => ({
  runId: 'r1',
  phase: 'target',
  epoch,
  set: 'target-train',
  classes,
  perClassCap: 150,
  count: 3,
  index: [0, 4, 5],
  label: [0, 3, 3],
  predicted: [0, 1, 3],
  x: [1, 2, 3],
  y: [-1, -2, -3],
});
const shown = (epoch: number) => ({ key: { runId: 'r1', phase: 'target', epoch } }) as unknown as ProjectionResponse;

describe('extraPointsKey', () => {
  test('is null while the option is off, without a checkpoint or without a selected class', () => {
    const at = { phase: 'target' as const, epoch: 2 };
    expect(extraPointsKey(null, 'r1', at, new Set([0]))).toBeNull();
    expect(extraPointsKey('target-train', 'r1', null, new Set([0]))).toBeNull();
    expect(extraPointsKey('target-train', undefined, at, new Set([0]))).toBeNull();
    expect(extraPointsKey('target-train', 'r1', at, new Set())).toBeNull();
    expect(extraPointsKey('target-train', 'r1', at, new Set([3, 0]))).toEqual({ runId: 'r1', phase: 'target', epoch: 2, set: 'target-train', classes: [0, 3] });
  });

  test('keys of the same checkpoint, set and classes are the same, whatever order the classes were selected in', () => {
    const at = { phase: 'target' as const, epoch: 2 };
    const a = extraPointsKey('target-train', 'r1', at, new Set([3, 0]));
    expect(sameExtraPointsKey(a, extraPointsKey('target-train', 'r1', at, new Set([0, 3])))).toBe(true);
    expect(sameExtraPointsKey(a, extraPointsKey('target-train', 'r1', at, new Set([0])))).toBe(false);
    expect(sameExtraPointsKey(a, extraPointsKey('target-train', 'r1', { phase: 'target', epoch: 3 }, new Set([0, 3])))).toBe(false);
    expect(sameExtraPointsKey(a, null)).toBe(false);
  });
});

describe('extraPointsOver', () => {
  test("draws an answer's points of the selected classes over the same checkpoint's projection only", () => {
    expect(extraPointsOver(answer(2, [0, 3]), shown(2), new Set([0, 3]))).toEqual([
      { index: 0, label: 0, predicted: 0, x: 1, y: -1 },
      { index: 4, label: 3, predicted: 1, x: 2, y: -2 },
      { index: 5, label: 3, predicted: 3, x: 3, y: -3 },
    ]);
    // A class hidden since the request drops its points at once.
    expect(extraPointsOver(answer(2, [0, 3]), shown(2), new Set([3])).map((p) => p.index)).toEqual([4, 5]);
    // The previous checkpoint's projection is still shown while the next one's map loads: its frame is not the answer's.
    expect(extraPointsOver(answer(2, [0, 3]), shown(1), new Set([0, 3]))).toEqual([]);
    expect(extraPointsOver(null, shown(2), new Set([0]))).toEqual([]);
  });
});

describe('createExtraPoints', () => {
  test('asks for the checkpoint shown, aborts the request for one scrubbed past, and keeps one request per key', async () => {
    const calls: { key: string; signal: AbortSignal | undefined; resolve: (a: ExtraPointsResponse) => void }[] = [];
    const client = {
      extraPoints: (runId: string, pin: EpochPin, set: string, classes: readonly number[], signal?: AbortSignal) =>
        new Promise<ExtraPointsResponse>((resolve) => calls.push({ key: `${runId}/${pin.phase}/${pin.epoch}/${set}/${classes.join(',')}`, signal, resolve })),
    } as unknown as DataClient;
    const [key, setKey] = createSignal<ExtraPointsKey | null>(null);
    const [projection, setProjection] = createSignal(shown(1));
    const layer = createRoot(() => createExtraPoints(client, key, projection, () => new Set([0, 3])));
    expect(calls).toEqual([]);
    setKey({ runId: 'r1', phase: 'target', epoch: 1, set: 'target-train', classes: [0, 3] });
    setKey({ runId: 'r1', phase: 'target', epoch: 1, set: 'target-train', classes: [0, 3] });
    expect(calls.map((c) => c.key)).toEqual(['r1/target/1/target-train/0,3']);
    expect(layer.request.loading()).toBe(true);
    setKey({ runId: 'r1', phase: 'target', epoch: 2, set: 'target-train', classes: [0, 3] });
    expect(calls.map((c) => c.key)).toEqual(['r1/target/1/target-train/0,3', 'r1/target/2/target-train/0,3']);
    expect(calls[0]!.signal!.aborted).toBe(true);
    expect(calls[1]!.signal!.aborted).toBe(false);
    calls[1]!.resolve(answer(2, [0, 3]));
    await Promise.resolve();
    expect(layer.request.loading()).toBe(false);
    // Drawn once the second checkpoint's projection is the one shown.
    expect(layer.points()).toEqual([]);
    setProjection(shown(2));
    expect(layer.points().map((p) => p.index)).toEqual([0, 4, 5]);
    setKey(null);
    expect(layer.points()).toEqual([]);
  });
});
