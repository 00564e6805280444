// UMAP's low-dimensional similarity 1 / (1 + a·d^(2b)), with a and b fitted (least squares, as UMAP's find_ab_params)
// to the offset exponential that is 1 up to min_dist and decays with `spread` after it.

export interface UmapCurve {
  a: number;
  b: number;
}

const SAMPLES = 300;
const ITERATIONS = 200;

/** The target curve UMAP fits: 1 below minDist, exp(-(x - minDist)/spread) above. */
function target(x: number, spread: number, minDist: number): number {
  return x < minDist ? 1 : Math.exp(-(x - minDist) / spread);
}

/**
 * a and b minimising Σ (1/(1 + a·x^(2b)) - target(x))² over 300 points evenly spaced on [0, 3·spread], by
 * Levenberg–Marquardt from (1, 1) as scipy's curve_fit. min_dist 0.1, spread 1 give a ≈ 1.577, b ≈ 0.895.
 */
export function fitUmapCurve(minDist = 0.1, spread = 1): UmapCurve {
  if (!(spread > 0) || !(minDist >= 0) || minDist >= 3 * spread) {
    throw new RangeError(`fitUmapCurve: got min_dist ${minDist} and spread ${spread}. Pass spread > 0 and 0 <= min_dist < 3 * spread.`);
  }
  const xs = Float64Array.from({ length: SAMPLES }, (_, i) => (3 * spread * i) / (SAMPLES - 1));
  const ys = xs.map((x) => target(x, spread, minDist));
  const residuals = (a: number, b: number): number => {
    let sum = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const r = 1 / (1 + a * xs[i]! ** (2 * b)) - ys[i]!;
      sum += r * r;
    }
    return sum;
  };
  let a = 1;
  let b = 1;
  let damping = 1e-3;
  let cost = residuals(a, b);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    // Normal equations J^T J δ = -J^T r of the 2-parameter problem.
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const x = xs[i]!;
      const p = x > 0 ? x ** (2 * b) : 0;
      const f = 1 / (1 + a * p);
      const r = f - ys[i]!;
      const da = -f * f * p;
      const db = x > 0 ? -f * f * a * p * 2 * Math.log(x) : 0;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    let improved = false;
    while (damping < 1e12) {
      const m00 = jaa * (1 + damping);
      const m11 = jbb * (1 + damping);
      const det = m00 * m11 - jab * jab;
      const stepA = -(m11 * ga - jab * gb) / det;
      const stepB = -(m00 * gb - jab * ga) / det;
      const next = residuals(a + stepA, b + stepB);
      if (Number.isFinite(next) && next < cost) {
        const change = Math.abs(stepA) + Math.abs(stepB);
        a += stepA;
        b += stepB;
        cost = next;
        damping = Math.max(damping / 10, 1e-12);
        improved = change > 1e-12;
        break;
      }
      damping *= 10;
    }
    if (!improved) {
      break;
    }
  }
  return { a, b };
}
