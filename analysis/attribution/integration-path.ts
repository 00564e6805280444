// Where on the straight path from baseline to input the attribution methods evaluate the network:
// the same points (alphas) as Captum's `approximation_methods`, so results can be compared with it.
import { TransferscopeError } from '../../core/errors.ts';

/** Captum's method names; 'gausslegendre' is its default and ours. */
export type IntegrationMethod = 'gausslegendre' | 'riemann_trapezoid' | 'riemann_left' | 'riemann_middle' | 'riemann_right';

export const INTEGRATION_METHODS: readonly IntegrationMethod[] = ['gausslegendre', 'riemann_trapezoid', 'riemann_left', 'riemann_middle', 'riemann_right'];

/** Nodes (ascending, in (-1, 1)) and weights (summing to 2) of the n-point Gauss-Legendre rule, as numpy's leggauss. */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    // Newton's method on P_n from the classic cosine guess; converges in a few steps to machine precision.
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      // p1 = P_n(x), p0 = P_{n-1}(x) (also for n = 1, where the loop does not run).
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const step = p1 / derivative;
      x -= step;
      if (Math.abs(step) < 1e-15) {
        break;
      }
    }
    const w = 2 / ((1 - x * x) * derivative * derivative);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) {
    nodes[(n - 1) / 2] = 0;
  }
  return { nodes, weights };
}

/**
 * The `points` path coefficients alpha in [0, 1], ascending, exactly as Captum's `alphas(points)`:
 * Gauss-Legendre nodes mapped from [-1, 1], or evenly spaced points for the Riemann rules.
 * Only 'riemann_trapezoid' contains both ends 0 and 1; Gauss-Legendre comes within ~1/points^2 of them.
 * Throws on fewer than 2 points (Captum asserts the same).
 */
export function pathAlphas(method: IntegrationMethod, points: number): Float64Array {
  if (!Number.isInteger(points) || points < 2) {
    throw new TransferscopeError('INVALID_ARGUMENT', `pathAlphas needs an integer number of points >= 2 (got ${points}).`);
  }
  const n = points;
  const linspace = (from: number, to: number) => Float64Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
  switch (method) {
    case 'gausslegendre':
      return gaussLegendre(n).nodes.map((x) => 0.5 * (1 + x));
    case 'riemann_trapezoid':
      return linspace(0, 1);
    case 'riemann_left':
      return linspace(0, 1 - 1 / n);
    case 'riemann_middle':
      return linspace(1 / (2 * n), 1 - 1 / (2 * n));
    case 'riemann_right':
      return linspace(1 / n, 1);
    default:
      throw new TransferscopeError('INVALID_ARGUMENT', `Unknown integration method '${String(method)}'. Use one of ${INTEGRATION_METHODS.join(', ')}.`);
  }
}
