// Seeded synthetic data for the t-SNE tests and benchmark: isotropic Gaussian clusters around
// random centres, so "well separated" is a property of the parameters, not of luck.
import { SeededRandom } from '../../../lib/random/index.ts';

export interface ClusteredData {
  /** n x d row-major. */
  data: Float32Array;
  /** Cluster of each row, 0..clusters-1, assigned round-robin so every cluster has n / clusters rows. */
  labels: Int32Array;
  n: number;
  d: number;
}

/**
 * `clusters` centres drawn from N(0, separation² I) and points from N(centre, I). With d dimensions the
 * centres are about separation·√(2d) apart and each cluster about √(2d) across, so separation >= 3 is well separated.
 */
export function gaussianClusters(seed: number, n: number, d: number, clusters: number, separation = 4): ClusteredData {
  const random = new SeededRandom(seed);
  const centres = Float64Array.from({ length: clusters * d }, () => separation * random.normal());
  const data = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    for (let t = 0; t < d; t++) {
      data[i * d + t] = centres[c * d + t]! + random.normal();
    }
  }
  return { data, labels, n, d };
}

/** The same points moved by N(0, noise² I): a "next checkpoint" whose structure has barely changed. */
export function perturbed(data: Float32Array, seed: number, noise: number): Float32Array {
  const random = new SeededRandom(seed);
  return data.map((x) => x + noise * random.normal());
}

/** Clumps of n points at several scales and densities, as a t-SNE layout has (n x 2 row-major). */
export function clumpedLayout(seed: number, n: number, scale = 1): Float64Array {
  const random = new SeededRandom(seed);
  const Y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const clump = i % 7;
    Y[2 * i] = scale * (clump * 9 + random.normal() * (1 + clump));
    Y[2 * i + 1] = scale * ((clump % 3) * 12 + random.normal() * (1 + clump));
  }
  return Y;
}

/** Exact O(n²) repulsion: Σⱼ wᵢⱼ²(yᵢ - yⱼ) per point and Z = Σ_{i≠j} wᵢⱼ, wᵢⱼ = 1 / (1 + |yᵢ - yⱼ|²). */
export function exactRepulsion(Y: Float64Array, n: number): { forces: Float64Array; z: number } {
  const forces = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j) {
        const dx = Y[2 * i]! - Y[2 * j]!;
        const dy = Y[2 * i + 1]! - Y[2 * j + 1]!;
        const w = 1 / (1 + dx * dx + dy * dy);
        z += w;
        forces[2 * i] = forces[2 * i]! + w * w * dx;
        forces[2 * i + 1] = forces[2 * i + 1]! + w * w * dy;
      }
    }
  }
  return { forces, z };
}

/** ‖a - b‖ / ‖b‖ over all entries. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let c = 0; c < a.length; c++) {
    num += (a[c]! - b[c]!) ** 2;
    den += b[c]! ** 2;
  }
  return Math.sqrt(num / den);
}
