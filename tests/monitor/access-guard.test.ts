// Browser-facing access on a real port: loopback Host names only (DNS rebinding), same-origin sockets only, the
// bearer token when one is set, and run summaries only for sockets that asked for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import { Store } from '../../store/store.ts';
import { RUN_LIST_ROOM, startMonitor, type RunningMonitor } from '../../monitor/server.ts';
import { hostName, isLoopbackHost } from '../../monitor/access-guard.ts';
import type { ClientToServerEvents, RunSummary, ServerToClientEvents } from '../../core/protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { runMeta } from '../helpers/run-fixture.ts';

type MonitorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const TOKEN = 'correct-horse-battery';
const dir = useTempDir();
let store: Store;
let writer: Store;
let open: RunningMonitor;
let guarded: RunningMonitor;
const sockets: MonitorSocket[] = [];

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  writer = await Store.open(`${dir}/db`);
  open = await startMonitor({ store, port: 0, pollIntervalMs: 50 });
  guarded = await startMonitor({ store, port: 0, pollIntervalMs: 50, token: TOKEN });
});
afterAll(async () => {
  for (const socket of sockets) {
    socket.close();
  }
  await open.close();
  await guarded.close();
  store.close();
  writer.close();
});

/** GET over a real connection with exactly these headers (fetch would not let a test set Host). */
function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Connects a websocket and resolves 'connected' or the refusal's message. */
function tryConnect(monitor: RunningMonitor, options: { origin?: string; token?: string }): Promise<{ outcome: string; socket: MonitorSocket }> {
  const socket: MonitorSocket = connect(monitor.url, {
    transports: ['websocket'],
    reconnection: false,
    ...(options.origin ? { extraHeaders: { origin: options.origin } } : {}),
    ...(options.token ? { auth: { token: options.token } } : {}),
  });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ outcome: 'connected', socket }));
    socket.once('connect_error', (err) => resolve({ outcome: `refused: ${err.message}`, socket }));
  });
}

/** Resolves once the server has put `socket` in `room` (its event arrived), checking after each turn of the loop. */
async function joined(room: string, socket: MonitorSocket): Promise<void> {
  while (!(await open.io.in(room).fetchSockets()).some((s) => s.id === socket.id)) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('loopback Host names (DNS-rebinding defence)', () => {
  it('answers 403 JSON to a foreign Host and 200 to every loopback name', async () => {
    const foreign = await get(open.port, '/api/runs', { host: `evil.example:${open.port}` });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.code).toBe('FORBIDDEN');
    for (const host of [`localhost:${open.port}`, `127.0.0.1:${open.port}`, `[::1]:${open.port}`]) {
      expect([host, (await get(open.port, '/api/runs', { host })).status]).toEqual([host, 200]);
    }
  });

  it('names loopback hosts and Host header names', () => {
    expect(['127.0.0.1', '127.8.0.1', '::1', '[::1]', 'localhost', 'LOCALHOST'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', 'localhost.evil.example', '127.0.0.1.evil.example', ''].some(isLoopbackHost)).toBe(false);
    expect(['localhost:4640', '[::1]:4640', 'Example.org', 'evil.example:80'].map(hostName)).toEqual(['localhost', '[::1]', 'example.org', 'evil.example']);
  });
});

describe('sockets', () => {
  it('refuses a websocket from a foreign Origin and accepts one from the page itself or without Origin', async () => {
    expect((await tryConnect(open, { origin: 'http://evil.example' })).outcome).toMatch(/^refused/);
    expect((await tryConnect(open, { origin: `http://127.0.0.1:${open.port}` })).outcome).toBe('connected');
    expect((await tryConnect(open, {})).outcome).toBe('connected');
  });

  it("sends a run's summary only to sockets that subscribed to it or to the run list", async () => {
    const listener = (await tryConnect(open, {})).socket;
    const subscriber = (await tryConnect(open, {})).socket;
    const bystander = (await tryConnect(open, {})).socket;
    const received = new Map<string, string[]>([
      ['listener', []],
      ['subscriber', []],
      ['bystander', []],
    ]);
    for (const [name, socket] of [
      ['listener', listener],
      ['subscriber', subscriber],
      ['bystander', bystander],
    ] as const) {
      socket.on('run', (run: RunSummary) => received.get(name)!.push(run.id));
    }
    listener.emit('subscribeRuns');
    subscriber.emit('subscribe', 'run-two', () => {});
    await joined(RUN_LIST_ROOM, listener);
    await joined('run-two', subscriber);
    await writer.createRun(runMeta('run-one'));
    await writer.createRun(runMeta('run-two'));
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (received.get('listener')!.length >= 2 && received.get('subscriber')!.length >= 1) {
          resolve();
        }
      };
      listener.on('run', check);
      subscriber.on('run', check);
      check();
    });
    // The bystander's connection is still up and got neither summary, though both reached the others.
    expect(bystander.connected).toBe(true);
    // Runs created in the same poll arrive in any order.
    expect(Object.fromEntries([...received].map(([name, ids]) => [name, [...ids].sort()]))).toEqual({
      listener: ['run-one', 'run-two'],
      subscriber: ['run-two'],
      bystander: [],
    });
  });
});

describe('with --token', () => {
  it('answers 401 without the token or with a wrong one, 200 with it', async () => {
    const host = `127.0.0.1:${guarded.port}`;
    const none = await get(guarded.port, '/api/runs', { host });
    expect([none.status, JSON.parse(none.body).error.code]).toEqual([401, 'UNAUTHORIZED']);
    expect((await get(guarded.port, '/api/runs', { host, authorization: 'Bearer wrong-token-here' })).status).toBe(401);
    const right = await get(guarded.port, '/api/runs', { host, authorization: `Bearer ${TOKEN}` });
    expect(right.status).toBe(200);
    // Images load through <img>, which cannot send the header: the cookie set by an authorised request stands in.
    const cookie = right.setCookie.find((c) => c.startsWith('transferscope_token='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await get(guarded.port, '/api/runs', { host, cookie: cookie!.split(';')[0]! })).status).toBe(200);
    expect((await get(guarded.port, '/api/runs', { host, cookie: 'transferscope_token=guess' })).status).toBe(401);
  });

  it('refuses a socket without the token and accepts one with it', async () => {
    expect((await tryConnect(guarded, {})).outcome).toMatch(/^refused: .*access token/);
    expect((await tryConnect(guarded, { token: 'wrong-token-here' })).outcome).toMatch(/^refused/);
    expect((await tryConnect(guarded, { token: TOKEN })).outcome).toBe('connected');
  });
});
