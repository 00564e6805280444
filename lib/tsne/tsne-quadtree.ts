// The quadtree of Barnes-Hut t-SNE (van der Maaten 2014 §4.2) over a 2-D layout, with each cell's centre of mass
// and second moments. Flat typed arrays, rebuilt each step into the same buffers, so the hundreds of steps of a
// layout do not churn the garbage collector. The forces walk it in `tsne-barnes-hut.ts`.

/** Leaves hold up to this many points: measured fastest at n = 5,000 (16 vs 4: 4.6 vs 6.9 ms per step). */
const LEAF_SIZE = 16;
/** Coincident points would split forever; below this depth a leaf keeps any number of points. */
const MAX_DEPTH = 40;

export interface QuadTree {
  /** Tree order of the points: leaves cover contiguous ranges of `order`. */
  order: Int32Array;
  /** Point coordinates in tree order, so leaf loops read memory in sequence. */
  px: Float64Array;
  py: Float64Array;
  comX: Float64Array;
  comY: Float64Array;
  /** Second moments about the centre of mass, Σ (x - comX)², Σ (x - comX)(y - comY), Σ (y - comY)². */
  mxx: Float64Array;
  mxy: Float64Array;
  myy: Float64Array;
  /** Squared side length of each cell. */
  side2: Float64Array;
  count: Int32Array;
  /** First child node, or -1 for a leaf; children of one node are consecutive. */
  firstChild: Int32Array;
  childCount: Int8Array;
  /** Point range [pointStart, pointStart + count) of `order` covered by the node. */
  pointStart: Int32Array;
  nodes: number;
  /** Leaf nodes in tree order, `leafCount` of them. */
  leaves: Int32Array;
  leafCount: number;
  stack: Int32Array;
  /** Per-point force accumulators in tree order. */
  fx: Float64Array;
  fy: Float64Array;
}

/** Buffers for a tree over n points; `buildQuadTree` grows them when a layout needs more nodes. */
export function makeQuadTree(n: number): QuadTree {
  const capacity = Math.max(16, 2 * n);
  return {
    order: new Int32Array(n),
    px: new Float64Array(n),
    py: new Float64Array(n),
    comX: new Float64Array(capacity),
    comY: new Float64Array(capacity),
    mxx: new Float64Array(capacity),
    mxy: new Float64Array(capacity),
    myy: new Float64Array(capacity),
    side2: new Float64Array(capacity),
    count: new Int32Array(capacity),
    firstChild: new Int32Array(capacity),
    childCount: new Int8Array(capacity),
    pointStart: new Int32Array(capacity),
    nodes: 0,
    leaves: new Int32Array(n),
    leafCount: 0,
    stack: new Int32Array(4 * (MAX_DEPTH + 2)),
    fx: new Float64Array(n),
    fy: new Float64Array(n),
  };
}

function grow(tree: QuadTree, needed: number): void {
  const capacity = tree.comX.length;
  if (needed <= capacity) {
    return;
  }
  const next = Math.max(needed, 2 * capacity);
  const widen = <T extends Float64Array | Int32Array | Int8Array>(a: T, make: (m: number) => T): T => {
    const b = make(next);
    b.set(a);
    return b;
  };
  tree.comX = widen(tree.comX, (m) => new Float64Array(m));
  tree.comY = widen(tree.comY, (m) => new Float64Array(m));
  tree.mxx = widen(tree.mxx, (m) => new Float64Array(m));
  tree.mxy = widen(tree.mxy, (m) => new Float64Array(m));
  tree.myy = widen(tree.myy, (m) => new Float64Array(m));
  tree.side2 = widen(tree.side2, (m) => new Float64Array(m));
  tree.count = widen(tree.count, (m) => new Int32Array(m));
  tree.firstChild = widen(tree.firstChild, (m) => new Int32Array(m));
  tree.childCount = widen(tree.childCount, (m) => new Int8Array(m));
  tree.pointStart = widen(tree.pointStart, (m) => new Int32Array(m));
}

/** Swaps points so that those with key true come first in order[start..end); returns the split index. */
function partition(order: Int32Array, y: Float64Array, start: number, end: number, axis: number, cut: number): number {
  let a = start;
  let b = end - 1;
  while (a <= b) {
    if (y[2 * order[a]! + axis]! < cut) {
      a++;
    } else {
      const t = order[a]!;
      order[a] = order[b]!;
      order[b] = t;
      b--;
    }
  }
  return a;
}

function buildNode(tree: QuadTree, y: Float64Array, node: number, start: number, end: number, cx: number, cy: number, half: number, depth: number): void {
  tree.pointStart[node] = start;
  tree.count[node] = end - start;
  tree.side2[node] = 4 * half * half;
  if (end - start <= LEAF_SIZE || depth >= MAX_DEPTH) {
    tree.firstChild[node] = -1;
    tree.childCount[node] = 0;
    tree.leaves[tree.leafCount++] = node;
    let sx = 0;
    let sy = 0;
    for (let p = start; p < end; p++) {
      sx += y[2 * tree.order[p]!]!;
      sy += y[2 * tree.order[p]! + 1]!;
    }
    tree.comX[node] = sx / (end - start);
    tree.comY[node] = sy / (end - start);
    return;
  }
  const midY = partition(tree.order, y, start, end, 1, cy);
  const bounds = [start, partition(tree.order, y, start, midY, 0, cx), midY, partition(tree.order, y, midY, end, 0, cx), end];
  let children = 0;
  for (let q = 0; q < 4; q++) {
    children += bounds[q + 1]! > bounds[q]! ? 1 : 0;
  }
  const first = tree.nodes;
  grow(tree, first + children);
  tree.nodes += children;
  tree.firstChild[node] = first;
  tree.childCount[node] = children;
  const h = half / 2;
  let child = first;
  let sx = 0;
  let sy = 0;
  for (let q = 0; q < 4; q++) {
    const s = bounds[q]!;
    const e = bounds[q + 1]!;
    if (e > s) {
      // Quadrant q: bit 0 set = right half (x >= cx), bit 1 set = upper half (y >= cy).
      buildNode(tree, y, child, s, e, q & 1 ? cx + h : cx - h, q & 2 ? cy + h : cy - h, h, depth + 1);
      sx += tree.comX[child]! * (e - s);
      sy += tree.comY[child]! * (e - s);
      child++;
    }
  }
  tree.comX[node] = sx / (end - start);
  tree.comY[node] = sy / (end - start);
}

/**
 * Builds the tree over layout `y` (n x 2 row-major, n >= 1) into `tree`'s buffers; the second moments only with
 * `moments` (the quadrupole walk reads them; measured: a third of the build at n = 5,000 otherwise).
 */
export function buildQuadTree(tree: QuadTree, y: Float64Array, n: number, moments = true): void {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    tree.order[i] = i;
    minX = Math.min(minX, y[2 * i]!);
    maxX = Math.max(maxX, y[2 * i]!);
    minY = Math.min(minY, y[2 * i + 1]!);
    maxY = Math.max(maxY, y[2 * i + 1]!);
  }
  // A little slack keeps the maximum point strictly inside the root cell.
  const half = (Math.max(maxX - minX, maxY - minY) / 2) * (1 + 1e-9) + 1e-12;
  tree.nodes = 1;
  tree.leafCount = 0;
  buildNode(tree, y, 0, 0, n, (minX + maxX) / 2, (minY + maxY) / 2, half, 0);
  for (let p = 0; p < n; p++) {
    tree.px[p] = y[2 * tree.order[p]!]!;
    tree.py[p] = y[2 * tree.order[p]! + 1]!;
  }
  if (!moments) {
    return;
  }
  // Each point lies in one node per level, so this is O(n · depth).
  const { px, py, comX, comY, pointStart, count, mxx, mxy, myy } = tree;
  for (let node = 0; node < tree.nodes; node++) {
    const cx = comX[node]!;
    const cy = comY[node]!;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let p = pointStart[node]!; p < pointStart[node]! + count[node]!; p++) {
      const dx = px[p]! - cx;
      const dy = py[p]! - cy;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
    }
    mxx[node] = sxx;
    mxy[node] = sxy;
    myy[node] = syy;
  }
}
