import { scaleToUnitRange } from './monitor/analytics/domain-discriminability.ts';
import { trainLinearSvm } from './monitor/analytics/linear-svm.ts';
import { stratifiedFolds } from './monitor/analytics/linear-svm-cv.ts';
import { twoDomains } from './tests/monitor/analytics/linear-svm-fixtures.ts';
const big = twoDomains(11, 10_000, 10_000, 500);
const X0 = new Float32Array(big.source.length + big.target.length); X0.set(big.source); X0.set(big.target, big.source.length);
let t = performance.now();
const { scaled } = scaleToUnitRange(X0, 500);
console.log('scale', (performance.now() - t).toFixed(0));
const labels = new Int8Array(20000).fill(-1).fill(1, 0, 10000);
t = performance.now();
const m = trainLinearSvm(scaled, labels, 500, {});
console.log('full', (performance.now() - t).toFixed(0), m.solver, 'newton', m.newtonSteps, 'dual', m.iterations, 'widened', m.widenedBand, m.converged);
const foldOf = stratifiedFolds(labels, 10, 0);
for (let f = 0; f < 3; f++) {
  const rows = []; for (let i = 0; i < 20000; i++) if (foldOf[i] !== f) rows.push(i);
  t = performance.now();
  const fm = trainLinearSvm(scaled, labels, 500, { solver: 'newton', rows, warmStart: m, widenBand: m.widenedBand });
  console.log('fold', f, (performance.now() - t).toFixed(0), 'newton', fm.newtonSteps, 'dual', fm.iterations, fm.converged);
}
