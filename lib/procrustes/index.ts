// Orthogonal Procrustes for 2-D layouts: each checkpoint's t-SNE layout is rotated (or reflected), scaled
// and shifted onto the previous one, because t-SNE's cost cannot tell these apart and the view must not spin.

export interface ProcrustesFit {
  /** `next` mapped onto `previous`: n x 2 row-major. */
  aligned: Float32Array;
  /** Row-major 2 x 2 matrix M (uniform scale times a rotation or reflection): aligned = M·p + translation. */
  matrix: [number, number, number, number];
  scale: number;
  translation: [number, number];
  /** True when the best orthogonal part is a reflection (det M < 0). */
  reflected: boolean;
  /** Root-mean-square distance between aligned and previous points, in layout units. */
  rmsd: number;
}

export interface ProcrustesOptions {
  /** Allow mirror images; default true (t-SNE is as likely to return the mirror image of a layout). */
  allowReflection?: boolean;
  /** Fit a uniform scale; default true. When false the scale is 1. */
  allowScale?: boolean;
}

/**
 * The similarity transform of `next` that minimises Σᵢ |M·nextᵢ + t - previousᵢ|² (both n x 2 row-major,
 * same instances in the same order). Throws when the lengths differ. When `next` has no spread (all points
 * equal, or n = 0) the fit is the translation of its mean onto `previous`'s mean.
 */
export function procrustes(previous: Float32Array, next: Float32Array, options: ProcrustesOptions = {}): ProcrustesFit {
  const { allowReflection = true, allowScale = true } = options;
  if (previous.length !== next.length || previous.length % 2 !== 0) {
    throw new RangeError(`procrustes: previous has ${previous.length} values and next ${next.length}; both must be n x 2 layouts of the same n instances.`);
  }
  const n = next.length / 2;
  const [ax, ay] = mean(next, n);
  const [bx, by] = mean(previous, n);
  // Cross-covariance C = Σ aᵢ bᵢᵀ of the centred layouts, and the spread of `next`.
  let cxx = 0;
  let cxy = 0;
  let cyx = 0;
  let cyy = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    const px = next[2 * i]! - ax;
    const py = next[2 * i + 1]! - ay;
    const qx = previous[2 * i]! - bx;
    const qy = previous[2 * i + 1]! - by;
    cxx += px * qx;
    cxy += px * qy;
    cyx += py * qx;
    cyy += py * qy;
    spread += px * px + py * py;
  }
  // In 2-D the SVD has a closed form: the best rotation by angle φ scores cos φ (cxx + cyy) + sin φ (cxy - cyx),
  // the best reflection cos φ (cxx - cyy) + sin φ (cxy + cyx); each peak is the norm of its coefficient pair.
  const rotationScore = Math.hypot(cxx + cyy, cxy - cyx);
  const reflectionScore = Math.hypot(cxx - cyy, cxy + cyx);
  const reflected = allowReflection && reflectionScore > rotationScore;
  const score = reflected ? reflectionScore : rotationScore;
  const phi = reflected ? Math.atan2(cxy + cyx, cxx - cyy) : Math.atan2(cxy - cyx, cxx + cyy);
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  const scale = spread > 0 && allowScale ? score / spread : 1;
  const m: [number, number, number, number] = reflected ? [scale * c, scale * s, scale * s, -scale * c] : [scale * c, -scale * s, scale * s, scale * c];
  const translation: [number, number] = [bx - (m[0] * ax + m[1] * ay), by - (m[2] * ax + m[3] * ay)];
  const aligned = new Float32Array(2 * n);
  let squared = 0;
  for (let i = 0; i < n; i++) {
    const x = m[0] * next[2 * i]! + m[1] * next[2 * i + 1]! + translation[0];
    const y = m[2] * next[2 * i]! + m[3] * next[2 * i + 1]! + translation[1];
    aligned[2 * i] = x;
    aligned[2 * i + 1] = y;
    squared += (x - previous[2 * i]!) ** 2 + (y - previous[2 * i + 1]!) ** 2;
  }
  return { aligned, matrix: m, scale, translation, reflected, rmsd: n > 0 ? Math.sqrt(squared / n) : 0 };
}

function mean(layout: Float32Array, n: number): [number, number] {
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += layout[2 * i]!;
    y += layout[2 * i + 1]!;
  }
  return n > 0 ? [x / n, y / n] : [0, 0];
}
