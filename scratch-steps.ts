import { selectBackend } from './trainer/backend.ts';
import { Store } from './monitor/store/store.ts';
import { modelFromWeights } from './trainer/network-abstraction.ts';
import { layerConductance } from './trainer/attribution/layer-conductance.ts';
import { importantNeurons } from './monitor/analytics/important-neurons.ts';
import { domainDiscriminability } from './monitor/analytics/domain-discriminability.ts';
await selectBackend('auto');
const store = await Store.open('/tmp/wt4f-scratch/db');
const weights = await store.getWeights({ runId: 'mid', phase: 'target', epoch: 1 });
const pick = async (split: 'source-validation' | 'target-validation', per: number) => {
  const s = await store.getInstances('mid', split);
  const px = s.pixels.length / s.labels.length;
  const idx: number[] = []; const count = new Array(10).fill(0);
  s.labels.forEach((c, i) => { if (count[c] < per) { count[c]++; idx.push(i); } });
  idx.sort((a, b) => s.labels[a]! - s.labels[b]! || a - b);
  const images = new Float32Array(idx.length * px);
  idx.forEach((i, j) => images.set(Float32Array.from(s.pixels.subarray(i * px, (i + 1) * px), (v) => v / 255), j * px));
  return { images, labels: Int32Array.from(idx, (i) => s.labels[i]!) };
};
const src = await pick('source-validation', 20); const tgt = await pick('target-validation', 20);
console.log(src.labels.length, tgt.labels.length);
const images = new Float32Array(src.images.length + tgt.images.length); images.set(src.images); images.set(tgt.images, src.images.length);
const labels = Int32Array.from([...src.labels, ...tgt.labels]);
const model = modelFromWeights('alexnet-32', 10, weights);
const res: Record<number, Awaited<ReturnType<typeof layerConductance>>> = {};
for (const steps of [2, 4, 8, 16, 32]) {
  const cpu = process.cpuUsage();
  res[steps] = await layerConductance(model, images, { steps, targets: labels });
  const u = process.cpuUsage(cpu);
  console.log('steps', steps, 'cpu s', ((u.user + u.system) / 1e6).toFixed(1));
}
const ns = src.labels.length;
for (const steps of [2, 4, 8, 16]) {
  let accDiff = 0, cosSum = 0, overlap = 0, relErr = 0, relN = 0;
  for (let c = 0; c < 10; c++) {
    const srows: number[] = [], trows: number[] = [];
    labels.forEach((l, i) => { if (l === c) (i < ns ? srows : trows).push(i); });
    const mats = (r: typeof res[number]) => {
      const cols: { l: number; n: number }[] = [];
      r.layers.forEach((layer, l) => {
        const ref = res[32]!.layers[l]!;
        const imp = importantNeurons({ values: ref.values, instances: r.count, neurons: ref.neurons }, { rows: trows });
        imp.indices.forEach((n) => cols.push({ l, n }));
      });
      const m = (rows: number[]) => Float32Array.from(rows.flatMap((i) => cols.map(({ l, n }) => r.layers[l]!.values[i * r.layers[l]!.neurons + n]!)));
      return { s: m(srows), t: m(trows), d: cols.length };
    };
    const a = mats(res[steps]!); const b = mats(res[32]!);
    for (let k = 0; k < a.s.length; k++) { relErr += Math.abs(a.s[k]! - b.s[k]!); relN += Math.abs(b.s[k]!); }
    const da = domainDiscriminability({ source: a.s, target: a.t, d: a.d }); const db = domainDiscriminability({ source: b.s, target: b.t, d: b.d });
    accDiff += Math.abs(da.cvAccuracy - db.cvAccuracy);
    let dot = 0, na = 0, nb = 0; da.weights.forEach((w, k) => { dot += w * db.weights[k]!; na += w * w; nb += db.weights[k]! ** 2; });
    cosSum += dot / Math.sqrt(na * nb);
    const top = (w: Float32Array) => new Set(Array.from(w, (v, k) => [Math.abs(v), k]).sort((x, y) => y[0]! - x[0]!).slice(0, 5).map((x) => x[1]));
    const ta = top(da.weights), tb = top(db.weights); overlap += [...ta].filter((k) => tb.has(k)).length;
    if (steps === 16) console.log('class', c, 'd', a.d, 'cv32', db.cvAccuracy.toFixed(3), 'solver', db.solver);
  }
  console.log('steps', steps, 'vs 32: rel L1 err', (relErr / relN).toFixed(3), 'mean |dcv|', (accDiff / 10).toFixed(3), 'mean weight cos', (cosSum / 10).toFixed(3), 'top5 overlap', (overlap / 10).toFixed(1));
}
store.close();
