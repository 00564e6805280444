// Reading a classifier's n x C row-major scores: the leading class of a row, its runner-up, and their gap.

/** The class with the highest score in `row` (the lowest index on ties). */
export function topClass(scores: Float32Array, row: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) {
    if (scores[row * classes + c]! > scores[row * classes + best]!) {
      best = c;
    }
  }
  return best;
}

/** The class with the highest score in `row` other than `top`; -1 when there is only one class. */
export function runnerUpClass(scores: Float32Array, row: number, classes: number, top: number): number {
  let best = -1;
  for (let c = 0; c < classes; c++) {
    if (c !== top && (best < 0 || scores[row * classes + c]! > scores[row * classes + best]!)) {
      best = c;
    }
  }
  return best;
}
