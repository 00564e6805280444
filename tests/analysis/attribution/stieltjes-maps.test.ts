// On the wasm backend the conductance maps live in its heap and are summed by the SIMD kernel straight from the
// layer maps' heap views; the sums must be the plain loop's bit for bit, and every map is freed.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addStieltjesSum, makeStieltjesMaps } from '../../../analysis/attribution/stieltjes-maps.ts';
import { prepareBackends, seededValues } from '../../trainer/kernels/compare-backends.ts';

beforeAll(async () => {
  await prepareBackends();
  await tf.setBackend('wasm');
});

/** The wasm heap's size in bytes (it only grows). */
function heapBytes(): number {
  return ((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
}

describe('makeStieltjesMaps on wasm', () => {
  it('sums heap views of two layers, over a path split in two segments, exactly as the plain loop', () => {
    const widths = [6 * 6 * 5, 10];
    const rows = 9;
    const ys = widths.map((w, l) => tf.tensor2d(seededValues(rows * w, 10 + l), [rows, w]));
    const dys = widths.map((w, l) => tf.tensor2d(seededValues(rows * w, 20 + l), [rows, w]));
    const expected = widths.map((w, l) => {
      const map = new Float64Array(w);
      const y = ys[l]!.dataSync() as Float32Array;
      const dy = dys[l]!.dataSync() as Float32Array;
      addStieltjesSum(map, y, dy, 0, 3);
      addStieltjesSum(map, y, dy, 3, rows - 1 - 3);
      return map;
    });
    const sums = makeStieltjesMaps(widths);
    const maps = sums.open();
    // The heap path keeps addresses, not JS arrays: this is the kernel, not the fallback.
    expect(maps.every((m) => typeof m === 'number')).toBe(true);
    const heap = tf.backend() as BackendWasm;
    widths.forEach((_, l) => {
      const y = heap.typedArrayFromHeap(ys[l]!) as Float32Array;
      const dy = heap.typedArrayFromHeap(dys[l]!) as Float32Array;
      sums.add(maps, l, y, dy, 0, 3);
      sums.add(maps, l, y, dy, 3, rows - 1 - 3);
    });
    widths.forEach((_, l) => expect(Array.from(sums.read(maps, l))).toEqual(Array.from(expected[l]!)));
    sums.close(maps);
    sums.dispose();
    [...ys, ...dys].forEach((t) => t.dispose());
  });

  it('frees every map it allocated: the heap does not grow over many instances', () => {
    const sums = makeStieltjesMaps([1 << 20]);
    const before = heapBytes();
    // 64 instances of an 8 MB map: 512 MB if none were freed.
    for (let i = 0; i < 64; i++) {
      sums.close(sums.open());
    }
    sums.open();
    sums.dispose();
    expect(heapBytes()).toBeLessThan(before + (64 << 20));
  });
});
