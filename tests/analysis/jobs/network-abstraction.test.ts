import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../trainer/config.ts';
import { loadTrainingData, trainRun } from '../../../trainer/run-training.ts';
import { networkAbstraction } from '../../../analysis/jobs/network-abstraction.ts';
import { computeNetwork } from '../../../analysis/jobs/network-job.ts';
import { makeAnalysisContext } from '../../../analysis/jobs/analysis-context.ts';
import { Store } from '../../../store/store.ts';
import { ALEXNET_LAYERS } from '../../../trainer/alexnet-layers.ts';
import type { NetworkAbstraction } from '../../../core/network-protocol.ts';
import type { LayerWeights } from '../../../store/schema/tables.ts';
import { readAll } from '../../../datasets/image-reader.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const dir = useTempDir();
const config = loadConfig('configs/digits-smoke.json');
const NEURONS = [32, 64, 96, 96, 64, 256, 128, 10];

let sourceWeights: LayerWeights[];
let targetWeights: LayerWeights[];
let images: Float32Array;
let labels: Int32Array;
let transfer: NetworkAbstraction;
let identical: NetworkAbstraction;
let tensorsBefore = 0;
let tensorsAfter = 0;

beforeAll(async () => {
  await trainRun({ config, db: `${dir}/db`, runId: 'smoke', progress: null, log: () => {} });
  const store = await Store.open(`${dir}/db`);
  try {
    sourceWeights = await store.getWeights({ runId: 'smoke', phase: 'source', epoch: 1 });
    targetWeights = await store.getWeights({ runId: 'smoke', phase: 'target', epoch: 1 });
    labels = await store.getLabels('smoke', 'target-validation');
  } finally {
    store.close();
  }
  // The stored instances are these images quantised to 8 bits; the data are regenerated from the config's seed.
  images = await readAll((await loadTrainingData(config)).target.validation);
  tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  // Two instances per class and fewer steps than the default keep the file well under 30 s on 2 cores.
  transfer = await networkAbstraction({ sourceWeights, targetWeights, images, labels, classCount: 10 }, { maxPerClass: 2, steps: 8 });
  const count = transfer.classes.reduce((n, c) => n + c.instances.length, 0);
  console.log(`network abstraction of ${count} instances, steps 8: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  identical = await networkAbstraction({ sourceWeights: targetWeights, targetWeights, images, labels, classCount: 10 }, { maxPerClass: 2, steps: 4 });
  tensorsAfter = tf.memory().numTensors;
});

describe('networkAbstraction', () => {
  it('leaves no tensor behind', () => {
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('abstracts every class over its own instances, with 10% of each layer important', () => {
    expect([transfer.steps, transfer.maxPerClass]).toEqual([8, 2]);
    let outOfRange = 0;
    expect(transfer.classes.map((c) => c.classIndex)).toEqual([...Array(10).keys()]);
    // AlexNet's eight layers, every consecutive pair linked directly (what a result without these fields means).
    expect(transfer.layers).toEqual([...ALEXNET_LAYERS]);
    expect(transfer.links?.map((l) => [l.fromLayer, l.toLayer, l.direct, l.reason])).toEqual(
      ALEXNET_LAYERS.slice(1).map((toLayer, i) => [ALEXNET_LAYERS[i], toLayer, true, undefined]),
    );
    for (const cls of transfer.classes) {
      expect(cls.instances.length).toBeLessThanOrEqual(2);
      expect(cls.instances.every((i) => labels[i] === cls.classIndex)).toBe(true);
      expect(cls.layers.map((l) => l.layer)).toEqual([...ALEXNET_LAYERS]);
      expect(cls.boundaries.map((b) => `${b.fromLayer}>${b.toLayer}`)).toEqual(ALEXNET_LAYERS.slice(0, -1).map((n, i) => `${n}>${ALEXNET_LAYERS[i + 1]}`));
      cls.layers.forEach((layer, l) => {
        const n = NEURONS[l]!;
        expect([layer.sourceNeurons, layer.targetNeurons]).toEqual([n, n]);
        const k = cls.instances.length === 0 ? 0 : Math.max(1, Math.round(n / 10));
        expect(layer.importantNeurons).toHaveLength(k);
        expect(layer.importantSourceNeurons).toHaveLength(k);
        expect(new Set(layer.importantNeurons).size).toBe(layer.importantNeurons.length);
        expect(layer.mostSimilarSource).toHaveLength(n);
        expect(layer.importantSimilarity).toHaveLength(k * k);
        outOfRange += [...layer.importantSimilarity, ...layer.mostSimilarValue].filter((v) => !(Math.abs(v) <= 1 + 1e-6)).length;
        // The four regions of S hold every cell once.
        const { importantSourceOther, otherSourceImportant, otherOther } = layer.similarityRegions;
        const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
        expect([sum(importantSourceOther.counts), sum(otherSourceImportant.counts), sum(otherOther.counts)]).toEqual([
          k * (n - k),
          (n - k) * k,
          (n - k) * (n - k),
        ]);
        // The stored maximum is the top of the neuron's five most similar source neurons (both rounded).
        layer.importantNeurons.forEach((t, r) => {
          const peers = layer.similarSources[r]!;
          expect(peers.neurons).toHaveLength(Math.min(5, n));
          expect(peers.values).toEqual([...peers.values].sort((a, b) => b - a));
          expect(layer.mostSimilarValue[t]).toBeCloseTo(Math.max(0, peers.values[0]!), 3);
        });
        expect(layer.similarTargets).toHaveLength(k);
      });
      cls.boundaries.forEach((b, l) => {
        const from = cls.layers[l]!;
        const to = cls.layers[l + 1]!;
        const importantTo = new Set(to.importantNeurons);
        expect(b.regions.fromImportant.map((g) => g.neuron)).toEqual(from.importantNeurons);
        expect(b.regions.toImportant.map((g) => g.neuron)).toEqual(to.importantNeurons);
        b.regions.fromImportant.forEach((g) => {
          expect(g.weights).toBe(to.targetNeurons - to.importantNeurons.length);
          // The pie counts the important target weights from this neuron into non-important neurons.
          const important = b.target.from.filter((f, w) => f === g.neuron && !importantTo.has(b.target.to[w]!));
          expect(g.important).toBe(important.length);
          const [lo, q1, median, q3, hi] = g.levels!;
          expect(lo <= q1 && q1 <= median && median <= q3 && q3 <= hi).toBe(true);
          expect(lo >= b.regions.levelRange[0] && hi <= b.regions.levelRange[1]).toBe(true);
        });
      });
    }
    expect(outOfRange).toBe(0);
    expect(transfer.classes.some((c) => c.instances.length > 0)).toBe(true);
  });

  it("flags a target weight inherited exactly when its ends' most similar source neurons share an important source weight", () => {
    for (const cls of transfer.classes) {
      for (const b of cls.boundaries) {
        const important = new Set(b.source.from.map((f, j) => `${f}:${b.source.to[j]}`));
        const { sourceFrom, sourceTo, inherited } = b.inheritance;
        expect(sourceFrom).toHaveLength(b.target.from.length);
        b.target.from.forEach((from, w) => {
          const fromLayer = cls.layers.find((l) => l.layer === b.fromLayer)!;
          const toLayer = cls.layers.find((l) => l.layer === b.toLayer)!;
          expect(sourceFrom[w]).toBe(fromLayer.mostSimilarSource[from]);
          expect(sourceTo[w]).toBe(toLayer.mostSimilarSource[b.target.to[w]!]);
          expect(inherited[w]).toBe(sourceFrom[w]! >= 0 && sourceTo[w]! >= 0 && important.has(`${sourceFrom[w]}:${sourceTo[w]}`));
        });
      }
    }
  });

  it('with identical source and target weights, matches every attributed neuron to itself and inherits every important weight between attributed neurons', () => {
    let attributed = 0;
    let inheritedCount = 0;
    for (const cls of identical.classes) {
      for (const layer of cls.layers) {
        layer.mostSimilarSource.forEach((s, t) => {
          // A neuron with an all-zero attribution vector has no similar source neuron (-1).
          if (s >= 0) {
            attributed++;
            expect(s).toBe(t);
            expect(layer.mostSimilarValue[t]).toBeCloseTo(1, 5);
          } else {
            expect(layer.mostSimilarValue[t]).toBe(0);
          }
        });
      }
      for (const b of cls.boundaries) {
        expect(b.target).toEqual(b.source);
        b.target.from.forEach((from, w) => {
          const attributedEnds = b.inheritance.sourceFrom[w]! >= 0 && b.inheritance.sourceTo[w]! >= 0;
          if (attributedEnds) {
            expect([b.inheritance.sourceFrom[w], b.inheritance.sourceTo[w]]).toEqual([from, b.target.to[w]]);
            expect(b.inheritance.inherited[w]).toBe(true);
            inheritedCount++;
          } else {
            expect(b.inheritance.inherited[w]).toBe(false);
          }
        });
      }
    }
    expect(attributed).toBeGreaterThan(0);
    expect(inheritedCount).toBeGreaterThan(0);
  });

  it('defaults to 8 steps and 20 instances per class, and gives empty classes for no instances', async () => {
    const before = tf.memory().numTensors;
    const none = { sourceWeights, targetWeights, images: new Float32Array(0), labels: new Int32Array(0) };
    const empty = await networkAbstraction({ ...none, classCount: 10 });
    expect([empty.steps, empty.maxPerClass]).toEqual([8, 20]);
    expect(empty.classes.map((c) => [c.instances.length, c.layers[0]!.importantNeurons.length, c.boundaries[0]!.target.from.length])).toEqual(
      Array(10).fill([0, 0, 0]),
    );
    await expect(networkAbstraction({ ...none, classCount: 3 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is plain JSON with floats rounded to 4 significant digits', () => {
    expect(JSON.parse(JSON.stringify(transfer))).toEqual(transfer);
    const floats = JSON.stringify(transfer.classes).match(/-?\d+\.\d+(e-?\d+)?/g) ?? [];
    expect(floats.length).toBeGreaterThan(0);
    expect(floats.filter((f) => f.replace(/^-?0\.0*|e.*$|[.-]/g, '').length > 4)).toEqual([]);
  });
});

describe('computeNetwork', () => {
  it('abstracts a stored checkpoint against a stored reference from the store alone', async () => {
    const store = await Store.open(`${dir}/db`);
    try {
      const context = makeAnalysisContext(store, 'smoke');
      const result = await computeNetwork(
        context,
        { runId: 'smoke', phase: 'target', epoch: 1, referencePhase: 'source', referenceEpoch: 1 },
        { maxPerClass: 1, steps: 2 },
      );
      expect([result.steps, result.maxPerClass]).toEqual([2, 1]);
      for (const cls of result.classes) {
        expect(cls.instances).toEqual(cls.instances.length === 0 ? [] : [labels.indexOf(cls.classIndex)]);
      }
    } finally {
      store.close();
    }
  });

  it("stores each checkpoint's conductances once and reuses them, with the same abstraction as computing afresh", async () => {
    const store = await Store.open(`${dir}/db`);
    try {
      const context = makeAnalysisContext(store, 'smoke');
      const options = { maxPerClass: 2, steps: 3 };
      const setting = (n: number) => `network:steps=3:perClass=2:n=${n}`;
      const key = { runId: 'smoke', phase: 'target', epoch: 1, referencePhase: 'source', referenceEpoch: 1 } as const;
      const first = await computeNetwork(context, key, options);
      const n = first.classes.reduce((count, c) => count + c.instances.length, 0);
      const sourceStored = await store.getConductances({ runId: 'smoke', phase: 'source', epoch: 1, setting: setting(n) });
      const targetStored = await store.getConductances({ runId: 'smoke', phase: 'target', epoch: 1, setting: setting(n) });
      expect(sourceStored?.map((c) => [c.layer, c.neurons, c.values.length])).toEqual(ALEXNET_LAYERS.map((layer, l) => [layer, NEURONS[l], n * NEURONS[l]!]));
      expect(targetStored).toHaveLength(8);
      // Another setting is another cache entry.
      expect(await store.getConductances({ runId: 'smoke', phase: 'source', epoch: 1, setting: setting(n + 1) })).toBeNull();

      // Reading them back gives the abstraction that computing both models afresh (no cache) gives.
      const second = await computeNetwork(context, key, options);
      const stored = await context.inputs('target-validation');
      const fresh = await networkAbstraction({ sourceWeights, targetWeights, images: stored.pixels, labels: stored.labels, classCount: 10 }, options);
      const { seconds: _s1, ...secondRest } = second;
      const { seconds: _s2, ...freshRest } = fresh;
      expect(secondRest).toEqual(freshRest);
    } finally {
      store.close();
    }
  });

  it('uses supplied conductances instead of computing them, and refuses ones that do not fit', async () => {
    const planted = (count: number) =>
      Promise.resolve(
        ALEXNET_LAYERS.map((layer, l) => {
          // Neuron 0 of every layer dominates every instance: it must come out most important in every class.
          const values = new Float32Array(count * NEURONS[l]!);
          for (let i = 0; i < count; i++) {
            values[i * NEURONS[l]!] = 100;
          }
          return { layer, neurons: NEURONS[l]!, values };
        }),
      );
    const result = await networkAbstraction(
      { sourceWeights, targetWeights, images, labels, classCount: 10 },
      {
        maxPerClass: 2,
        steps: 2,
        conductances: (_side, count) => planted(count),
      },
    );
    for (const cls of result.classes.filter((c) => c.instances.length > 0)) {
      expect(cls.layers.map((l) => l.importantNeurons[0])).toEqual(ALEXNET_LAYERS.map(() => 0));
    }
    await expect(
      networkAbstraction(
        { sourceWeights, targetWeights, images, labels, classCount: 10 },
        {
          maxPerClass: 2,
          steps: 2,
          conductances: (_side, count) => planted(count + 1),
        },
      ),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
