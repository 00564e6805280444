// Contact sheets for eyeballing a domain: the first images of a set tiled into one RGBA picture
// that a caller can PNG-encode or hand to a canvas.
import type { ImageSet } from './image-set.ts';

export interface ContactSheet {
  width: number;
  height: number;
  /** `width * height * 4` bytes, RGBA row-major, alpha 255. */
  rgba: Uint8Array;
}

export interface ContactSheetOptions {
  /** Tiles per row; default `ceil(sqrt(n))`. */
  columns?: number;
  /** Integer nearest-neighbour upscaling of each image; default 2. */
  scale?: number;
  /** Pixels of dark grey between tiles; default 1. */
  gap?: number;
}

/**
 * Tiles the first `min(n, set.count)` images of `set` in a grid, row by row. Values are clamped to
 * [0, 1] and mapped to 0..255. With no images it returns a 0 x 0 sheet.
 */
export function renderContactSheet(set: ImageSet, n: number, options: ContactSheetOptions = {}): ContactSheet {
  const shown = Math.max(0, Math.min(Math.floor(n), set.count));
  if (shown === 0) {
    return { width: 0, height: 0, rgba: new Uint8Array(0) };
  }
  const columns = Math.max(1, Math.min(shown, options.columns ?? Math.ceil(Math.sqrt(shown))));
  const rows = Math.ceil(shown / columns);
  const scale = Math.max(1, Math.floor(options.scale ?? 2));
  const gap = Math.max(0, Math.floor(options.gap ?? 1));
  const tileW = set.width * scale;
  const tileH = set.height * scale;
  const width = columns * tileW + (columns + 1) * gap;
  const height = rows * tileH + (rows + 1) * gap;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) {
    rgba[i] = rgba[i + 1] = rgba[i + 2] = 40;
    rgba[i + 3] = 255;
  }
  const length = set.width * set.height * 3;
  for (let k = 0; k < shown; k++) {
    const left = gap + (k % columns) * (tileW + gap);
    const top = gap + Math.floor(k / columns) * (tileH + gap);
    for (let y = 0; y < tileH; y++) {
      for (let x = 0; x < tileW; x++) {
        const from = k * length + (Math.floor(y / scale) * set.width + Math.floor(x / scale)) * 3;
        const to = ((top + y) * width + left + x) * 4;
        for (let c = 0; c < 3; c++) {
          rgba[to + c] = Math.round(Math.min(1, Math.max(0, set.images[from + c]!)) * 255);
        }
      }
    }
  }
  return { width, height, rgba };
}
