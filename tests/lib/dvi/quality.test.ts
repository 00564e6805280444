import { describe, expect, it } from 'vitest';
import { boundaryNeighbourPreservation, pearson, predictionPreservation, temporalChange, temporalCorrelation } from '../../../lib/dvi/quality.ts';

describe('boundaryNeighbourPreservation', () => {
  // Instances at x = 0 and 10 in 1-D; boundary points at 1 and 9, so each instance's nearest is the one beside it.
  const data = Float32Array.of(0, 10);
  const boundary = Float32Array.of(1, 9);

  it('is 1 when the screen keeps each instance beside its boundary point', () => {
    expect(boundaryNeighbourPreservation(data, 1, Float32Array.of(0, 0, 10, 0), boundary, Float32Array.of(1, 0, 9, 0), 1)).toBe(1);
  });

  it('is 0 when the screen swaps the boundary points, and 0.5 when one instance keeps its own', () => {
    expect(boundaryNeighbourPreservation(data, 1, Float32Array.of(0, 0, 10, 0), boundary, Float32Array.of(9, 0, 1, 0), 1)).toBe(0);
    expect(boundaryNeighbourPreservation(data, 1, Float32Array.of(0, 0, 1, 0), boundary, Float32Array.of(1, 0, 9, 0), 1)).toBe(0.5);
  });

  it('clips k to the boundary points (all of them shared) and is NaN without any', () => {
    expect(boundaryNeighbourPreservation(data, 1, Float32Array.of(0, 0, 10, 0), boundary, Float32Array.of(9, 0, 1, 0), 15)).toBe(1);
    expect(boundaryNeighbourPreservation(data, 1, Float32Array.of(0, 0, 10, 0), new Float32Array(0), new Float32Array(0))).toBeNaN();
  });

  it('rejects layouts of other points', () => {
    expect(() => boundaryNeighbourPreservation(data, 1, Float32Array.of(0, 0), boundary, Float32Array.of(1, 0, 9, 0))).toThrow(/same rows/);
  });
});

describe('predictionPreservation', () => {
  // Class 1 when the first coordinate is positive.
  const classify = async (rows: Float32Array, n: number): Promise<Float32Array> =>
    Float32Array.from({ length: 2 * n }, (_, c) => (rows[2 * (c >> 1)]! > 0 === (c % 2 === 1) ? 0.9 : 0.1));
  const data = Float32Array.of(1, 0, -1, 0, 2, 5, -3, 1);

  it('is 1 for a perfect reconstruction and the share kept for one that flips half the rows', async () => {
    expect(await predictionPreservation(data, 2, async (rows) => rows.slice(), classify)).toBe(1);
    const flipHalf = async (rows: Float32Array): Promise<Float32Array> => rows.map((v, c) => (c % 2 === 0 && c < 4 ? -v : v));
    expect(await predictionPreservation(data, 2, flipHalf, classify)).toBe(0.5);
  });
});

describe('temporal correlation', () => {
  it('counts new neighbours and screen movement per instance', () => {
    // On a line 0, 1, 5, 6 each point's nearest neighbour is its pair; moving point 2 to 1.4 makes point 1's nearest 2.
    const before = Float32Array.of(0, 1, 5, 6);
    const after = Float32Array.of(0, 1, 1.4, 6);
    const change = temporalChange(before, after, 1, Float32Array.of(0, 0, 1, 0, 5, 0, 6, 0), Float32Array.of(0, 0, 1, 0, 2, 0, 6, 3), 1);
    // Nearest before: 1, 0, 3, 2; after: 1, 2, 1, 2.
    expect(Array.from(change.neighbourChange)).toEqual([0, 1, 1, 0]);
    expect(Array.from(change.movement)).toEqual([0, 0, 3, 3]);
  });

  it('is the correlation across instances for one transition', () => {
    const one = { neighbourChange: Float32Array.of(0, 0.5, 1), movement: Float32Array.of(1, 2, 3) };
    expect(temporalCorrelation([one])).toBeCloseTo(1, 10);
    expect(temporalCorrelation([{ ...one, movement: Float32Array.of(3, 2, 1) }])).toBeCloseTo(-1, 10);
  });

  it("is DVI's mean per-instance correlation over several transitions, a constant series counting 0", () => {
    const transitions = [
      { neighbourChange: Float32Array.of(0, 0.2), movement: Float32Array.of(0, 1) },
      { neighbourChange: Float32Array.of(0.5, 0.2), movement: Float32Array.of(1, 4) },
      { neighbourChange: Float32Array.of(1, 0.2), movement: Float32Array.of(2, 2) },
    ];
    expect(temporalCorrelation(transitions)).toBeCloseTo(0.5, 10);
    expect(temporalCorrelation([])).toBeNaN();
  });

  it('pearson matches a hand computation', () => {
    // x = 1, 2, 3, 4 and y = 2, 1, 4, 3: Σ dx·dy = 3 and Σ dx² = Σ dy² = 5, so r = 3/5.
    expect(pearson([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 10);
    expect(pearson([1, 1], [2, 3])).toBeNaN();
  });
});
