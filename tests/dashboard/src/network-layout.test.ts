import { describe, expect, test } from 'vitest';
import { cellCentre, layoutNetwork, NETWORK_GEOMETRY as G, type BlockLayout } from '../../../dashboard/src/network-layout.ts';

// Three layers with 2/3, 1/1 and 2/2 important source/target neurons.
const layers = [
  { layer: 'conv1' as const, importantSource: [4, 0], importantTarget: [1, 2, 3] },
  { layer: 'conv2' as const, importantSource: [5], importantTarget: [6] },
  { layer: 'conv3' as const, importantSource: [7, 8], importantTarget: [9, 1] },
];

const overlaps = (a: BlockLayout, b: BlockLayout): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layoutNetwork', () => {
  const layout = layoutNetwork(layers, true);
  const [m0, m1, m2] = layout.matrices;
  const [w01, w12] = layout.weights;

  test('matrices sit on the diagonal, source and target sides alternating', () => {
    expect(layout.matrices.map((m) => [m.layer, m.transposed, m.rows.side, m.columns.side])).toEqual([
      ['conv1', true, 'target', 'source'],
      ['conv2', false, 'source', 'target'],
      ['conv3', true, 'target', 'source'],
    ]);
    expect(m1!.x).toBeGreaterThanOrEqual(m0!.x + m0!.width);
    expect(m1!.y).toBeGreaterThanOrEqual(m0!.y + m0!.height);
    expect(m2!.x).toBeGreaterThanOrEqual(m1!.x + m1!.width);
    expect(m2!.y).toBeGreaterThanOrEqual(m1!.y + m1!.height);
    // Each axis is its important cells, then the strip of the others.
    expect(m0!.rows).toMatchObject({ neurons: [1, 2, 3], stripStart: m0!.rows.start + 3 * G.cell, end: m0!.rows.start + 3 * G.cell + G.strip });
  });

  test('the weights fill the corner two consecutive matrices share, sharing their target axes', () => {
    // conv1 -> conv2 right of the diagonal: conv1's target rows x conv2's target columns.
    expect(w01).toMatchObject({ fromLayer: 'conv1', toLayer: 'conv2', rowsAreFrom: true, x: m1!.x, y: m0!.y, width: m1!.width, height: m0!.height });
    expect(w01!.rows).toEqual(m0!.rows);
    expect(w01!.columns).toEqual(m1!.columns);
    // conv2 -> conv3 below it: conv3's target rows x conv2's target columns.
    expect(w12).toMatchObject({ rowsAreFrom: false, x: m1!.x, y: m2!.y, width: m1!.width, height: m2!.height });
    expect([w12!.rows.side, w12!.columns.side]).toEqual(['target', 'target']);
    const blocks: BlockLayout[] = [...layout.matrices, ...layout.weights];
    for (const [i, a] of blocks.entries()) {
      for (const b of blocks.slice(i + 1)) {
        expect(overlaps(a, b)).toBe(false);
      }
    }
    expect(layout.width).toBeGreaterThan(m2!.x + m2!.width);
    expect(layout.height).toBeGreaterThan(m2!.y + m2!.height);
  });

  test('indices go in the lane on the free side of each axis, never inside a block', () => {
    expect(layout.labels.map((l) => [l.axis.layer, l.axis.side, l.orientation])).toEqual([
      ['conv1', 'target', 'row'],
      ['conv1', 'source', 'column'],
      ['conv2', 'source', 'row'],
      ['conv2', 'target', 'column'],
      ['conv3', 'target', 'row'],
      ['conv3', 'source', 'column'],
    ]);
    const blocks: BlockLayout[] = [...layout.matrices, ...layout.weights];
    for (const l of layout.labels) {
      for (const [k] of l.axis.neurons.entries()) {
        const c = cellCentre(l.axis, k);
        const point = l.orientation === 'row' ? { x: l.at, y: c } : { x: c, y: l.at };
        expect(blocks.some((b) => point.x > b.x && point.x < b.x + b.width && point.y > b.y && point.y < b.y + b.height)).toBe(false);
      }
    }
    // conv2's target indices label the top of the incoming weight block, conv3's its left side.
    expect(layout.labels[3]!.at).toBe(w01!.y - 2);
    expect(layout.labels[4]!.at).toBe(w12!.x - 2);
  });

  test('hiding the non-important regions drops the strips', () => {
    const compact = layoutNetwork(layers, false);
    expect(compact.matrices[0]!.rows.end).toBe(compact.matrices[0]!.rows.stripStart);
    expect(compact.width).toBe(layout.width - 3 * G.strip);
    expect(layoutNetwork([], true)).toEqual({ width: 0, height: 0, matrices: [], weights: [], labels: [] });
  });
});
