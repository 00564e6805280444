// The features stage on a real smoke run in a temporary LanceDB: both validation domains attributed through
// the checkpoint's model, the important neurons of the stored network abstraction reused, compact results.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../trainer/config.ts';
import { trainRun } from '../../../trainer/run-training.ts';
import { makeAnalysisContext } from '../../../analysis/jobs/analysis-context.ts';
import { computeFeatures } from '../../../analysis/jobs/features-job.ts';
import { computeNetwork } from '../../../analysis/jobs/network-job.ts';
import { Store } from '../../../store/store.ts';
import { ALEXNET_LAYERS } from '../../../trainer/alexnet-layers.ts';
import type { AnalysisKey } from '../../../core/analysis-protocol.ts';
import type { FeaturesAnalysis } from '../../../core/features-protocol.ts';
import type { NetworkAbstraction } from '../../../core/network-protocol.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { networkLayer } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
const db = `${dir}/db`;
const NEURONS = [32, 64, 96, 96, 64, 256, 128, 10];
const IMPORTANT = NEURONS.map((n) => Math.max(1, Math.round(n / 10)));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const key = (phase: 'source' | 'target'): AnalysisKey => ({ runId: 'smoke', phase, epoch: 1, referencePhase: null, referenceEpoch: null });

let features: FeaturesAnalysis;
let reused: FeaturesAnalysis;
let sourceLabels: Int32Array;
let targetLabels: Int32Array;
let tensorsBefore = 0;
let tensorsAfter = 0;

/** A network abstraction naming chosen important neurons: only `importantNeurons` matters to the stage. */
function networkNaming(neuron: (layer: number, classIndex: number) => number[]): NetworkAbstraction {
  return {
    steps: 16,
    maxPerClass: 20,
    seconds: 0,
    classes: Array.from({ length: 10 }, (_, classIndex) => ({
      classIndex,
      instances: [],
      boundaries: [],
      layers: ALEXNET_LAYERS.map((layer, l) => networkLayer(layer, neuron(l, classIndex), NEURONS[l]!)),
    })),
  };
}

beforeAll(async () => {
  await trainRun({ config: loadConfig('configs/digits-smoke.json'), db, runId: 'smoke', progress: null, log: () => {} });
  const store = await Store.open(db);
  try {
    sourceLabels = await store.getLabels('smoke', 'source-validation');
    targetLabels = await store.getLabels('smoke', 'target-validation');
    const context = makeAnalysisContext(store, 'smoke');
    tensorsBefore = tf.memory().numTensors;
    // Two steps keep the file fast; the live setting's default is 4.
    features = await computeFeatures(context, key('target'), { steps: 2 });
    tensorsAfter = tf.memory().numTensors;
    // The target checkpoint's network abstraction, as `analyze` stores it before the features stage runs.
    await store.putAnalysis(
      'network',
      { ...key('target'), referencePhase: 'source', referenceEpoch: 1 },
      networkNaming((l, c) => [l === 7 ? c : l + 1, l]),
    );
    reused = await computeFeatures(context, key('target'), { steps: 2, maxPerClass: 3 });
  } finally {
    store.close();
  }
}, 120_000);

describe('computeFeatures', () => {
  it('leaves no tensor behind', () => {
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('uses the first instances of each class of both validation splits', () => {
    expect([features.steps, features.maxPerClass, features.C]).toEqual([2, 20, 100]);
    expect(features.classes.map((c) => c.classIndex)).toEqual([...Array(10).keys()]);
    for (const cls of features.classes) {
      const expectedSource = [...sourceLabels.keys()].filter((i) => sourceLabels[i] === cls.classIndex).slice(0, 20);
      const expectedTarget = [...targetLabels.keys()].filter((i) => targetLabels[i] === cls.classIndex).slice(0, 20);
      expect(cls.sourceInstances).toEqual(expectedSource);
      expect(cls.targetInstances).toEqual(expectedTarget);
    }
  });

  it('ranks 10% of each layer, with finite weights, full histograms and a plot point per instance', () => {
    for (const cls of features.classes) {
      const ns = cls.sourceInstances.length;
      const nt = cls.targetInstances.length;
      if (nt === 0) {
        expect(cls.neurons).toEqual([]);
        continue;
      }
      expect(ALEXNET_LAYERS.map((layer) => cls.neurons.filter((n) => n.layer === layer).length)).toEqual(IMPORTANT);
      for (const n of cls.neurons) {
        expect(Number.isFinite(n.weight)).toBe(true);
        expect(n.neuron).toBeLessThan(NEURONS[(ALEXNET_LAYERS as readonly string[]).indexOf(n.layer)]!);
        expect(sum(n.source)).toBe(ns);
        expect(sum(n.target)).toBe(nt);
        expect(n.axis.every(Number.isFinite)).toBe(true);
      }
      if (ns > 0) {
        expect(cls.cvAccuracy).toBeGreaterThanOrEqual(0);
        expect(cls.cvAccuracy).toBeLessThanOrEqual(1);
        expect(cls.folds).toBe(Math.min(10, ns + nt));
        expect(cls.x).toHaveLength(ns + nt);
        expect(cls.y).toHaveLength(ns + nt);
        expect(cls.neurons.some((n) => n.weight !== 0)).toBe(true);
      }
    }
    // Printed and handwritten digits differ a lot, even through a model trained one epoch.
    const accuracies = features.classes.flatMap((c) => (c.cvAccuracy === null ? [] : [c.cvAccuracy]));
    expect(accuracies.length).toBeGreaterThan(5);
    expect(sum(accuracies) / accuracies.length).toBeGreaterThan(0.7);
  });

  it('reuses the important neurons of the stored network abstraction of the same checkpoint', () => {
    for (const cls of reused.classes) {
      expect(cls.neurons.map((n) => [n.layer, n.neuron])).toEqual(
        ALEXNET_LAYERS.flatMap((layer, l) => (l === 7 ? [cls.classIndex, l] : [l + 1, l]).map((n) => [layer, n])),
      );
      expect(cls.sourceInstances.length).toBeLessThanOrEqual(3);
    }
  });

  it("reuses the network stage's stored target conductances at equal steps, with the same result", async () => {
    const store = await Store.open(db);
    try {
      const context = makeAnalysisContext(store, 'smoke');
      const fresh = await computeFeatures(context, key('target'), { steps: 2, maxPerClass: 3 });
      // The network stage stores the checkpoint model's conductances on the same target instances.
      await computeNetwork(context, { ...key('target'), referencePhase: 'source', referenceEpoch: 1 }, { steps: 2, maxPerClass: 3 });
      const found: boolean[] = [];
      const getConductances = store.getConductances.bind(store);
      store.getConductances = async (k) => {
        const stored = await getConductances(k);
        found.push(stored !== null);
        return stored;
      };
      const reusing = await computeFeatures(context, key('target'), { steps: 2, maxPerClass: 3 });
      expect(found).toEqual([true]);
      reusing.classes.forEach((cls, c) => {
        const expected = fresh.classes[c]!;
        expect(cls.neurons.map((n) => `${n.layer}:${n.neuron}`)).toEqual(expected.neurons.map((n) => `${n.layer}:${n.neuron}`));
        cls.neurons.forEach((n, j) => expect(n.weight).toBeCloseTo(expected.neurons[j]!.weight, 3));
        expect(cls.targetInstances).toEqual(expected.targetInstances);
        expect(cls.cvAccuracy ?? -1).toBeCloseTo(expected.cvAccuracy ?? -1, 6);
      });
    } finally {
      store.close();
    }
  });

  it("with a step check, records it and reuses the network stage's checked target conductances", async () => {
    const store = await Store.open(db);
    try {
      const context = makeAnalysisContext(store, 'smoke');
      const check = { steps: 1, tolerance: 0.01 };
      const network = await computeNetwork(context, { ...key('target'), referencePhase: 'source', referenceEpoch: 1 }, { steps: 3, maxPerClass: 2, check });
      const targets = network.classes.reduce((n, c) => n + c.instances.length, 0);
      // Both models were attributed here: neither had conductances stored under this check.
      expect(network.schedule).toMatchObject({ steps: 3, checkSteps: 1, tolerance: 0.01, instances: 2 * targets });
      expect(network.schedule!.refined).toBeLessThanOrEqual(2 * targets);
      const asked: string[] = [];
      const getConductances = store.getConductances.bind(store);
      store.getConductances = async (k) => {
        const stored = await getConductances(k);
        asked.push(`${k.setting}:${stored !== null}`);
        return stored;
      };
      const checked = await computeFeatures(context, key('target'), { steps: 3, maxPerClass: 2, check });
      expect(asked).toEqual([`network:steps=3:check=1@0.01:perClass=2:n=${targets}:true`]);
      // Only the source instances were attributed; the target ones came from the network stage.
      expect(checked.schedule).toMatchObject({ steps: 3, checkSteps: 1, tolerance: 0.01 });
      expect(checked.schedule!.instances).toBe(checked.classes.reduce((n, c) => n + c.sourceInstances.length, 0));
    } finally {
      store.close();
    }
  });

  it('analyses the first source checkpoint too: it needs no reference', async () => {
    const store = await Store.open(db);
    try {
      const first = await computeFeatures(makeAnalysisContext(store, 'smoke'), key('source'), { steps: 1, maxPerClass: 2 });
      expect(first.classes).toHaveLength(10);
      expect(first.classes.some((c) => c.cvAccuracy !== null)).toBe(true);
    } finally {
      store.close();
    }
  });
});
