// Row passes over one row-major float32 matrix in WebAssembly SIMD (svm-kernels.wat): the linear SVM
// solvers' Xv, Xᵀu, Hessian-vector products and Gram matrices, and the plot's covariance products.
// Measured at 20,000 x 500: a pass 8 ms against 12 ms in JavaScript (bound by reading X from memory),
// 3.7x in cache, the 880-row Gram 30 ms against 105 ms.
import { SVM_KERNELS_WASM_BASE64 } from './svm-kernels-wasm.ts';
import { lazyWasmModule } from './wasm-module.ts';

interface KernelExports {
  dots(x: number, offs: number, count: number, d: number, v: number, out: number): void;
  dots2(x: number, offs: number, count: number, d: number, v1: number, v2: number, out1: number, out2: number): void;
  combine(x: number, offs: number, count: number, d: number, coefs: number, out: number): void;
  gramProduct(x: number, offs: number, count: number, d: number, v: number, shift: number, scale: number, out: number): number;
  gather(x: number, offs: number, count: number, n: number, d: number, T: number): void;
  gram(T: number, n: number, m: number, p: number, S: number): void;
  factorSolve(R: number, p: number, z: number): void;
  cholesky(A: number, p: number): number;
  dualCdPass(
    x: number,
    offs: number,
    y: number,
    qd: number,
    alpha: number,
    index: number,
    active: number,
    d: number,
    w: number,
    B: number,
    C: number,
    pgMaxOld: number,
    pgMinOld: number,
    shrinking: number,
    stats: number,
  ): number;
}

/** Dual coordinate descent's state in the kernels' memory, for passes by `dualCdPass`. */
export interface DualCdSession {
  /** Visiting order of the training rows: shuffle its active part in place between passes. */
  index: Uint32Array;
  /** One pass over index[0..active); returns the new active size and the pass's projected-gradient range. */
  pass(active: number, pgMaxOld: number, pgMinOld: number, shrinking: boolean): { active: number; pgMax: number; pgMin: number };
  /** Copies α and ŵ (d + 1 entries) out into the given arrays. */
  read(alpha: Float64Array, w: Float64Array): void;
}

type KernelViews = Record<'outA' | 'outB' | 'vecA' | 'vecB' | 'T' | 'S' | 'alpha' | 'stats' | 'R' | 'z' | 'A', Float64Array> &
  Record<'offs' | 'index', Uint32Array>;

/** Rows per Gram chunk: bounds the feature-major copy to d x 1024 doubles (4 MB at d = 500). */
const GRAM_CHUNK = 1024;
const PAGE = 65536;

// A runtime without WebAssembly SIMD gets null: callers keep their plain loops.
const kernelModule = lazyWasmModule(SVM_KERNELS_WASM_BASE64);

/** Whether this runtime can run the kernels (WebAssembly with fixed-width SIMD). */
export function rowKernelsAvailable(): boolean {
  return kernelModule() !== null;
}

/**
 * A copy of X (n x d row-major) in the memory of its own WebAssembly instance, and passes over its rows.
 * Rows are named by their offset in X (row r at r·d), as in the solvers' problems, so a fold or a band is
 * a list of offsets, not a copy. Vectors go in and out as plain typed arrays. Memory is sized once here
 * (never grown, so views stay valid) and freed with the object.
 */
export class RowKernels {
  readonly n: number;
  readonly d: number;
  readonly #exports: KernelExports;
  /** Views of the instance's memory regions (see `for`). */
  readonly #m: KernelViews;
  /** The factor whose R is in #R, and its version then: reloaded (2 MB at p = 501) only when either changed. */
  #loadedR: Float64Array | undefined;
  #loadedVersion = -1;

  /** Copies X. Returns null when the runtime lacks WebAssembly SIMD or X does not fit a 32-bit memory. */
  static for(X: Float32Array, d: number): RowKernels | null {
    const module = kernelModule();
    if (module === null || X.length % d !== 0) {
      return null;
    }
    const n = X.length / d;
    const layout = new Layout();
    const x = layout.take(4 * X.length);
    const offs = layout.take(4 * n);
    const outA = layout.take(8 * n);
    const outB = layout.take(8 * n);
    // d + 1: dual coordinate descent keeps ŵ with its bias entry here.
    const vecA = layout.take(8 * (d + 1));
    const vecB = layout.take(8 * (d + 1));
    const chunk = Math.min(GRAM_CHUNK, n + (n % 2));
    const T = layout.take(8 * d * chunk);
    const S = layout.take(8 * d * d);
    const alpha = layout.take(8 * n);
    const index = layout.take(4 * n);
    const stats = layout.take(16);
    // The Newton preconditioner (p = d + 1): the factor last solved with, a solve's vector, a factorisation.
    const R = layout.take(8 * (d + 1) * (d + 1));
    const z = layout.take(8 * (d + 1));
    const A = layout.take(8 * (d + 1) * (d + 1));
    if (layout.end > 2 ** 31) {
      return null;
    }
    const memory = new WebAssembly.Memory({ initial: Math.ceil(layout.end / PAGE) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const { buffer } = memory;
    new Float32Array(buffer, x, X.length).set(X);
    return new RowKernels(instance.exports as unknown as KernelExports, n, d, {
      offs: new Uint32Array(buffer, offs, n),
      outA: new Float64Array(buffer, outA, n),
      outB: new Float64Array(buffer, outB, n),
      vecA: new Float64Array(buffer, vecA, d),
      vecB: new Float64Array(buffer, vecB, d),
      T: new Float64Array(buffer, T, d * chunk),
      S: new Float64Array(buffer, S, d * d),
      alpha: new Float64Array(buffer, alpha, n),
      index: new Uint32Array(buffer, index, n),
      stats: new Float64Array(buffer, stats, 2),
      R: new Float64Array(buffer, R, (d + 1) * (d + 1)),
      z: new Float64Array(buffer, z, d + 1),
      A: new Float64Array(buffer, A, (d + 1) * (d + 1)),
    });
  }

  private constructor(exports: KernelExports, n: number, d: number, views: KernelViews) {
    this.#exports = exports;
    this.n = n;
    this.d = d;
    this.#m = views;
  }

  /**
   * Solves RᵀRz = z in place for an upper triangular p x p factor (p = d + 1, linear-svm-newton-factor.ts).
   * `version` must change whenever R's entries do: the copy in the kernels' memory is reused until then.
   */
  factorSolve(factor: { R: Float64Array; p: number; version: number }, z: Float64Array): void {
    const { R, p, version } = factor;
    this.#checkOrder('factorSolve', p);
    if (R !== this.#loadedR || version !== this.#loadedVersion) {
      this.#m.R.set(R);
      this.#loadedR = R;
      this.#loadedVersion = version;
    }
    this.#m.z.set(z);
    this.#exports.factorSolve(this.#m.R.byteOffset, p, this.#m.z.byteOffset);
    z.set(this.#m.z);
  }

  /** `choleskyInPlace` (linear-svm-linalg.ts) for p = d + 1: the lower triangle of A becomes L; false if not SPD. */
  cholesky(A: Float64Array, p: number): boolean {
    this.#checkOrder('cholesky', p);
    this.#m.A.set(A);
    const ok = this.#exports.cholesky(this.#m.A.byteOffset, p) === 1;
    A.set(this.#m.A);
    return ok;
  }

  /**
   * Loads a dual coordinate descent problem: the training rows' offsets, labels (±1), Qᵢᵢ, α (one per row)
   * and ŵ (d + 1). The session is valid until the next call on these kernels.
   */
  dualCd(offsets: Uint32Array, y: Int8Array, QD: Float64Array, alpha: Float64Array, w: Float64Array, B: number, C: number): DualCdSession {
    const l = offsets.length;
    const { d } = this;
    this.#load(offsets, l);
    for (let i = 0; i < l; i++) {
      this.#m.outA[i] = y[i]!;
    }
    this.#m.outB.set(QD);
    this.#m.alpha.set(alpha);
    const wView = new Float64Array(this.#m.vecA.buffer, this.#m.vecA.byteOffset, d + 1);
    wView.set(w);
    const index = this.#m.index.subarray(0, l);
    for (let i = 0; i < l; i++) {
      index[i] = i;
    }
    const ex = this.#exports;
    const stats = this.#m.stats;
    const addresses = [this.#m.offs.byteOffset, this.#m.outA.byteOffset, this.#m.outB.byteOffset, this.#m.alpha.byteOffset, index.byteOffset] as const;
    return {
      index,
      pass: (active, pgMaxOld, pgMinOld, shrinking) => {
        const next = ex.dualCdPass(
          0,
          addresses[0],
          addresses[1],
          addresses[2],
          addresses[3],
          addresses[4],
          active,
          d,
          wView.byteOffset,
          B,
          C,
          pgMaxOld,
          pgMinOld,
          shrinking ? 1 : 0,
          stats.byteOffset,
        );
        return { active: next, pgMax: stats[0]!, pgMin: stats[1]! };
      },
      read: (alphaOut, wOut) => {
        alphaOut.set(this.#m.alpha.subarray(0, l));
        wOut.set(wView);
      },
    };
  }

  /** out[i] = Σ_{k<d} X[offsets[i] + k]·v[k] for i < count (v may be longer than d: the rest is ignored). */
  dots(offsets: ArrayLike<number>, count: number, v: Float64Array, out: Float64Array): void {
    this.#load(offsets, count);
    this.#m.vecA.set(v.subarray(0, this.d));
    this.#exports.dots(0, this.#m.offs.byteOffset, count, this.d, this.#m.vecA.byteOffset, this.#m.outA.byteOffset);
    out.set(this.#m.outA.subarray(0, count));
  }

  /** `dots` of two vectors in one pass over the rows. */
  dots2(offsets: ArrayLike<number>, count: number, v1: Float64Array, v2: Float64Array, out1: Float64Array, out2: Float64Array): void {
    this.#load(offsets, count);
    this.#m.vecA.set(v1.subarray(0, this.d));
    this.#m.vecB.set(v2.subarray(0, this.d));
    this.#exports.dots2(
      0,
      this.#m.offs.byteOffset,
      count,
      this.d,
      this.#m.vecA.byteOffset,
      this.#m.vecB.byteOffset,
      this.#m.outA.byteOffset,
      this.#m.outB.byteOffset,
    );
    out1.set(this.#m.outA.subarray(0, count));
    out2.set(this.#m.outB.subarray(0, count));
  }

  /** out[k] += Σ_{i<count} coefs[i]·X[offsets[i] + k] for k < d (Xᵀu over the named rows). */
  combine(offsets: ArrayLike<number>, count: number, coefs: ArrayLike<number>, out: Float64Array): void {
    this.#load(offsets, count);
    this.#m.outA.set(coefs instanceof Float64Array ? coefs.subarray(0, count) : Float64Array.from({ length: count }, (_, i) => coefs[i]!));
    this.#m.vecA.set(out.subarray(0, this.d));
    this.#exports.combine(0, this.#m.offs.byteOffset, count, this.d, this.#m.outA.byteOffset, this.#m.vecA.byteOffset);
    out.set(this.#m.vecA);
  }

  /**
   * out[k] += Σ_i sᵢ·X[offsets[i] + k] for k < d, with sᵢ = scale·(xᵢ·v − shift); returns Σ sᵢ. Each row is
   * read once for both products: with shift = −B·v[d] it is the SVM's band Hessian product, with shift = μ·v
   * the centred covariance product.
   */
  gramProduct(offsets: ArrayLike<number>, count: number, v: Float64Array, shift: number, scale: number, out: Float64Array): number {
    this.#load(offsets, count);
    this.#m.vecA.set(v.subarray(0, this.d));
    this.#m.vecB.set(out.subarray(0, this.d));
    const total = this.#exports.gramProduct(0, this.#m.offs.byteOffset, count, this.d, this.#m.vecA.byteOffset, shift, scale, this.#m.vecB.byteOffset);
    out.set(this.#m.vecB);
    return total;
  }

  /**
   * S[a·p + b] += Σ_i X[offsets[i] + a]·X[offsets[i] + b] for b <= a < d: the lower triangle of the named
   * rows' Gram matrix, into the leading d x d block of the p x p row-major S (p >= d). Entries above the
   * diagonal may be written too; they are not meaningful.
   */
  gram(offsets: ArrayLike<number>, count: number, S: Float64Array, p: number): void {
    const { d } = this;
    const chunkRows = this.#m.T.length / d;
    this.#m.S.fill(0);
    for (let start = 0; start < count; start += chunkRows) {
      const rows = Math.min(chunkRows, count - start);
      const padded = rows + (rows % 2);
      for (let i = 0; i < rows; i++) {
        this.#m.offs[i] = offsets[start + i]!;
      }
      this.#exports.gather(0, this.#m.offs.byteOffset, rows, padded, d, this.#m.T.byteOffset);
      this.#exports.gram(this.#m.T.byteOffset, padded, d, d, this.#m.S.byteOffset);
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        S[a * p + b]! += this.#m.S[a * d + b]!;
      }
    }
  }

  /** The preconditioner's matrices are (d + 1) x (d + 1): their memory is sized for exactly that. */
  #checkOrder(name: string, p: number): void {
    if (p !== this.d + 1) {
      throw new RangeError(`RowKernels.${name}: got a ${p} x ${p} matrix; kernels made for d = ${this.d} take ${this.d + 1} x ${this.d + 1}.`);
    }
  }

  #load(offsets: ArrayLike<number>, count: number): void {
    if (offsets instanceof Uint32Array) {
      this.#m.offs.set(offsets.subarray(0, count));
    } else {
      for (let i = 0; i < count; i++) {
        this.#m.offs[i] = offsets[i]!;
      }
    }
  }
}

/** Byte ranges of one memory, each 16-byte aligned for the SIMD loads. */
class Layout {
  end = 0;
  take(bytes: number): number {
    const start = this.end;
    this.end = start + Math.ceil(bytes / 16) * 16;
    return start;
  }
}
