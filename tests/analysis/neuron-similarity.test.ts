import { describe, expect, it } from 'vitest';
import { neuronSimilarity } from '../../analysis/neuron-similarity.ts';

describe('neuronSimilarity', () => {
  it('is the cosine of attribution vectors, 0 for a zero vector', () => {
    // Instances are rows: source neurons s0 = [1, 0], s1 = [0, 0]; target t0 = [2, 0], t1 = [1, 1], t2 = [0, -3].
    const source = { values: Float32Array.from([1, 0, 0, 0]), instances: 2, neurons: 2 };
    const target = { values: Float32Array.from([2, 1, 0, 0, 1, -3]), instances: 2, neurons: 3 };
    const s = neuronSimilarity(source, target);
    expect([s.sourceNeurons, s.targetNeurons]).toEqual([2, 3]);
    expect(Array.from(s.values)).toEqual([1, Math.SQRT1_2, 0, 0, 0, 0].map((v) => expect.closeTo(v, 6)));
    expect(s.values.some(Number.isNaN)).toBe(false);
  });

  it('matches the direct formula on random matrices over a subset of instances', () => {
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5;
    const source = { values: Float32Array.from({ length: 7 * 5 }, next), instances: 7, neurons: 5 };
    const target = { values: Float32Array.from({ length: 7 * 4 }, next), instances: 7, neurons: 4 };
    const rows = [0, 2, 3, 6];
    const s = neuronSimilarity(source, target, rows);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 4; j++) {
        const a = rows.map((r) => source.values[r * 5 + i]!);
        const b = rows.map((r) => target.values[r * 4 + j]!);
        const dot = a.reduce((acc, v, r) => acc + v * b[r]!, 0);
        const expected = dot / (Math.hypot(...a) * Math.hypot(...b));
        expect(s.values[i * 4 + j]).toBeCloseTo(expected, 6);
      }
    }
  });

  it('gives zeros without instances and refuses matrices over different instances', () => {
    const m = { values: Float32Array.from([1, 2]), instances: 1, neurons: 2 };
    expect(Array.from(neuronSimilarity(m, m, []).values)).toEqual([0, 0, 0, 0]);
    expect(() => neuronSimilarity(m, { values: new Float32Array(4), instances: 2, neurons: 2 })).toThrow(/same instances/);
  });
});
