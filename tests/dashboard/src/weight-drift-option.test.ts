import { describe, expect, test } from 'vitest';
import type { WeightDriftResponse } from '../../../core/compare-protocol.ts';
import type { LayerName } from '../../../core/protocol.ts';
import { driftLayers, layerColor, weightDriftOption } from '../../../dashboard/src/weight-drift-option.ts';

const named = (name: string): LayerName => name as LayerName;
const at = (epoch: number) => ({ phase: 'target' as const, epoch, step: 10 + epoch });

function drift(layers: string[]): WeightDriftResponse {
  return {
    runId: 'r',
    reference: { phase: 'source', epoch: 2, step: 2 },
    checkpoints: [1, 2].map((epoch) => ({ at: at(epoch), layers: layers.map((layer, i) => ({ layer: named(layer), relativeL2: epoch * (i + 1) * 0.01 })) })),
  };
}

describe('weight drift chart', () => {
  test("one line per layer the answer lists, by the model's own names and in its order", () => {
    const names = ['stem_conv', 'stage1_block1_conv1', 'stage1_block1_conv2', 'fc'];
    const option = weightDriftOption(drift(names), []);
    const series = (option.series as { id: string; data: number[][] }[]).filter((s) => s.id !== 'marks');
    expect(series.map((s) => s.id)).toEqual(names);
    expect(series[3]!.data).toEqual([
      [0, 0],
      [1, 0.04],
      [2, 0.08],
    ]);
    expect((option.legend as { data: string[] }).data).toEqual(names);
  });

  test('a layer only a later checkpoint lists is added after the others', () => {
    const response = drift(['conv1', 'fc8']);
    response.checkpoints[1]!.layers.push({ layer: named('fc9'), relativeL2: 0.5 });
    expect(driftLayers(response)).toEqual(['conv1', 'fc8', 'fc9']);
  });

  test("colours run from cool to warm over any depth, and are AlexNet's eight colours for eight layers", () => {
    expect([0, 7].map((i) => layerColor(i, 8))).toEqual(['#3b4cc0', '#b40426']);
    expect(layerColor(5, 8)).toBe('#f2b89c');
    const twenty = Array.from({ length: 20 }, (_, i) => layerColor(i, 20));
    expect(new Set(twenty).size).toBe(20);
    expect([twenty[0], twenty[19]]).toEqual(['#3b4cc0', '#b40426']);
    expect(layerColor(0, 1)).toBe('#b40426');
  });
});
