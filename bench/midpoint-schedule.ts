// Plain 50 Gauss-Legendre steps against the paper check's two rules for failing instances (issue 16, item 2): redone
// at plain 50, or refined at every coarse step's midpoint. Per split of a trained checkpoint: CPU seconds of this
// process, the three run in turn on the same instances for several rounds (the order rotating each round, so a
// loaded machine's drift falls on each alike), path points, error per layer against plain 50 and a finer integral,
// important-neuron overlap and completeness residuals.
// Run: npx tsx bench/midpoint-schedule.ts --store=DB --run=ID [--phase=target] [--epoch=LAST] [--per-class=5] [--rounds=3]
// [--plain-rounds=ROUNDS] [--truth=200] [--splits=source-validation,target-validation]
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Store } from '../store/store.ts';
import { selectBackend } from '../trainer/backend.ts';
import { makeAnalysisContext, type ModelInputs } from '../analysis/jobs/analysis-context.ts';
import { architectureLayers, checkpointModel } from '../analysis/jobs/checkpoint-model.ts';
import { firstPerClass } from '../analysis/jobs/first-per-class.ts';
import { layerConductance, type LayerConductance } from '../analysis/attribution/layer-conductance.ts';
import { checkedConductance } from '../analysis/attribution/checked-conductance.ts';
import { completenessResiduals } from '../analysis/attribution/completeness.ts';
import { importantNeurons } from '../analysis/important-neurons.ts';
import { flag } from './command-line.ts';

interface Outcome {
  layers: LayerConductance[];
  /** Forward-and-backward path points per instance, on average, against plain 50's 51. */
  points: number;
  note: string;
  residuals: Float64Array;
}

async function cpuTimed<T>(work: () => Promise<T>): Promise<{ value: T; cpu: number }> {
  const started = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(started);
  return { value, cpu: (used.user + used.system) / 1e6 };
}

/** Mean over classes and layers of |top 10% of A ∩ top 10% of B| / |top 10%|, and its minimum. */
function overlap(a: LayerConductance[], b: LayerConductance[], labels: Int32Array): string {
  const scores: number[] = [];
  for (const c of new Set(labels)) {
    const rows = [...labels.keys()].filter((i) => labels[i] === c);
    a.forEach((layer, l) => {
      const k = Math.max(1, Math.round(layer.neurons * 0.1));
      const top = (m: LayerConductance) => new Set(importantNeurons({ values: m.values, instances: labels.length, neurons: m.neurons }, { rows, k }).indices);
      const ta = top(layer);
      const tb = top(b[l]!);
      scores.push([...ta].filter((n) => tb.has(n)).length / ta.size);
    });
  }
  return `overlap mean ${(scores.reduce((s, v) => s + v, 0) / scores.length).toFixed(3)} min ${Math.min(...scores).toFixed(2)}`;
}

/** Per layer: sum |a - reference| / sum |reference| over every instance and neuron. */
function layerErrors(a: LayerConductance[], reference: LayerConductance[]): string {
  return a
    .map((layer, l) => {
      let diff = 0;
      let size = 0;
      layer.values.forEach((v, j) => {
        diff += Math.abs(v - reference[l]!.values[j]!);
        size += Math.abs(reference[l]!.values[j]!);
      });
      return `${layer.layer} ${((100 * diff) / size).toFixed(2)}%`;
    })
    .join(', ');
}

const quantile = (values: Float64Array, q: number) => [...values].sort((x, y) => x - y)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
const residualText = (r: Float64Array) => `residual p90 ${(100 * quantile(r, 0.9)).toFixed(2)}% max ${(100 * quantile(r, 1)).toFixed(2)}%`;

async function compare(model: tfl.LayersModel, images: Float32Array, labels: Int32Array, layers: string[], split: string): Promise<void> {
  const count = labels.length;
  const base = { layers, targets: labels };
  const check = { steps: 50, checkSteps: 24, tolerance: 0.01 };
  const schedules: [string, () => Promise<Outcome>][] = [
    [
      'plain 50',
      async () => {
        const plain = await layerConductance(model, images, { ...base, steps: 50 });
        const residuals = await completenessResiduals(model, images, plain, plain.alphas, { relativeTo: 'attribution' });
        return { layers: plain.layers, points: 51, note: '', residuals };
      },
    ],
    [
      'redo 24 -> 50 at 1%',
      async () => {
        const { layers: result, schedule, residuals } = await checkedConductance(model, images, { ...base, ...check });
        return { layers: result, points: 25 + (51 * schedule.refined) / count, note: `redone ${schedule.refined}`, residuals };
      },
    ],
    [
      'refine 24 -> 50 at 1%, else plain 50',
      async () => {
        const { layers: result, schedule, residuals } = await checkedConductance(model, images, { ...base, ...check, rule: 'refine' });
        const redone = schedule.redone ?? 0;
        return { layers: result, points: 25 + (26 * schedule.refined + 51 * redone) / count, note: `refined ${schedule.refined}, redone ${redone}`, residuals };
      },
    ],
  ];
  const truthSteps = Number(flag('truth', '200'));
  const truth = truthSteps > 0 ? await layerConductance(model, images, { ...base, steps: truthSteps }) : null;
  const rounds = Number(flag('rounds', '3'));
  const cpu = schedules.map(() => [] as number[]);
  const outcomes: Outcome[] = [];
  console.log(`\n${split}: ${count} instances, ${rounds} rounds`);
  // Plain 50 in the first `plainRounds` rounds only: after them, the two rules alone, in turn.
  const plainRounds = Math.min(rounds, Number(flag('plain-rounds', String(rounds))));
  for (let round = 0; round < rounds; round++) {
    const timed = round < plainRounds ? [0, 1, 2] : [1, 2];
    for (let j = 0; j < timed.length; j++) {
      const s = timed[(round + j) % timed.length]!;
      const { value, cpu: seconds } = await cpuTimed(schedules[s]![1]);
      cpu[s]![round] = seconds;
      outcomes[s] ??= value;
    }
    console.log(`  round ${round + 1}: CPU s ${timed.map((s) => `${schedules[s]![0]} ${cpu[s]![round]!.toFixed(1)}`).join(', ')}`);
  }
  const refineOverRedo = cpu[2]!.map((c, r) => c / cpu[1]![r]!);
  const mean = refineOverRedo.reduce((a, b) => a + b, 0) / rounds;
  console.log(`  refine / redo CPU per round ${refineOverRedo.map((r) => r.toFixed(2)).join(' ')}, mean ${mean.toFixed(3)}`);
  const plain = outcomes[0]!;
  schedules.forEach(([name], s) => {
    const o = outcomes[s]!;
    const ratios = cpu[s]!.slice(0, plainRounds).map((c, r) => c / cpu[0]![r]!);
    console.log(
      `  ${name}: ${o.note ? `${o.note}, ` : ''}path points vs plain 50 ${(o.points / 51).toFixed(3)}, CPU s ${cpu[s]!.map((c) => c.toFixed(1)).join(' ')}` +
        ` (vs plain 50 per round ${ratios.map((r) => r.toFixed(2)).join(' ')}), ${overlap(o.layers, plain.layers, labels)},` +
        ` error vs 50 ${layerErrors(o.layers, plain.layers)}${truth ? `, error vs ${truthSteps} ${layerErrors(o.layers, truth.layers)}` : ''}, ${residualText(o.residuals)}`,
    );
  });
}

function pick(inputs: ModelInputs, classes: number, perClass: number): { images: Float32Array; labels: Int32Array } {
  const rows = firstPerClass(inputs.labels, classes, perClass, inputs.withoutPixels).flat();
  const pixels = inputs.height * inputs.width * 3;
  const images = new Float32Array(rows.length * pixels);
  rows.forEach((r, j) => images.set(inputs.pixels.subarray(r * pixels, (r + 1) * pixels), j * pixels));
  return { images, labels: Int32Array.from(rows, (r) => inputs.labels[r]!) };
}

const db = flag('store', '');
const runId = flag('run', '');
if (!db || !runId) {
  console.error('midpoint-schedule: pass --store=DB --run=ID of a trained run.');
  process.exit(2);
}
await selectBackend('auto');
const store = await Store.open(db);
const context = makeAnalysisContext(store, runId);
const { meta, architecture } = await context.run();
const phase = flag('phase', 'target') as 'source' | 'target';
const epochs = (await store.listEpochs(runId)).filter((e) => e.phase === phase);
const epoch = Number(flag('epoch', String(epochs.at(-1)!.epoch)));
const model = await checkpointModel(architecture, meta.classNames.length, await store.getWeights({ runId, phase, epoch }));
const { layers } = architectureLayers(architecture);
const perClass = Number(flag('per-class', '5'));
console.log(`${runId} ${phase} epoch ${epoch}, ${perClass} per class, backend ${tf.getBackend()}; CPU seconds of this process`);
for (const split of flag('splits', 'source-validation,target-validation').split(',') as ('target-validation' | 'source-validation')[]) {
  const { images, labels } = pick(await context.inputs(split), meta.classNames.length, perClass);
  await compare(model, images, labels, [...layers], split);
}
