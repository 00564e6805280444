// The whole slice on real parts: train the smoke config into LanceDB on disk, serve it on a real port,
// read it back through the API, and drive the CLI's error paths as a user would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { writeFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { Store } from '../../store/store.ts';
import { startMonitor, type RunningMonitor } from '../../monitor/server.ts';
import type { ConfusionResponse, MetricsResponse, RunMeta } from '../../core/protocol.ts';
import type { NetworkResponse } from '../../core/analysis-protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const run = promisify(execFile);
const dir = useTempDir();
const db = `${dir}/db`;
let store: Store;
let monitor: RunningMonitor;

async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, ['bin/transferscope.js', ...args], { timeout: 60_000 });
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

beforeAll(async () => {
  await trainRun({ config: loadConfig('configs/digits-smoke.json'), db, runId: 'smoke', progress: null, log: () => {} });
  store = await Store.open(db);
  monitor = await startMonitor({ store, port: 0 });
}, 300_000);
afterAll(async () => {
  await monitor.close();
  store.close();
});

describe('digits-smoke trained into LanceDB and served', () => {
  it('records the run with its backend, sizes and both phases', async () => {
    const meta = (await (await fetch(`${monitor.url}api/runs/smoke`)).json()) as RunMeta;
    expect(meta.status).toBe('finished');
    expect(meta.backend).toMatch(/wasm|tensorflow|cpu/);
    expect(meta.classNames).toHaveLength(10);
    expect(meta.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8']);
    expect(meta.datasetSizes.sourceTrain + meta.datasetSizes.sourceValidation).toBe(240);
    const metrics = (await (await fetch(`${monitor.url}api/runs/smoke/metrics`)).json()) as MetricsResponse;
    expect(metrics.epochs.map((e) => [e.phase, e.epoch, e.step, e.checkpoint])).toEqual([
      ['source', 1, 1, true],
      ['target', 1, 2, true],
    ]);
    for (const e of metrics.epochs) {
      expect(e.loss).toBeGreaterThan(0);
      for (const acc of [e.accSourceTrain, e.accTargetTrain, e.accSourceValidation, e.accTargetValidation]) {
        expect(acc).toBeGreaterThanOrEqual(0);
        expect(acc).toBeLessThanOrEqual(1);
      }
    }
  });

  it('stores every layer at checkpoints and serves a confusion table covering the target validation set', async () => {
    const weights = await store.getWeights({ runId: 'smoke', phase: 'target', epoch: 1 });
    expect(weights.map((w) => w.layer)).toHaveLength(8);
    expect(weights[0]!.kernelShape).toEqual([5, 5, 3, 32]);
    expect(weights.every((w) => w.kernel.every(Number.isFinite))).toBe(true);
    const res = await fetch(`${monitor.url}api/runs/smoke/epochs/target/1/confusion`);
    const body = (await res.json()) as ConfusionResponse;
    expect(body.rows).toHaveLength(10);
    expect(body.rows.reduce((n, r) => n + r.support, 0)).toBe(30);
    expect(body.sourceReference).toEqual({ phase: 'source', epoch: 1, step: 1 });
    expect(typeof body.transferability.score).toBe('number');
  });

  it("computes a checkpoint's network abstraction in an analysis worker, stores it, and serves it again from the store", async () => {
    const url = `${monitor.url}api/runs/smoke/epochs/target/1/network`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    const body = (await first.json()) as NetworkResponse;
    expect(body.key).toMatchObject({ phase: 'target', epoch: 1, referencePhase: 'source', referenceEpoch: 1 });
    expect(body.result.classes).toHaveLength(10);
    expect(body.result.classes[0]!.layers.map((l) => l.layer)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8']);
    // A recomputation would measure its own duration; the same one means the stored result was served.
    const again = (await (await fetch(url)).json()) as NetworkResponse;
    expect(again.result.seconds).toBe(body.result.seconds);
    const none = await fetch(`${monitor.url}api/runs/smoke/epochs/source/1/network`);
    expect(none.status).toBe(404);
    const missingRun = await cli('analyze', '--db', db);
    expect(missingRun.code).toBe(2);
    expect(missingRun.stderr).toMatch(/Missing --run ID/);
  });

  it("renders a neuron's feature visualisation as a PNG and explains bad requests", async () => {
    const base = `${monitor.url}api/runs/smoke/epochs/target/1/layers`;
    const res = await fetch(`${base}/conv2/neurons/3/feature.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([32, 32]);
    const tooBig = await fetch(`${base}/conv2/neurons/64/feature.png`);
    expect(tooBig.status).toBe(400);
    expect(((await tooBig.json()) as { error: { message: string } }).error.message).toMatch(/has 64 neurons/);
    expect((await fetch(`${base}/conv9/neurons/1/feature.png`)).status).toBe(400);
  });

  it('refuses an existing run id, a bad config and an unknown flag with one line and a non-zero exit', async () => {
    const before = readdirSync(`${db}/epochs.lance`).length;
    const exists = await cli('train', '--config', 'configs/digits-smoke.json', '--db', db, '--run', 'smoke');
    expect(exists.code).toBe(2);
    expect(exists.stderr.trim()).toMatch(/^transferscope: Run 'smoke' already exists/);
    expect(exists.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(`${db}/epochs.lance`).length).toBe(before);

    writeFileSync(`${dir}/bad.json`, JSON.stringify({ name: 'x', source: { kind: 'svhn', count: 10 } }));
    const bad = await cli('train', '--config', `${dir}/bad.json`, '--db', db);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Invalid config .*bad.json/);

    const flag = await cli('serve', '--prot', '1');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--prot'/);
  });

  it('stops on Ctrl-C after the current batch, keeping the completed epochs and marking the run interrupted', async () => {
    const idb = `${dir}/interrupted`;
    const child = spawn(process.execPath, ['bin/transferscope.js', 'train', '--config', 'configs/digits-smoke.json', '--db', idb, '--run', 'stopped'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
    await expect.poll(() => stderr, { timeout: 90_000, interval: 100 }).toMatch(/source epoch 1 done/);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const reader = await Store.open(idb);
    const run = await reader.getRun('stopped');
    expect(run.status).toBe('interrupted');
    expect((await reader.listEpochs('stopped')).map((e) => `${e.phase}${e.epoch}`)).toEqual(['source1']);
    reader.close();
  });

  it('reports a port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const busy = await cli('serve', '--db', db, '--port', String(port));
    blocker.close();
    expect(busy.code).toBe(2);
    expect(busy.stderr.trim()).toBe(`transferscope: Port ${port} on 127.0.0.1 is already in use. Pass another --port, or stop the process using it.`);
  });
});
