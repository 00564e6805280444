// Barnes-Hut repulsion for 2-D t-SNE (van der Maaten 2014 §4.2) over the quadtree of `tsne-quadtree.ts`: a cell
// far enough from a group of points stands in for all its points, at their centre of mass (and, optionally,
// with their second moments: the quadrupole term of the Taylor expansion about that centre).
import type { QuadTree } from './tsne-quadtree.ts';

/**
 * Barnes-Hut estimate of the unnormalised repulsion: writes Σⱼ wᵢⱼ²(yᵢ - yⱼ) into out[2i], out[2i + 1] with
 * wᵢⱼ = 1 / (1 + |yᵢ - yⱼ|²), and returns Z = Σ_{i≠j} wᵢⱼ. As in bhtsne, a cell stands in for its points when
 * its half side is below θ times its distance (θ = 0 is exact, O(n²)). With `quadrupole` the cell's second
 * moments correct its centre-of-mass term. The tree must have been built over `y`.
 */
export function repulsiveForces(tree: QuadTree, theta: number, out: Float64Array, quadrupole = false): number {
  const { order, px, py, comX, comY, mxx, mxy, myy, side2, count, firstChild, childCount, pointStart, stack, leaves, fx, fy } = tree;
  // half side < θ·distance  ⇔  side² < 4θ²·distance².
  const open = 4 * theta * theta;
  let z = 0;
  fx.fill(0);
  fy.fill(0);
  // Barnes (1990) grouping: the points of one leaf share a single walk, judged from the nearest edge of
  // their bounding box, so every point still meets the θ test while the walk cost is paid once per leaf.
  for (let l = 0; l < tree.leafCount; l++) {
    const leaf = leaves[l]!;
    const s = pointStart[leaf]!;
    const e = s + count[leaf]!;
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let p = s; p < e; p++) {
      minX = Math.min(minX, px[p]!);
      maxX = Math.max(maxX, px[p]!);
      minY = Math.min(minY, py[p]!);
      maxY = Math.max(maxY, py[p]!);
    }
    for (let p = s; p < e; p++) {
      for (let r = p + 1; r < e; r++) {
        const ex = px[p]! - px[r]!;
        const ey = py[p]! - py[r]!;
        const w = 1 / (1 + ex * ex + ey * ey);
        const ww = w * w;
        z += 2 * w;
        fx[p] = fx[p]! + ww * ex;
        fy[p] = fy[p]! + ww * ey;
        fx[r] = fx[r]! - ww * ex;
        fy[r] = fy[r]! - ww * ey;
      }
    }
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top]!;
      const ns = pointStart[node]!;
      const m = count[node]!;
      // Cells holding the group itself are always opened: summarising them would count the group's own points.
      const holdsGroup = ns <= s && s < ns + m;
      if (node === leaf) {
        continue;
      }
      const cx = comX[node]!;
      const cy = comY[node]!;
      const gx = Math.max(0, minX - cx, cx - maxX);
      const gy = Math.max(0, minY - cy, cy - maxY);
      const first = firstChild[node]!;
      if (!holdsGroup && side2[node]! < open * (gx * gx + gy * gy) && quadrupole) {
        const sxx = mxx[node]!;
        const sxy = mxy[node]!;
        const syy = myy[node]!;
        const trace = sxx + syy;
        for (let p = s; p < e; p++) {
          const dx = px[p]! - cx;
          const dy = py[p]! - cy;
          const q = 1 / (1 + dx * dx + dy * dy);
          const q2 = q * q;
          const mrx = sxx * dx + sxy * dy;
          const mry = sxy * dx + syy * dy;
          const rmr = dx * mrx + dy * mry;
          z += m * q - q2 * trace + 4 * q2 * q * rmr;
          const radial = m * q2 + 12 * q2 * q2 * rmr - 2 * q2 * q * trace;
          fx[p] = fx[p]! + radial * dx - 4 * q2 * q * mrx;
          fy[p] = fy[p]! + radial * dy - 4 * q2 * q * mry;
        }
      } else if (!holdsGroup && side2[node]! < open * (gx * gx + gy * gy)) {
        for (let p = s; p < e; p++) {
          const dx = px[p]! - cx;
          const dy = py[p]! - cy;
          const w = 1 / (1 + dx * dx + dy * dy);
          const mww = m * w * w;
          z += m * w;
          fx[p] = fx[p]! + mww * dx;
          fy[p] = fy[p]! + mww * dy;
        }
      } else if (first < 0) {
        for (let p = s; p < e; p++) {
          const xi = px[p]!;
          const yi = py[p]!;
          let ax = 0;
          let ay = 0;
          for (let r = ns; r < ns + m; r++) {
            const ex = xi - px[r]!;
            const ey = yi - py[r]!;
            const w = 1 / (1 + ex * ex + ey * ey);
            z += w;
            ax += w * w * ex;
            ay += w * w * ey;
          }
          fx[p] = fx[p]! + ax;
          fy[p] = fy[p]! + ay;
        }
      } else {
        for (let c = first + childCount[node]! - 1; c >= first; c--) {
          stack[top++] = c;
        }
      }
    }
  }
  for (let p = 0; p < order.length; p++) {
    const i = order[p]!;
    out[2 * i] = fx[p]!;
    out[2 * i + 1] = fy[p]!;
  }
  return z;
}
