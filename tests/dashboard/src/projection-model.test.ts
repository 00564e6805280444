import { describe, expect, test } from 'vitest';
import type { ProjectionMap, ProjectionView } from '../../../core/projection-protocol.ts';
import type { LaidOutInstances } from '../../../core/instances-protocol.ts';
import {
  boundaryCrossings,
  boundaryPoints,
  decodeProbabilityGrid,
  probabilitiesAt,
  rankedClasses,
  regionAt,
  squareRange,
  undecidedShare,
} from '../../../dashboard/src/projection-model.ts';

const P = 6;
const BOUNDS = { minX: -2, maxX: 4, minY: 1, maxY: 4 };

/** A two-class grid whose class-0 byte is linear in the cell's row and column: bilinear interpolation reproduces it exactly. */
const linearByte = (row: number, column: number): number => 20 + 30 * column + 7 * row;

function linearMap(): ProjectionMap {
  const bytes = new Uint8Array(P * P * 2);
  for (let row = 0; row < P; row++) {
    for (let column = 0; column < P; column++) {
      bytes[(row * P + column) * 2] = linearByte(row, column);
      bytes[(row * P + column) * 2 + 1] = 255 - linearByte(row, column);
    }
  }
  return { resolution: 20, bounds: BOUNDS, probabilityResolution: P, classCount: 2, probabilities: Buffer.from(bytes).toString('base64') };
}

/** Grid coordinates (fractional column and row of cell centres) of a layout point, as the stage lays the cells out. */
const gridCoordinates = (x: number, y: number): [number, number] => [
  ((x - BOUNDS.minX) / (BOUNDS.maxX - BOUNDS.minX)) * P - 0.5,
  ((BOUNDS.maxY - y) / (BOUNDS.maxY - BOUNDS.minY)) * P - 0.5,
];

describe('decodeProbabilityGrid', () => {
  test('gives back the stored bytes', () => {
    const map = linearMap();
    expect([...decodeProbabilityGrid(map).slice(0, 4)]).toEqual([20, 235, 50, 205]);
    expect(decodeProbabilityGrid(map)).toHaveLength(P * P * 2);
  });

  test('refuses a grid of the wrong size with what it holds and what to do', () => {
    expect(() => decodeProbabilityGrid({ ...linearMap(), classCount: 3 })).toThrow(/holds 72 values, not 108: reload the page or recompute/);
  });
});

describe('probabilitiesAt', () => {
  const map = linearMap();
  const grid = decodeProbabilityGrid(map);

  test('a cell centre reads that cell', () => {
    // Row 2, column 3: x = minX + 3.5 cells, y = maxY - 2.5 cells.
    const at = probabilitiesAt(map, grid, BOUNDS.minX + 3.5, BOUNDS.maxY - 2.5 * 0.5)!;
    expect(at[0]).toBeCloseTo(linearByte(2, 3) / 255, 12);
    expect(at[0]! + at[1]!).toBeCloseTo(1, 12);
  });

  test('between centres it matches the linear function the grid samples (bilinear is exact there)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 50; i++) {
      // Inside the outermost centres, where nothing is clamped.
      const x = BOUNDS.minX + 0.5 + random() * (BOUNDS.maxX - BOUNDS.minX - 1);
      const y = BOUNDS.minY + 0.25 + random() * (BOUNDS.maxY - BOUNDS.minY - 0.5);
      const [column, row] = gridCoordinates(x, y);
      expect(probabilitiesAt(map, grid, x, y)![0]).toBeCloseTo(linearByte(row, column) / 255, 10);
    }
  });

  test('clamps to the outermost centres near the edges, and is null off the map', () => {
    expect(probabilitiesAt(map, grid, BOUNDS.minX, BOUNDS.maxY)![0]).toBeCloseTo(linearByte(0, 0) / 255, 12);
    expect(probabilitiesAt(map, grid, BOUNDS.maxX, BOUNDS.minY)![0]).toBeCloseTo(linearByte(P - 1, P - 1) / 255, 12);
    expect(probabilitiesAt(map, grid, BOUNDS.minX - 0.01, 2)).toBeNull();
    expect(probabilitiesAt(map, grid, 0, BOUNDS.maxY + 0.01)).toBeNull();
    expect(probabilitiesAt(map, grid, Number.NaN, 2)).toBeNull();
  });

  test('scales quantised probabilities to sum to 1, and spreads an all-zero cell evenly', () => {
    const bytes = Uint8Array.from([100, 100, 52, 0, 0, 0]);
    const small: ProjectionMap = { ...map, probabilityResolution: 1, classCount: 3, probabilities: Buffer.from(bytes.slice(0, 3)).toString('base64') };
    expect(probabilitiesAt(small, bytes.slice(0, 3), 0, 2)).toEqual([100 / 252, 100 / 252, 52 / 252]);
    expect(probabilitiesAt(small, bytes.slice(3), 0, 2)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
});

test('rankedClasses orders by probability, ties by class, and keeps the first `limit`', () => {
  expect(rankedClasses([0.2, 0.5, 0.2, 0.1], 3)).toEqual([
    { classIndex: 1, probability: 0.5 },
    { classIndex: 0, probability: 0.2 },
    { classIndex: 2, probability: 0.2 },
  ]);
  expect(rankedClasses([])).toEqual([]);
});

test('squareRange is the square centred on the bounds that holds them', () => {
  expect(squareRange(BOUNDS)).toEqual({ minX: -2, maxX: 4, minY: -0.5, maxY: 5.5 });
  expect(squareRange({ minX: 0, maxX: 1, minY: -3, maxY: 3 })).toEqual({ minX: -2.5, maxX: 3.5, minY: -3, maxY: 3 });
});

test('boundaryPoints keeps the points next to at least one shown class', () => {
  const view = {
    boundary: { count: 3, x: [1, 2, 3], y: [4, 5, 6], classA: [0, 1, 2], classB: [1, 2, 0], gap: [0.01, 0.02, 0.03] },
  } as Pick<ProjectionView, 'boundary'> as ProjectionView;
  expect(boundaryPoints(view, new Set([0])).map((b) => b.x)).toEqual([1, 3]);
  expect(boundaryPoints(view, new Set([1]))).toEqual([
    { x: 1, y: 4, classA: 0, classB: 1, gap: 0.01 },
    { x: 2, y: 5, classA: 1, classB: 2, gap: 0.02 },
  ]);
  expect(boundaryPoints(view, new Set())).toEqual([]);
});

describe('boundary crossings on A map', () => {
  // Two cells side by side: class 0 on the left half (x < 1), class 1 on the right.
  const bytes = Uint8Array.from([255, 0, 0, 255, 255, 0, 0, 255]);
  const map: ProjectionMap = {
    resolution: 2,
    bounds: BOUNDS,
    probabilityResolution: 2,
    classCount: 2,
    probabilities: Buffer.from(bytes).toString('base64'),
  };
  const layout = (x: number[]): LaidOutInstances => ({
    count: x.length,
    domain: [0, 0, 1, 1],
    index: [0, 1, 0, 1],
    label: [0, 1, 1, 0],
    predicted: [0, 1, 1, 0],
    x,
    y: x.map(() => 2),
  });

  test('regionAt is the most probable class there, null off the map', () => {
    expect(regionAt(map, bytes, -1.5, 2)).toBe(0);
    expect(regionAt(map, bytes, 3.5, 2)).toBe(1);
    expect(regionAt(map, bytes, 9, 2)).toBeNull();
  });

  test('lists the instances whose region at B differs from their region at A, in A row order', () => {
    const a = layout([-1.5, -1.5, 3.5, 3.5]);
    // s0 stays left; s1 moves right (into its own class); t0 moves left (out of its class); t1 leaves the map.
    const b = layout([-1.8, 3.2, -1.5, 12]);
    expect(boundaryCrossings(map, bytes, a, b, { a: [0, 1, 2, 3], b: [0, 1, 2, 3] })).toEqual([
      { id: 's1', regionA: 0, regionB: 1, label: 1 },
      { id: 't0', regionA: 1, regionB: 0, label: 1 },
    ]);
    // Pairs decide which rows are the same instance.
    expect(boundaryCrossings(map, bytes, a, b, { a: [0], b: [2] })).toEqual([]);
    expect(boundaryCrossings(map, bytes, a, b, { a: [2], b: [0] })).toEqual([{ id: 't0', regionA: 1, regionB: 0, label: 1 }]);
  });
});

test('undecidedShare counts the cells whose top two classes are within the gap of each other', () => {
  // Four cells of three classes: a tie, a gap of 25/255 (under 0.1), a gap of 26/255 (over), a sure cell.
  const bytes = Uint8Array.from([100, 100, 55, 115, 90, 50, 116, 90, 49, 255, 0, 0]);
  const map: ProjectionMap = { resolution: 2, bounds: BOUNDS, probabilityResolution: 2, classCount: 3, probabilities: '' };
  expect(undecidedShare(map, bytes)).toBe(0.5);
  expect(undecidedShare(map, bytes, 0.5)).toBe(0.75);
  expect(undecidedShare({ ...map, probabilityResolution: 0 }, new Uint8Array())).toBe(0);
});
