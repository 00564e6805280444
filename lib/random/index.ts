// Deterministic pseudo-random numbers (sfc32, seeded through splitmix32) so every dataset is
// reproducible bit for bit from one integer seed; Math.random is never used in datasets/.

/** Mixes a 32-bit state into a well-spread 32-bit value; used only to expand the seed into sfc32's state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A small fast PRNG. The same seed gives the same sequence on every run and platform.
 * Seeds are taken modulo 2^32; seeds 0 and 1 give unrelated streams.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const s = Math.trunc(seed) >>> 0;
    this.a = splitmix32(s);
    this.b = splitmix32(this.a ^ 0x6a09e667);
    this.c = splitmix32(this.b ^ 0xbb67ae85);
    this.d = 1;
    // sfc32 needs a few rounds before its output stops echoing a low-entropy seed.
    for (let i = 0; i < 12; i++) {
      this.nextUint32();
    }
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n); `n` must be a positive integer. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform float in [a, b). */
  range(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A standard normal sample (Box–Muller; one draw pair per call, so the stream stays stateless). */
  normal(): number {
    const u = 1 - this.next(); // in (0, 1], keeps log finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** One element chosen uniformly; throws on an empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new RangeError('SeededRandom.pick got an empty array. Pass at least one item.');
    }
    return items[this.int(items.length)]!;
  }

  /** Fisher–Yates shuffle in place; returns the same array for chaining. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}
