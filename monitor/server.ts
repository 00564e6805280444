// Starts the monitor: the Hono app and socket.io on one HTTP server, bound to loopback by default.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Server as SocketServer } from 'socket.io';
import type { Server as HttpServer } from 'node:http';
import type { ClientToServerEvents, ServerToClientEvents } from '../core/protocol.ts';
import { Store } from '../store/store.ts';
import { assertRunId } from '../core/params.ts';
import { createApp } from './app.ts';
import { startEpochWatcher } from './epoch-watcher.ts';
import { TransferscopeError } from '../core/errors.ts';
import { makeChildProcessAnalyzer, type AnalyzeCheckpoint } from './checkpoint-analyzer.ts';
import { makeAnalysisQueue } from './analysis-queue.ts';
import { isLoopbackHost, socketAuthorized, socketRefusal, type AccessPolicy } from './access-guard.ts';

/** The room of sockets that asked for every run's summary (the dashboard's run list). */
export const RUN_LIST_ROOM = 'transferscope:runs';

export interface MonitorOptions {
  store: Store;
  port: number;
  host?: string;
  dashboardDir?: string;
  pollIntervalMs?: number;
  /** Analyse every new checkpoint in the background (a child process each), not only on request. */
  analyzeCheckpoints?: boolean;
  /** Analysis children at once (default MAX_ANALYSIS_CHILDREN); `demo` runs one, since its trainer holds a core. */
  analysisChildren?: number;
  /** Required from API requests (bearer) and sockets (`auth.token`) when set. */
  token?: string | null;
}

export interface RunningMonitor {
  url: string;
  port: number;
  io: SocketServer<ClientToServerEvents, ServerToClientEvents>;
  close(): Promise<void>;
}

function listen(options: MonitorOptions, host: string, analyze: AnalyzeCheckpoint, access: AccessPolicy): Promise<HttpServer> {
  const app = createApp(options.store, { dashboardDir: options.dashboardDir, analyze, access });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: host }) as HttpServer;
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new TransferscopeError('PORT_IN_USE', `Port ${options.port} on ${host} is already in use. Pass another --port, or stop the process using it.`));
      } else {
        reject(err);
      }
    });
  });
}

/** Serves the API, the dashboard and live events; resolves once listening. Port 0 picks a free port. */
export async function startMonitor(options: MonitorOptions): Promise<RunningMonitor> {
  const host = options.host ?? '127.0.0.1';
  const analyze = makeChildProcessAnalyzer(options.store.uri, options.analysisChildren);
  const access: AccessPolicy = { loopbackOnly: isLoopbackHost(host), token: options.token ?? null };
  const server = await listen(options, host, analyze, access);
  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents>(server, {
    serveClient: false,
    // Any web page may open a websocket to loopback; only the dashboard's own origin is let in.
    allowRequest: (request, callback) => {
      const refusal = socketRefusal(request, access);
      callback(refusal, refusal === null);
    },
  });
  io.use((socket, next) => {
    next(socketAuthorized(socket.handshake.auth, access) ? undefined : new Error('This monitor requires its access token (socket.io auth: { token }).'));
  });
  io.on('connection', (socket) => {
    socket.on('subscribeRuns', () => void socket.join(RUN_LIST_ROOM));
    socket.on('subscribe', (runId) => {
      try {
        assertRunId(runId);
        void socket.join(runId);
      } catch {
        // An invalid id can never match a room; ignoring it keeps a bad client from hurting others.
      }
    });
    socket.on('unsubscribe', (runId) => void socket.leave(runId));
  });
  const analysis = options.analyzeCheckpoints
    ? makeAnalysisQueue(options.store, analyze, (event) => io.to(event.runId).emit('analysis', event))
    : null;
  const watcher = startEpochWatcher(options.store, {
    epoch(runId, record) {
      io.to(runId).emit('epoch', { runId, record });
      if (record.checkpoint) {
        const at = { phase: record.phase, epoch: record.epoch, step: record.step };
        io.to(runId).emit('checkpoint', { runId, at });
        analysis?.enqueue(runId, at);
      }
    },
    run(run) {
      // A socket in both rooms gets it once.
      io.to(RUN_LIST_ROOM).to(run.id).emit('run', run);
    },
  }, options.pollIntervalMs);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    io,
    async close() {
      await watcher.stop();
      // Children still writing into the store would outlive the monitor (and a test's temporary folder).
      await analyze.close();
      await analysis?.idle();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      server.closeAllConnections?.();
    },
  };
}
