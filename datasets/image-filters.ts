// Pixel filters for the synthetic source domain: blur, stroke thickening/thinning and sensor noise,
// all in place on preallocated buffers because they run once per generated image.
import type { SeededRandom } from '../lib/random/index.ts';

/** Reusable scratch space for `gaussianBlurRgb`, sized for one `width x height` RGB image. */
export class BlurScratch {
  /** One edge-padded row or column (radius up to the image side), so the inner loop has no bounds checks. */
  readonly line: Float32Array;
  constructor(width: number, height: number) {
    this.line = new Float32Array((Math.max(width, height) * 3 + 1) * 3);
  }
}

/** Convolves `count` RGB pixels read at `stride` floats apart, in place, with edge replication. */
function convolveLine(data: Float32Array, start: number, count: number, stride: number, kernel: Float32Array, radius: number, line: Float32Array): void {
  for (let i = -radius; i < count + radius; i++) {
    const from = start + (i < 0 ? 0 : i >= count ? count - 1 : i) * stride;
    const to = (i + radius) * 3;
    line[to] = data[from]!;
    line[to + 1] = data[from + 1]!;
    line[to + 2] = data[from + 2]!;
  }
  const taps = kernel.length;
  for (let i = 0; i < count; i++) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let k = 0, at = i * 3; k < taps; k++, at += 3) {
      const w = kernel[k]!;
      r += line[at]! * w;
      g += line[at + 1]! * w;
      b += line[at + 2]! * w;
    }
    const out = start + i * stride;
    data[out] = r;
    data[out + 1] = g;
    data[out + 2] = b;
  }
}

/**
 * Separable Gaussian blur of an interleaved RGB image in place, edges clamped.
 * `sigma` is in pixels; values below 0.05 leave the image untouched.
 */
export function gaussianBlurRgb(rgb: Float32Array, width: number, height: number, sigma: number, scratch: BlurScratch): void {
  if (sigma < 0.05) {
    return;
  }
  const radius = Math.min(Math.ceil(sigma * 2), Math.max(width, height));
  const kernel = new Float32Array(radius * 2 + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp((-i * i) / (2 * sigma * sigma));
    kernel[i + radius] = w;
    total += w;
  }
  for (let i = 0; i < kernel.length; i++) {
    kernel[i] = kernel[i]! / total;
  }
  for (let y = 0; y < height; y++) {
    convolveLine(rgb, y * width * 3, width, 3, kernel, radius, scratch.line);
  }
  for (let x = 0; x < width; x++) {
    convolveLine(rgb, x * 3, height, width * 3, kernel, radius, scratch.line);
  }
}

/**
 * Thickens (`amount > 0`) or thins (`amount < 0`) strokes in a coverage mask in place by blending each
 * pixel toward the max (or min) of its 4-neighbourhood; `|amount|` of 1 is about one pixel. `scratch`
 * must hold `width * height` floats.
 */
export function adjustStroke(mask: Float32Array, width: number, height: number, amount: number, scratch: Float32Array): void {
  if (amount === 0) {
    return;
  }
  scratch.set(mask.subarray(0, width * height));
  const grow = amount > 0;
  const t = Math.min(1, Math.abs(amount));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const c = scratch[i]!;
      const left = scratch[x > 0 ? i - 1 : i]!;
      const right = scratch[x < width - 1 ? i + 1 : i]!;
      const up = scratch[y > 0 ? i - width : i]!;
      const down = scratch[y < height - 1 ? i + width : i]!;
      const e = grow ? Math.max(c, left, right, up, down) : Math.min(c, left, right, up, down);
      mask[i] = c + t * (e - c);
    }
  }
}

/**
 * Adds zero-mean uniform noise with standard deviation `sigma` to every value and clamps to [0, 1].
 * Each 32-bit draw feeds two values: this is texture, not statistics, and per-value Box–Muller
 * pairs would dominate generation time.
 */
export function addNoiseAndClamp(values: Float32Array, sigma: number, random: SeededRandom): void {
  const scale = sigma * Math.sqrt(12); // a uniform on [-0.5, 0.5) has std 1/sqrt(12)
  let bits = 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i]!;
    if (sigma > 0) {
      if ((i & 1) === 0) {
        bits = random.nextUint32();
      }
      v += ((i & 1) === 0 ? (bits & 0xffff) / 65536 - 0.5 : (bits >>> 16) / 65536 - 0.5) * scale;
    }
    values[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}
