// Finding what the network view painted on its cell canvas, as a user finds it by colour.
import { expect } from 'vitest';
import type { Locator } from 'playwright-core';

/**
 * Viewport position of a pixel of an important target weight on the view's cell canvas (`cells`), where only those
 * are blue (the matrices are grey, other weights light grey, source marks red). Scrolls it to mid-screen. The caller
 * first checks that the canvas painted some important weights.
 */
export async function importantWeightSpot(cells: Locator): Promise<{ x: number; y: number }> {
  const spot = await cells.evaluate((c: HTMLCanvasElement) => {
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    const scale = c.width / c.clientWidth;
    for (let e = 0; e < data.length; e += 4) {
      if (data[e + 3]! > 60 && data[e + 2]! - data[e]! > 100) {
        const pixel = e / 4;
        return { x: (pixel % c.width) / scale, y: Math.floor(pixel / c.width) / scale };
      }
    }
    return null;
  });
  expect(spot).not.toBeNull();
  return cells.evaluate((c: HTMLCanvasElement, at: { x: number; y: number }) => {
    window.scrollBy(0, c.getBoundingClientRect().top + at.y - window.innerHeight / 2);
    const box = c.getBoundingClientRect();
    return { x: box.left + at.x, y: box.top + at.y };
  }, spot!);
}
