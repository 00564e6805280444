// Barnes-Hut repulsion by the WebAssembly SIMD kernel (`barnesHut` in simd-kernels.wat): the same walk as
// tsne-barnes-hut.ts without quadrupoles, over the same JS-built tree, copied into the kernel's memory each step.
import { layoutRegions, makeSimdKernels, type SimdKernels } from '../wasm/index.ts';
import type { QuadTree } from './tsne-quadtree.ts';

/** `repulsiveForces(tree, theta, out)` of tsne-barnes-hut.ts (monopole cells), by the kernel. */
export type TreeRepulsion = (tree: QuadTree, theta: number, out: Float64Array) => number;

interface Instance {
  kernels: SimdKernels;
  nodeCapacity: number;
  px: Float64Array;
  py: Float64Array;
  fx: Float64Array;
  fy: Float64Array;
  comX: Float64Array;
  comY: Float64Array;
  side2: Float64Array;
  count: Int32Array;
  pointStart: Int32Array;
  firstChild: Int32Array;
  childCount: Int32Array;
  leaves: Int32Array;
  stack: Int32Array;
}

/**
 * A Barnes-Hut repulsion for trees over n points by the SIMD kernel, or null where WebAssembly SIMD is missing.
 * Same forces and Z as the JS walk up to rounding (two points per lane pair sum in another order).
 */
export function makeSimdBarnesHut(n: number): TreeRepulsion | null {
  let instance = makeInstance(n, Math.max(16, 2 * n));
  if (instance === null) {
    return null;
  }
  return (tree, theta, out) => {
    if (tree.nodes > instance!.nodeCapacity) {
      // Deep trees (clumped layouts) outgrow the first guess; the memory is sized once per instance.
      instance = makeInstance(n, 2 * tree.nodes)!;
    }
    const b = instance!;
    const nodes = tree.nodes;
    b.px.set(tree.px);
    b.py.set(tree.py);
    b.comX.set(tree.comX.subarray(0, nodes));
    b.comY.set(tree.comY.subarray(0, nodes));
    b.side2.set(tree.side2.subarray(0, nodes));
    b.count.set(tree.count.subarray(0, nodes));
    b.pointStart.set(tree.pointStart.subarray(0, nodes));
    b.firstChild.set(tree.firstChild.subarray(0, nodes));
    b.childCount.set(tree.childCount.subarray(0, nodes));
    b.leaves.set(tree.leaves.subarray(0, tree.leafCount));
    const z = b.kernels.barnesHut(
      n,
      b.px.byteOffset,
      b.py.byteOffset,
      b.comX.byteOffset,
      b.comY.byteOffset,
      b.side2.byteOffset,
      b.count.byteOffset,
      b.pointStart.byteOffset,
      b.firstChild.byteOffset,
      b.childCount.byteOffset,
      b.leaves.byteOffset,
      tree.leafCount,
      4 * theta * theta,
      b.stack.byteOffset,
      b.fx.byteOffset,
      b.fy.byteOffset,
    );
    const { order } = tree;
    for (let p = 0; p < n; p++) {
      const i = order[p]!;
      out[2 * i] = b.fx[p]!;
      out[2 * i + 1] = b.fy[p]!;
    }
    return z;
  };
}

function makeInstance(n: number, nodeCapacity: number): Instance | null {
  // One padding slot past n: the kernel reads points two at a time.
  const points = 8 * (n + 2);
  const sizes = [points, points, points, points, 8 * nodeCapacity, 8 * nodeCapacity, 8 * nodeCapacity];
  const ints = [nodeCapacity, nodeCapacity, nodeCapacity, nodeCapacity, n, 4 * nodeCapacity];
  const offsets = layoutRegions([...sizes, ...ints.map((count) => 4 * count)]);
  const kernels = makeSimdKernels(offsets[offsets.length - 1]!);
  if (kernels === null) {
    return null;
  }
  const { buffer } = kernels.memory;
  const f64 = (r: number, length: number) => new Float64Array(buffer, offsets[r]!, length);
  const i32 = (r: number, length: number) => new Int32Array(buffer, offsets[r]!, length);
  return {
    kernels,
    nodeCapacity,
    px: f64(0, n + 2),
    py: f64(1, n + 2),
    fx: f64(2, n + 2),
    fy: f64(3, n + 2),
    comX: f64(4, nodeCapacity),
    comY: f64(5, nodeCapacity),
    side2: f64(6, nodeCapacity),
    count: i32(7, nodeCapacity),
    pointStart: i32(8, nodeCapacity),
    firstChild: i32(9, nodeCapacity),
    childCount: i32(10, nodeCapacity),
    leaves: i32(11, n),
    stack: i32(12, 4 * nodeCapacity),
  };
}
