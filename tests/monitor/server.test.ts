import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { Store } from '../../store/store.ts';
import { startMonitor, type RunningMonitor } from '../../monitor/server.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../core/protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;
let writer: Store;
let monitor: RunningMonitor;
let socket: Socket<ServerToClientEvents, ClientToServerEvents>;

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  // A second connection stands for a trainer in another process writing the same folder.
  writer = await Store.open(`${dir}/db`);
  monitor = await startMonitor({ store, port: 0, pollIntervalMs: 50 });
  socket = connect(monitor.url, { transports: ['websocket'] });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.emit('subscribeRuns');
});
afterAll(async () => {
  socket.close();
  await monitor.close();
  store.close();
  writer.close();
});

describe('monitor on a real port', () => {
  it('binds to loopback and serves the API', async () => {
    expect(monitor.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(`${monitor.url}api/runs`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it('pushes epochs and checkpoints written by another connection to subscribed clients', async () => {
    await writer.createRun(runMeta('live-run'));
    const runEvent = new Promise((resolve) => socket.once('run', resolve));
    await runEvent;
    // Once acknowledged the socket is in the run's room, so the epoch below cannot arrive before it.
    expect(await socket.emitWithAck('subscribe', 'live-run')).toEqual({ ok: true, runId: 'live-run' });
    const epoch = new Promise<{ runId: string; step: number }>((resolve) => socket.once('epoch', (e) => resolve({ runId: e.runId, step: e.record.step })));
    const checkpoint = new Promise<string>((resolve) => socket.once('checkpoint', (e) => resolve(`${e.at.phase}/${e.at.epoch}`)));
    await writer.commitEpoch('live-run', { record: epochRecord('source', 1, 1), predictions: [], weights: [layerWeights('conv1', 2, 0)] });
    expect(await epoch).toEqual({ runId: 'live-run', step: 1 });
    expect(await checkpoint).toBe('source/1');
  });

  it('answers a subscription to an invalid run id with the reason, and joins no room', async () => {
    const ack = await socket.emitWithAck('subscribe', '../etc');
    expect(ack).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(ack.ok ? '' : ack.error.message).toMatch(/Invalid run id/);
    expect(monitor.io.of('/').adapter.rooms.has('../etc')).toBe(false);
  });

  it('refuses a port that is in use with a PORT_IN_USE error', async () => {
    await expect(startMonitor({ store, port: monitor.port })).rejects.toMatchObject({ code: 'PORT_IN_USE' });
  });
});
