// Seeded augmentation: random crops (as shifts or windows of a larger decode) and horizontal flips,
// written straight into a batch array.

/**
 * Copies one `height x width` RGB float image into `out` at `offset`, moved by (`dx`, `dy`) pixels
 * with zero fill, and mirrored left-right when `flip`.
 */
export function shiftInto(out: Float32Array, offset: number, image: Float32Array, height: number, width: number, dx: number, dy: number, flip: boolean): void {
  out.fill(0, offset, offset + height * width * 3);
  for (let y = 0; y < height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= height) {
      continue;
    }
    for (let x = 0; x < width; x++) {
      const sx = (flip ? width - 1 - x : x) - dx;
      if (sx < 0 || sx >= width) {
        continue;
      }
      const from = (sy * width + sx) * 3;
      const to = offset + (y * width + x) * 3;
      out[to] = image[from]!;
      out[to + 1] = image[from + 1]!;
      out[to + 2] = image[from + 2]!;
    }
  }
}

/**
 * Copies the `size x size` window at (`left`, `top`) of a `side x side` 8-bit RGB image into `out`
 * at `offset` as floats in [0, 1], mirrored left-right when `flip`.
 */
export function cropInto(out: Float32Array, offset: number, raw: Uint8Array, side: number, size: number, left: number, top: number, flip: boolean): void {
  for (let y = 0; y < size; y++) {
    const row = (top + y) * side;
    for (let x = 0; x < size; x++) {
      const from = (row + left + (flip ? size - 1 - x : x)) * 3;
      const to = offset + (y * size + x) * 3;
      out[to] = raw[from]! / 255;
      out[to + 1] = raw[from + 1]! / 255;
      out[to + 2] = raw[from + 2]! / 255;
    }
  }
}
