// Paper §5.4, the discriminability plot: instances projected onto the SVM's unit normal (x) and onto the
// first principal component made orthogonal to it (y), so the decision boundary is the vertical line
// x = −b/‖w‖ and each neuron's biplot arrow is its pair of loadings.
import { firstPrincipalComponent } from '../lib/linear-svm/index.ts';
import type { RowKernels } from '../lib/wasm/index.ts';

export interface DiscriminabilityProjection {
  /** u·xᵣ per row, u = w/‖w‖: signed distance along the normal; source-like to the right of boundaryX. */
  x: Float32Array;
  /** v·xᵣ per row. */
  y: Float32Array;
  /** u, length d (all zeros when w = 0). */
  xAxis: Float32Array;
  /** v, length d: unit, orthogonal to u. */
  yAxis: Float32Array;
  /** Biplot arrow of neuron j at [2j, 2j + 1]: (uⱼ, vⱼ), the projection of the unit vector eⱼ onto the plot. */
  loadings: Float32Array;
  /** x of the decision boundary, −b/‖w‖; null when w = 0 (no boundary). */
  boundaryX: number | null;
}

/**
 * Projects the rows of X (n x d row-major, the data the model was trained on) onto the plot's axes.
 * The y axis is the first principal component after Gram–Schmidt against u; if that component is (nearly)
 * parallel to u, it is the top principal direction within u's orthogonal complement instead.
 */
export function discriminabilityProjection(
  X: Float32Array,
  d: number,
  model: { weights: Float32Array; bias: number },
  seed = 0,
  kernels?: RowKernels,
): DiscriminabilityProjection {
  if (model.weights.length !== d || X.length % d !== 0) {
    throw new RangeError(
      `discriminabilityProjection: ${model.weights.length} weights and ${X.length} values for d = ${d}. Pass the model trained on this n x d data.`,
    );
  }
  const n = X.length / d;
  let wNorm = 0;
  for (const v of model.weights) {
    wNorm += v * v;
  }
  wNorm = Math.sqrt(wNorm);
  const u = Float64Array.from(model.weights, (v) => (wNorm > 0 ? v / wNorm : 0));
  const pc = firstPrincipalComponent(X, d, { seed, kernels }).component;
  let along = 0;
  for (let k = 0; k < d; k++) {
    along += pc[k]! * u[k]!;
  }
  let v: Float64Array = Float64Array.from(pc, (c, k) => c - along * u[k]!);
  let vNorm = Math.sqrt(v.reduce((s, c) => s + c * c, 0));
  // Below this the Gram–Schmidt residual is dominated by the component's own convergence error.
  if (vNorm < 1e-3) {
    v = firstPrincipalComponent(X, d, { seed, orthogonalTo: u, kernels }).component;
    vNorm = 1;
  }
  const xAxis = Float32Array.from(u);
  const yAxis = Float32Array.from(v, (c) => c / vNorm);
  const { x, y } = kernels ? projectByKernels(kernels, n, d, u, yAxis) : projectByLoops(X, n, d, u, yAxis);
  const loadings = new Float32Array(2 * d);
  for (let k = 0; k < d; k++) {
    loadings[2 * k] = xAxis[k]!;
    loadings[2 * k + 1] = yAxis[k]!;
  }
  return { x, y, xAxis, yAxis, loadings, boundaryX: wNorm > 0 ? -model.bias / wNorm : null };
}

function projectByKernels(kernels: RowKernels, n: number, d: number, u: Float64Array, yAxis: Float32Array): { x: Float32Array; y: Float32Array } {
  const sx = new Float64Array(n);
  const sy = new Float64Array(n);
  kernels.dots2(
    Uint32Array.from({ length: n }, (_, r) => r * d),
    n,
    u,
    Float64Array.from(yAxis),
    sx,
    sy,
  );
  return { x: Float32Array.from(sx), y: Float32Array.from(sy) };
}

function projectByLoops(X: Float32Array, n: number, d: number, u: Float64Array, yAxis: Float32Array): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let sx = 0;
    let sy = 0;
    for (let k = 0; k < d; k++) {
      const value = X[r * d + k]!;
      sx += u[k]! * value;
      sy += yAxis[k]! * value;
    }
    x[r] = sx;
    y[r] = sy;
  }
  return { x, y };
}
