// Separable resampling of small greyscale images into RGB tiles, used to bring 28x28 MNIST digits
// to the network's input size with the classic 2-pixel border (28 + 2 + 2 = 32).

/** Per-output-coordinate source taps along one axis. */
export interface AxisTaps {
  /** `taps` source indices per output coordinate (−1 marks padding, which reads as 0). */
  index: Int32Array;
  weight: Float32Array;
  taps: number;
}

/**
 * Taps mapping a source axis of `source` pixels, centred on a padded canvas of `canvas` pixels,
 * onto `target` pixels. Upsampling (and equal size) is bilinear, downsampling averages the covered
 * area so thin strokes are not dropped. At `target === canvas` this is an exact copy plus padding.
 */
export function axisTaps(source: number, canvas: number, target: number): AxisTaps {
  const ratio = canvas / target;
  const pad = (canvas - source) / 2;
  const taps = ratio <= 1 ? 2 : Math.ceil(ratio) + 1;
  const index = new Int32Array(target * taps).fill(-1);
  const weight = new Float32Array(target * taps);
  for (let o = 0; o < target; o++) {
    const at = o * taps;
    if (ratio <= 1) {
      const u = (o + 0.5) * ratio - 0.5 - pad;
      const i0 = Math.floor(u);
      const f = u - i0;
      if (i0 >= 0 && i0 < source) {
        index[at] = i0;
        weight[at] = 1 - f;
      }
      if (f > 0 && i0 + 1 >= 0 && i0 + 1 < source) {
        index[at + 1] = i0 + 1;
        weight[at + 1] = f;
      }
    } else {
      const start = o * ratio - pad;
      const end = start + ratio;
      for (let k = 0, i = Math.floor(start); k < taps; k++, i++) {
        const overlap = Math.min(end, i + 1) - Math.max(start, i);
        if (i >= 0 && i < source && overlap > 0) {
          index[at + k] = i;
          weight[at + k] = overlap / ratio;
        }
      }
    }
  }
  return { index, weight, taps };
}

/**
 * Resamples one `sourceSide²` greyscale image (values in [0, 1]) through `taps` (the same on both
 * axes) and writes it to `out` as RGB with the grey value in all three channels.
 */
export function resampleGreyToRgb(source: Float32Array, sourceSide: number, taps: AxisTaps, out: Float32Array): void {
  const side = taps.index.length / taps.taps;
  const n = taps.taps;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let v = 0;
      for (let a = 0; a < n; a++) {
        const sy = taps.index[y * n + a]!;
        if (sy < 0) {
          continue;
        }
        const wy = taps.weight[y * n + a]!;
        for (let b = 0; b < n; b++) {
          const sx = taps.index[x * n + b]!;
          if (sx >= 0) {
            v += wy * taps.weight[x * n + b]! * source[sy * sourceSide + sx]!;
          }
        }
      }
      const clamped = v < 0 ? 0 : v > 1 ? 1 : v;
      const at = (y * side + x) * 3;
      out[at] = clamped;
      out[at + 1] = clamped;
      out[at + 2] = clamped;
    }
  }
}
