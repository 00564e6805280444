import { describe, expect, it } from 'vitest';
import { boundaryPoints, normalisedGap, type Classify } from '../../../lib/dvi/boundary-points.ts';
import { SeededRandom } from '../../../lib/random/index.ts';

/** Softmax of a linear map of 2-D inputs to 3 classes: class c's logit is centre_c · x - |centre_c|² / 2. */
const centres = [
  [4, 0],
  [-2, 3.5],
  [-2, -3.5],
] as const;
function logits(x: number, y: number): number[] {
  return centres.map(([cx, cy]) => cx * x + cy * y - (cx * cx + cy * cy) / 2);
}
let calls = 0;
const classify: Classify = async (inputs, n) => {
  calls++;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const z = logits(inputs[2 * i]!, inputs[2 * i + 1]!);
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top));
    const sum = e.reduce((s, v) => s + v, 0);
    e.forEach((v, c) => {
      out[i * 3 + c] = v / sum;
    });
  }
  return out;
};

describe('boundaryPoints', () => {
  const random = new SeededRandom(8);
  const inputs = Float32Array.from({ length: 2 * 90 }, (_, c) => centres[Math.floor(c / 2) % 3]![c % 2]! + random.normal() * 0.8);

  it('ends every bisection between the two classes with a normalised gap under 0.1', async () => {
    calls = 0;
    const points = await boundaryPoints(inputs, 2, classify, { count: 20, seed: 1 });
    expect(points.count).toBe(20);
    expect(points.inputs.length).toBe(40);
    const scores = await classify(points.inputs, points.count);
    for (let p = 0; p < points.count; p++) {
      const a = points.classes[2 * p]!;
      const b = points.classes[2 * p + 1]!;
      expect(a).not.toBe(b);
      expect(points.gaps[p]).toBeLessThan(0.1);
      expect(normalisedGap(scores, p, 3, a, b)).toBeCloseTo(points.gaps[p]!, 6);
      // The two classes lead, and their linear logits nearly tie: the point sits on the a-b boundary line.
      const row = Array.from(scores.subarray(3 * p, 3 * p + 3));
      const third = [0, 1, 2].find((c) => c !== a && c !== b)!;
      expect(row[third]).toBeLessThan(Math.min(row[a]!, row[b]!));
      const z = logits(points.inputs[2 * p]!, points.inputs[2 * p + 1]!);
      expect(Math.abs(z[a]! - z[b]!)).toBeLessThan(0.5);
    }
    // One call for the instances, then one per bisection step and round: the pairs are classified in batches.
    expect(calls).toBeLessThanOrEqual(1 + 4 * 8);
  });

  it('returns no points when every instance is predicted as one class', async () => {
    const oneClass = Float32Array.from({ length: 20 }, (_, c) => (c % 2 === 0 ? 4 : 0) + random.normal() * 0.1);
    const points = await boundaryPoints(oneClass, 2, classify, { count: 5 });
    expect(points.count).toBe(0);
    expect(points.inputs.length).toBe(0);
  });

  it('gives up after the bisection steps run out', async () => {
    const points = await boundaryPoints(inputs, 2, classify, { count: 10, seed: 2, maxSteps: 1 });
    // One step only reaches the midpoint of each pair, which is on the boundary only by chance.
    expect(points.count).toBeLessThan(10);
  });

  it('rejects inputs that are not whole rows', async () => {
    await expect(boundaryPoints(new Float32Array(5), 2, classify, { count: 1 })).rejects.toThrow(/not n rows of 2/);
  });
});
