import { describe, expect, it } from 'vitest';
import { allocateImageSet, imageAt } from '../../datasets/image-set.ts';
import { renderContactSheet } from '../../datasets/preview.ts';

describe('renderContactSheet', () => {
  const set = allocateImageSet(5, 2, 3, ['x']);
  for (let i = 0; i < 5; i++) {
    imageAt(set, i).fill(i / 4);
  }
  imageAt(set, 4)[0] = 1.5; // out of range values clamp

  it('tiles images in a grid with gaps and upscaling', () => {
    const sheet = renderContactSheet(set, 5, { columns: 2, scale: 2, gap: 1 });
    // 2 columns of 6 px + 3 gaps; 3 rows of 4 px + 4 gaps.
    expect([sheet.width, sheet.height]).toEqual([15, 16]);
    expect(sheet.rgba).toHaveLength(15 * 16 * 4);
    const at = (x: number, y: number): number[] => Array.from(sheet.rgba.subarray((y * 15 + x) * 4, (y * 15 + x) * 4 + 4));
    expect(at(0, 0)).toEqual([40, 40, 40, 255]); // gap
    expect(at(1, 1)).toEqual([0, 0, 0, 255]); // image 0
    expect(at(8, 1)).toEqual([64, 64, 64, 255]); // image 1 = 0.25
    expect(at(6, 4)).toEqual([0, 0, 0, 255]); // image 0, last upscaled pixel
    expect(at(1, 11)).toEqual([255, 255, 255, 255]); // image 4, clamped from 1.5
  });

  it('shows at most the set and nothing for n = 0', () => {
    expect(renderContactSheet(set, 99, { scale: 1, gap: 0 }).width).toBe(3 * 3);
    expect(renderContactSheet(set, 0)).toEqual({ width: 0, height: 0, rgba: new Uint8Array(0) });
  });
});
