// Seeded synthetic data for the t-SNE tests and benchmark: isotropic Gaussian clusters around
// random centres, so "well separated" is a property of the parameters, not of luck.
import { SeededRandom } from '../../../datasets/seeded-random.ts';

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
