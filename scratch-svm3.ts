import { scaleToUnitRange } from './monitor/analytics/domain-discriminability.ts';
import { trainLinearSvm } from './monitor/analytics/linear-svm.ts';
import { twoDomains } from './tests/monitor/analytics/linear-svm-fixtures.ts';
const big = twoDomains(11, 10_000, 10_000, 500);
const X0 = new Float32Array(big.source.length + big.target.length); X0.set(big.source); X0.set(big.target, big.source.length);
const { scaled } = scaleToUnitRange(X0, 500);
const labels = new Int8Array(20000).fill(-1).fill(1, 0, 10000);
for (const every of [4, 2]) {
  const sub = Array.from({ length: 20000 / every }, (_, i) => i * every);
  let t = performance.now();
  const ms = trainLinearSvm(scaled, labels, 500, { solver: 'newton', rows: sub, C: 100 * every });
  const t1 = performance.now() - t;
  const m2 = trainLinearSvm(scaled, labels, 500, { solver: 'newton', warmStart: ms });
  console.log('subsample 1/' + every, t1.toFixed(0), 'steps', ms.newtonSteps, ms.widenedBand, 'then full total', (performance.now() - t).toFixed(0), 'steps', m2.newtonSteps, m2.converged);
}
