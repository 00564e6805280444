// DeepVisualInsight's projection end to end on real parts: train the smoke config into LanceDB on disk, compute
// both checkpoints' projections with the CLI in another process, and read every stored artefact back through the
// API on a real port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig, validateConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { Store } from '../../store/store.ts';
import { startMonitor, type RunningMonitor } from '../../monitor/server.ts';
import type { ProjectionResponse } from '../../core/analysis-protocol.ts';
import type { ExtraPointsResponse, ProjectionAnalysis } from '../../core/projection-protocol.ts';
import { loadTrainingData } from '../../trainer/load-training-data.ts';
import { makeAnalysisContext } from '../../analysis/jobs/analysis-context.ts';
import { checkpointActivations, selectInstances } from '../../analysis/jobs/instance-activations.ts';
import { checkpointClassifier } from '../../analysis/jobs/checkpoint-classifier.ts';
import { checkpointModel } from '../../analysis/jobs/checkpoint-model.ts';
import { readVisualisationModel } from '../../analysis/jobs/stored-visualisation-model.ts';
import { decode, encode, predictionPreservation } from '../../lib/dvi/index.ts';
import { selectBackend } from '../../trainer/backend.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const run = promisify(execFile);
const dir = useTempDir();
const db = `${dir}/db`;
let store: Store;
let monitor: RunningMonitor;
const keyOf = (phase: 'source' | 'target') => ({ runId: 'smoke', phase, epoch: 1, referencePhase: null, referenceEpoch: null });

beforeAll(async () => {
  await selectBackend('auto');
  await trainRun({ config: loadConfig('configs/digits-smoke.json'), db, runId: 'smoke', progress: null, log: () => {} });
}, 300_000);
afterAll(async () => {
  // Unset when the setup failed.
  await (monitor as RunningMonitor | undefined)?.close();
  (store as Store | undefined)?.close();
});

describe('the DVI projection of the smoke run', () => {
  let source: ProjectionAnalysis;
  let target: ProjectionAnalysis;

  it('is computed for both checkpoints by `analyze --kind projection`, the second warm-started', async () => {
    const { stdout, stderr } = await run(process.execPath, ['bin/transferscope.js', 'analyze', '--db', db, '--run', 'smoke', '--kind', 'projection'], {
      timeout: 280_000,
    });
    const said = stdout + stderr;
    expect(said).toMatch(/projection: source epoch 1[\s\S]*projection: target epoch 1/);
    expect(said).toContain('2 analyses computed');
    store = await Store.open(db);
    source = (await store.getAnalysis('projection', keyOf('source')))!;
    target = (await store.getAnalysis('projection', keyOf('target')))!;
    expect(source.settings).toMatchObject({ warmStartedFrom: null, previousCheckpoint: null, temporalWeight: 0, layer: 'flatten' });
    expect(source.settings.finalLosses.temporal).toBe(0);
    expect(source.metrics.temporalCorrelation).toBeNull();
    expect(target.settings).toMatchObject({ warmStartedFrom: { phase: 'source', epoch: 1 }, temporalWeight: 0.3 });
    // The temporal term was active: the fit measured a distance to where the source model put the rows.
    expect(target.settings.finalLosses.temporal).toBeGreaterThan(0);
    expect(target.metrics.temporalCorrelation).toEqual(expect.any(Number));
    // A warm start begins from the stored weights: the first encoder layer's shape carries over exactly.
    expect(target.model.encoder.map((l) => [l.inputs, l.outputs])).toEqual(source.model.encoder.map((l) => [l.inputs, l.outputs]));
  }, 300_000);

  it('keeps neighbourhoods as DVI asks, and its stored model reproduces the layout and prediction figure', async () => {
    const context = makeAnalysisContext(store, 'smoke');
    const [sourceSplit, targetSplit] = await Promise.all([context.inputs('source-validation'), context.inputs('target-validation')]);
    const { architecture } = await context.run();
    for (const [phase, p] of [
      ['source', source],
      ['target', target],
    ] as const) {
      expect(p.count).toBeGreaterThan(30);
      expect(p.boundary.count).toBeGreaterThan(0);
      // The quality bars: neighbours above 5 of 15 (shares of k = 15), predictions kept above 0.8.
      expect(p.metrics.neighbourPreservation * p.metrics.k).toBeGreaterThan(5);
      expect(p.metrics.predictionPreservation).toBeGreaterThan(0.8);
      // The prediction term was active in the fit.
      expect(p.settings.finalLosses.prediction).toBeGreaterThan(0);
      for (let b = 0; b < p.boundary.count; b++) {
        expect(p.boundary.classA[b]).not.toBe(p.boundary.classB[b]);
      }
      // The stored weights are the fitted ones: they put the same instances at the stored positions, and decoding
      // gives the stored prediction preservation.
      const selection = selectInstances([sourceSplit, targetSplit], p.settings.perClassCap);
      const activations = await checkpointActivations(context, keyOf(phase), selection);
      const model = readVisualisationModel(p.model);
      const layout = await encode(model, activations.values);
      for (let r = 0; r < p.count; r++) {
        expect(layout[2 * r]).toBeCloseTo(p.x[r]!, 2);
        expect(layout[2 * r + 1]).toBeCloseTo(p.y[r]!, 2);
      }
      const network = await checkpointModel(architecture, 10, await store.getWeights({ runId: 'smoke', phase, epoch: 1 }));
      try {
        const { classifyRepresentations } = checkpointClassifier(network, 'flatten');
        const preserved = await predictionPreservation(
          activations.values,
          activations.dimensions,
          async (rows) => decode(model, await encode(model, rows)),
          classifyRepresentations,
        );
        expect(preserved).toBeCloseTo(p.metrics.predictionPreservation, 3);
      } finally {
        network.dispose();
      }
    }
  }, 120_000);

  it('serves the layout, metrics and boundary points, and the map as an immutable PNG', async () => {
    monitor = await startMonitor({ store, port: 0 });
    for (const [phase, stored] of [
      ['source', source],
      ['target', target],
    ] as const) {
      const res = await fetch(`${monitor.url}api/runs/smoke/epochs/${phase}/1/projection`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as ProjectionResponse;
      expect(body.kind).toBe('projection');
      expect(body.result).not.toHaveProperty('model');
      expect(body.result).not.toHaveProperty('mapPng');
      expect(body.result.x).toEqual(stored.x);
      expect(body.result.boundary).toEqual(stored.boundary);
      expect(body.result.metrics).toEqual(stored.metrics);
      const { map } = body.result;
      expect(map.bounds.maxX).toBeGreaterThan(map.bounds.minX);
      const probabilities = Buffer.from(map.probabilities, 'base64');
      expect(probabilities.length).toBe(map.probabilityResolution ** 2 * map.classCount);
      // Each cell's quantised probabilities sum to about 1 (255 give or take rounding of 10 bytes).
      const first = [...probabilities.subarray(0, map.classCount)].reduce((a, b) => a + b, 0);
      expect(Math.abs(first - 255)).toBeLessThanOrEqual(map.classCount);

      const png = await fetch(`${monitor.url}api/runs/smoke/epochs/${phase}/1/projection/background.png`);
      expect(png.status).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(png.headers.get('cache-control')).toContain('immutable');
      const bytes = Buffer.from(await png.arrayBuffer());
      expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
      // IHDR: width and height are the first two big-endian words of its data.
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([map.resolution, map.resolution]);
      expect(bytes.equals(Buffer.from(stored.mapPng, 'base64'))).toBe(true);
    }
  });

  it('places target-training instances of chosen classes with the stored encoder, without refitting', async () => {
    const res = await fetch(`${monitor.url}api/runs/smoke/epochs/target/1/projection/extra?set=target-train&classes=3,0`);
    expect(res.status).toBe(200);
    const points = (await res.json()) as ExtraPointsResponse;
    expect(points).toMatchObject({ runId: 'smoke', phase: 'target', epoch: 1, set: 'target-train', classes: [0, 3] });
    expect(points.count).toBeGreaterThan(0);
    expect(new Set(points.label)).toEqual(new Set([0, 3]));
    for (const values of [points.index, points.label, points.predicted, points.x, points.y]) {
      expect(values).toHaveLength(points.count);
    }
    // The same instances through the checkpoint and the stored encoder here give the served positions.
    const { meta, architecture } = await makeAnalysisContext(store, 'smoke').run();
    const reader = (await loadTrainingData(validateConfig(meta.config, 'smoke'))).target.train;
    expect(points.index.map((i) => reader.labels[i])).toEqual(points.label);
    const network = await checkpointModel(architecture, 10, await store.getWeights({ runId: 'smoke', phase: 'target', epoch: 1 }));
    try {
      const rows = await checkpointClassifier(network, 'flatten').representImages(await reader.read(points.index), points.count);
      const layout = await encode(readVisualisationModel(target.model), rows);
      for (let r = 0; r < points.count; r++) {
        expect(layout[2 * r]).toBeCloseTo(points.x[r]!, 2);
        expect(layout[2 * r + 1]).toBeCloseTo(points.y[r]!, 2);
      }
    } finally {
      network.dispose();
    }
    // Asked again in another order, it is the same answer (from the route's cache).
    const again = await fetch(`${monitor.url}api/runs/smoke/epochs/target/1/projection/extra?set=target-train&classes=0,3`);
    expect(await again.json()).toEqual(points);
  });

  it('answers an unknown checkpoint with a JSON 404 that names no paths', async () => {
    const res = await fetch(`${monitor.url}api/runs/smoke/epochs/target/9/projection/background.png`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('EPOCH_NOT_FOUND');
    expect(body.error.message).not.toContain(dir);
  });
});
