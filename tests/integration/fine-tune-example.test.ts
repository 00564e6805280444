// examples/fine-tune.ts as a user runs it (its own process, `import ... from 'transferscope'`), at smoke size, then
// every analysis of its last checkpoint read through the HTTP API of a monitor on a loopback port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Store } from '../../store/store.ts';
import { startMonitor, type RunningMonitor } from '../../monitor/server.ts';
import type { ConfusionResponse, MetricsResponse, RunMeta } from '../../core/protocol.ts';
import type { FeaturesResponse, InstancesResponse, NetworkResponse, ProjectionResponse } from '../../core/analysis-protocol.ts';
import type { WeightDriftResponse } from '../../core/compare-protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const db = `${useTempDir()}/db`;
let store: Store;
let monitor: RunningMonitor;
let printed: string;

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/fine-tune.ts', '--smoke', '--db', db, '--run', 'example'], {
    timeout: 60_000,
  });
  printed = stdout;
  store = await Store.open(db);
  monitor = await startMonitor({ store, port: 0, pollIntervalMs: 100 });
}, 90_000);
afterAll(async () => {
  await monitor.close();
  store.close();
});

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${monitor.url}api/runs/example${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

describe('examples/fine-tune.ts', () => {
  it('records both phases, and every analysis of the last checkpoint answers through the API', async () => {
    expect(printed).toContain(`recorded run example in ${db}`);
    const run = await get<RunMeta>('');
    expect(run).toMatchObject({ status: 'finished', configName: 'example', plannedEpochs: { source: 1, target: 1 } });
    expect(run.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8']);
    const metrics = await get<MetricsResponse>('/metrics');
    expect(metrics.epochs.map((e) => `${e.phase}${e.epoch}:${e.checkpoint}`)).toEqual(['source1:true', 'target1:true']);
    const at = '/epochs/target/1';
    const confusion = await get<ConfusionResponse>(`${at}/confusion`);
    expect(confusion.rows).toHaveLength(10);
    const drift = await get<WeightDriftResponse>('/weight-drift');
    expect(drift.checkpoints[0]!.layers.map((l) => l.layer)).toContain('fc8');
    // Asked for at once, as the dashboard does: each kind is computed in its own analysis worker.
    const [network, projection, features, image] = await Promise.all([
      get<NetworkResponse>(`${at}/network`),
      get<ProjectionResponse>(`${at}/projection`),
      get<FeaturesResponse>(`${at}/features`),
      fetch(`${monitor.url}api/runs/example${at}/layers/conv1/neurons/0/feature.png`),
    ]);
    expect(network.key).toMatchObject({ referencePhase: 'source', referenceEpoch: 1 });
    expect(network.result.classes).toHaveLength(10);
    expect(features.result.classes).toHaveLength(10);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    // Stored by the projection's stage first (the projection embeds the same activations).
    const instances = await get<InstancesResponse>(`${at}/instances`);
    expect(instances.result).toMatchObject({ layer: 'flatten' });
    expect(projection.result.count).toBe(instances.result.count);
    const weights = await fetch(`${monitor.url}api/runs/example${at}/layers/conv2/weights?from=0&to=0`);
    expect(weights.status).toBe(200);
  }, 120_000);
});
