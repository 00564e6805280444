// A monitor with background analysis on: a trainer in another process writes checkpoints, and the monitor
// computes each one's instance layout and network abstraction in analysis workers, announcing progress over socket.io.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { io as connect, type Socket } from 'socket.io-client';
import { Store } from '../../store/store.ts';
import { startMonitor, type RunningMonitor } from '../../monitor/server.ts';
import type { AnalysisEvent, ClientToServerEvents, ServerToClientEvents } from '../../core/protocol.ts';
import type { FeaturesResponse, NetworkResponse } from '../../core/analysis-protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const dir = useTempDir();
const db = `${dir}/db`;
let store: Store;
let monitor: RunningMonitor;
let socket: Socket<ServerToClientEvents, ClientToServerEvents>;
const events: AnalysisEvent[] = [];

beforeAll(async () => {
  store = await Store.open(db);
  monitor = await startMonitor({ store, port: 0, pollIntervalMs: 100, analyzeCheckpoints: true });
  socket = connect(monitor.url, { transports: ['websocket'] });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  expect(await socket.emitWithAck('subscribe', 'analysed')).toEqual({ ok: true, runId: 'analysed' });
  socket.on('analysis', (e) => events.push(e));
});
afterAll(async () => {
  socket.close();
  await monitor.close();
  store.close();
});

describe('background checkpoint analysis', () => {
  it('analyses the fine-tuned checkpoint against the final source checkpoint and reports progress', async () => {
    const trainer = spawn(process.execPath, ['bin/transferscope.js', 'train', '--config', 'configs/digits-smoke.json', '--db', db, '--run', 'analysed'], {
      stdio: 'ignore',
    });
    expect(await new Promise<number>((resolve) => trainer.once('exit', (code) => resolve(code ?? -1)))).toBe(0);
    await expect.poll(() => events.filter((e) => e.status === 'done').length, { timeout: 200_000, interval: 250 }).toBe(2);
    const statuses = events.filter((e) => e.at.phase === 'target').map((e) => e.status + (e.message ? `: ${e.message}` : ''));
    // Progress names each kind as the child stores it, in the stages' order.
    expect(statuses).toEqual([
      'queued',
      'running',
      'running: network ready',
      'running: network, instances ready',
      'running: network, instances, projection ready',
      'done',
    ]);
    // The first source checkpoint has no network abstraction (nothing earlier to compare with), but it is
    // still analysed for the kinds that look at one model (features), and reported done.
    const source = events.filter((e) => e.at.phase === 'source').map((e) => e.status + (e.message ? `: ${e.message}` : ''));
    // (Its network has nothing to compute, so it is ready at once.)
    expect(source).toEqual([
      'queued',
      'running',
      'running: network ready',
      'running: network, instances ready',
      'running: network, instances, projection ready',
      'done',
    ]);
    const sourceFeatures = (await (await fetch(`${monitor.url}api/runs/analysed/epochs/source/1/features`)).json()) as FeaturesResponse;
    expect(sourceFeatures.key).toMatchObject({ phase: 'source', epoch: 1, referencePhase: null });
    expect(sourceFeatures.result.classes).toHaveLength(10);
    const res = await fetch(`${monitor.url}api/runs/analysed/epochs/target/1/network`);
    const body = (await res.json()) as NetworkResponse;
    expect(body.key).toMatchObject({ referencePhase: 'source', referenceEpoch: 1 });
    expect(body.result.classes).toHaveLength(10);
    // The instance layouts of both checkpoints were stored by the background queue, the target's warm-started.
    const noReference = { runId: 'analysed', epoch: 1, referencePhase: null, referenceEpoch: null };
    expect(await store.hasAnalysis('instances', { ...noReference, phase: 'source' })).toBe(true);
    const target = await store.getAnalysis('instances', { ...noReference, phase: 'target' });
    expect(target?.warmStartedFrom).toMatchObject({ phase: 'source', epoch: 1 });
  }, 300_000);
});
