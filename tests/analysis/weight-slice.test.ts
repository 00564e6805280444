import { describe, expect, it } from 'vitest';
import { weightSlice } from '../../analysis/weight-slice.ts';

// Every kernel holds its own flat index, so each expected value names the position it was read from.
const indices = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

describe('weightSlice', () => {
  it('conv: the kh x kw kernel from input channel n1 to output channel n2', () => {
    // [kh=2, kw=3, in=2, out=4]: entry ((y * 3 + x) * 2 + n1) * 4 + n2.
    const slice = weightSlice({ kernel: indices(48), kernelShape: [2, 3, 2, 4], from: 1, to: 2 });
    expect([slice.kind, slice.rows, slice.cols]).toEqual(['conv', 2, 3]);
    expect(Array.from(slice.values)).toEqual([6, 14, 22, 30, 38, 46]);
    expect(slice.incoming.length).toBe(0);
  });

  it("flatten: channel n1's weights into unit n2 as the conv map's H x W", () => {
    // 2 x 2 positions of 3 channels = 12 units, 2 outputs: entry (p * 3 + n1) * 2 + n2.
    const slice = weightSlice({ kernel: indices(24), kernelShape: [12, 2], flattenedChannels: 3, from: 2, to: 1 });
    expect([slice.kind, slice.rows, slice.cols]).toEqual(['flatten', 2, 2]);
    expect(Array.from(slice.values)).toEqual([5, 11, 17, 23]);
    // Three positions are not a square: one row.
    const row = weightSlice({ kernel: indices(18), kernelShape: [9, 2], flattenedChannels: 3, from: 0, to: 0 });
    expect([row.rows, row.cols, Array.from(row.values)]).toEqual([1, 3, [0, 6, 12]]);
  });

  it('dense: the single weight and every weight into n2', () => {
    const slice = weightSlice({ kernel: indices(12), kernelShape: [4, 3], from: 2, to: 1 });
    expect([slice.kind, slice.rows, slice.cols, Array.from(slice.values)]).toEqual(['dense', 1, 1, [7]]);
    expect(Array.from(slice.incoming)).toEqual([1, 4, 7, 10]);
  });

  it('rejects ends outside the layers and kernels of another rank', () => {
    expect(() => weightSlice({ kernel: indices(12), kernelShape: [4, 3], from: 4, to: 0 })).toThrow(/'from' must be in \[0, 4\) and 'to' in \[0, 3\)/);
    expect(() => weightSlice({ kernel: indices(48), kernelShape: [2, 3, 2, 4], from: 0, to: 4 })).toThrow(/does not exist/);
    expect(() => weightSlice({ kernel: indices(24), kernelShape: [12, 2], flattenedChannels: 3, from: 3, to: 0 })).toThrow(/\[0, 3\)/);
    expect(() => weightSlice({ kernel: indices(12), kernelShape: [12, 2], flattenedChannels: 5, from: 0, to: 0 })).toThrow(/whole number of positions/);
    expect(() => weightSlice({ kernel: indices(8), kernelShape: [8], from: 0, to: 0 })).toThrow(/rank 2 or 4/);
  });
});
