import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../trainer/config.ts';
import { trainRun } from '../../../trainer/run-training.ts';
import { analyzeCheckpoints } from '../../../analysis/jobs/analyze-checkpoints.ts';
import { computeInstances } from '../../../analysis/jobs/instances-job.ts';
import { selectInstances } from '../../../analysis/jobs/instance-activations.ts';
import { makeAnalysisContext } from '../../../analysis/jobs/analysis-context.ts';
import { Store } from '../../../store/store.ts';
import type { AnalysisKey } from '../../../core/analysis-protocol.ts';
import type { InstanceProjection } from '../../../core/instances-protocol.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const dir = useTempDir();
const db = `${dir}/db`;
const key = (phase: 'source' | 'target'): AnalysisKey => ({ runId: 'inst', phase, epoch: 1, referencePhase: null, referenceEpoch: null });
let source: InstanceProjection;
let target: InstanceProjection;
let computed = 0;
let validationSizes: [number, number];

beforeAll(async () => {
  await trainRun({ config: loadConfig('configs/digits-smoke.json'), db, runId: 'inst', progress: null, log: () => {} });
  // Asking for the target checkpoint alone: its layout needs the source checkpoint's first.
  ({ computed } = await analyzeCheckpoints({ db, runId: 'inst', only: { phase: 'target', epoch: '1' }, kinds: ['instances'] }));
  const store = await Store.open(db);
  try {
    source = (await store.getAnalysis('instances', key('source')))!;
    target = (await store.getAnalysis('instances', key('target')))!;
    const labels = await Promise.all([store.getLabels('inst', 'source-validation'), store.getLabels('inst', 'target-validation')]);
    validationSizes = [labels[0].length, labels[1].length];
  } finally {
    store.close();
  }
}, 180_000);

describe('instances stage on a trained smoke run', () => {
  it('lays out every validation instance of both domains, the same ones in the same order at both checkpoints', () => {
    expect(computed).toBe(1);
    expect(source).not.toBeNull();
    expect(target).not.toBeNull();
    const n = validationSizes[0] + validationSizes[1];
    for (const p of [source, target]) {
      expect(p.count).toBe(n);
      for (const column of [p.domain, p.index, p.label, p.predicted, p.x, p.y]) {
        expect(column).toHaveLength(n);
      }
      expect(p.x.every(Number.isFinite) && p.y.every(Number.isFinite)).toBe(true);
      expect(p.domain.filter((v) => v === 1)).toHaveLength(validationSizes[1]);
      expect(p.layer).toBe('flatten');
      expect(p.activationDimensions).toBe(4 * 4 * 64);
      expect(p.principalDimensions).toBe(50);
      expect(p.capturedVariance).toBeGreaterThan(0.5);
      expect(p.capturedVariance).toBeLessThanOrEqual(1);
      expect(p.k).toBe(15);
      expect(p.neighbourPreservation).toBeGreaterThan(0);
      expect(p.neighbourPreservation).toBeLessThanOrEqual(1);
    }
    expect(target.index).toEqual(source.index);
    expect(target.domain).toEqual(source.domain);
  });

  it('warm-starts the target checkpoint from the source one and measures the movement', () => {
    expect(source.previousCheckpoint).toBeNull();
    expect(source.warmStartedFrom).toBeNull();
    expect(source.meanDisplacement).toBeNull();
    expect(target.previousCheckpoint).toEqual({ phase: 'source', epoch: 1, step: 1 });
    expect(target.warmStartedFrom).toEqual({ phase: 'source', epoch: 1, step: 1 });
    expect(target.meanDisplacement).toBeGreaterThan(0);
    const spread = Math.sqrt(source.x.reduce((s, v, i) => s + v * v + source.y[i]! ** 2, 0) / source.count);
    // Aligned to the previous layout: a warm start drifts less than the layout's own size.
    expect(target.meanDisplacement!).toBeLessThan(spread);
  });

  it('reports the predictions stored for each checkpoint', async () => {
    const store = await Store.open(db);
    try {
      for (const [phase, p] of [
        ['source', source],
        ['target', target],
      ] as const) {
        const predictions = await store.getPredictions({ runId: 'inst', phase, epoch: 1 });
        const splits = [predictions.get('source-validation')!, predictions.get('target-validation')!];
        expect(p.predicted).toEqual(p.index.map((i, r) => splits[p.domain[r]!]![i]));
      }
      const labels = await store.getLabels('inst', 'target-validation');
      expect(target.label.filter((_, r) => target.domain[r] === 1)).toEqual(Array.from(labels));
    } finally {
      store.close();
    }
  });

  it('recomputes the same layout from the stored predecessor without leaking tensors, and records a cap', async () => {
    const store = await Store.open(db);
    try {
      const context = makeAnalysisContext(store, 'inst');
      await context.inputs('source-validation');
      await context.inputs('target-validation');
      const before = tf.memory().numTensors;
      const again = await computeInstances(context, key('target'));
      expect(tf.memory().numTensors).toBe(before);
      expect(again.x).toEqual(target.x);
      expect(again.y).toEqual(target.y);
      // Two per class and domain: other instances than the stored source layout, so a cold start, recorded.
      const capped = await computeInstances(context, key('target'), { maxInstances: 40 });
      expect(capped.perClassCap).toBe(2);
      expect(capped.count).toBeLessThanOrEqual(40);
      expect(capped.previousCheckpoint).toEqual({ phase: 'source', epoch: 1, step: 1 });
      expect(capped.warmStartedFrom).toBeNull();
      expect(capped.meanDisplacement).toBeNull();
    } finally {
      store.close();
    }
  });
});

describe('selectInstances', () => {
  it('takes the first instances of each class per split, in split then instance order', () => {
    const split = (labels: number[], withoutPixels: number[] = []) => ({ labels: Int32Array.from(labels), withoutPixels: new Set(withoutPixels) });
    const selection = selectInstances([split([0, 1, 0, 0, 2, 1]), split([2, 2, 2, 0])], 2);
    expect(Array.from(selection.domain)).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(Array.from(selection.index)).toEqual([0, 1, 2, 4, 5, 0, 1, 3]);
    expect(Array.from(selection.label)).toEqual([0, 1, 0, 2, 1, 2, 2, 0]);
  });

  it('leaves out rows stored without pixels, taking the next instance of that class instead', () => {
    const selection = selectInstances([{ labels: Int32Array.from([0, 1, 0, 0, 2, 1]), withoutPixels: new Set([0, 4]) }], 2);
    expect(Array.from(selection.index)).toEqual([1, 2, 3, 5]);
    expect(Array.from(selection.label)).toEqual([1, 0, 0, 1]);
  });
});
