// Starts the monitor: the Hono app and socket.io on one HTTP server, bound to loopback by default.
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { serve } from '@hono/node-server';
import { Server as SocketServer } from 'socket.io';
import type { Server as HttpServer } from 'node:http';
import type { AnalysisEvent, ClientToServerEvents, RunSummary, ServerToClientEvents } from '../core/protocol.ts';
import { Store } from '../store/store.ts';
import { assertRunId } from '../core/params.ts';
import { createApp } from './app.ts';
import { startEpochWatcher } from './epoch-watcher.ts';
import { TransferscopeError } from '../core/errors.ts';
import { MAX_ANALYSIS_WORKERS, makeAnalysisWorkers, type AnalysisWorkers } from './analysis-workers.ts';
import { makeAnalysisQueue } from './analysis-queue.ts';
import { createAdapter } from '@socket.io/redis-adapter';
import type { AnalysisKind } from '../core/analysis-protocol.ts';
import { withNeeds } from '../core/analysis-keys.ts';
import { makeRedisAnalysis } from './redis-analysis.ts';
import { connectRedis } from './redis-connection.ts';
import type { AnalyzeCheckpoint } from './analysis-workers.ts';
import { isLoopbackHost, socketAuthorized, socketRefusal, type AccessPolicy } from './access-guard.ts';

/** The room of sockets that asked for every run's summary (the dashboard's run list). */
export const RUN_LIST_ROOM = 'transferscope:runs';

export interface MonitorOptions {
  store: Store;
  port: number;
  host?: string;
  dashboardDir?: string;
  pollIntervalMs?: number;
  /** Analyse every checkpoint in the background (a worker process per job), not only on request. */
  analyzeCheckpoints?: boolean;
  /** The kinds analysed in the background for every checkpoint (`serve --kind`); all by default. Requests compute any kind. */
  analysisKinds?: readonly AnalysisKind[];
  /** With analyzeCheckpoints: refine each analysed checkpoint to the paper's settings when nothing more urgent waits. */
  refineAnalyses?: boolean;
  /** Analysis workers at once while a training run is live (default MAX_ANALYSIS_WORKERS); `demo` runs one, since its trainer holds a core. */
  analysisWorkers?: number;
  /**
   * Background analysis jobs at once while no training run is live (`--analysis-workers N`), default the machine's
   * cores: the WASM backend uses one core per process, so a refinement tail on one job leaves the others idle.
   */
  idleAnalysisWorkers?: number;
  /** Required from API requests (bearer) and sockets (`auth.token`) when set. */
  token?: string | null;
  /**
   * `redis://…`: analyses go to the shared queue that `transferscope worker` processes run, and socket events
   * reach the clients of every monitor on this Redis (the socket.io Redis adapter). Check it first
   * (assertRedisReachable): commands wait for Redis rather than fail.
   */
  redis?: string;
}

export interface RunningMonitor {
  url: string;
  port: number;
  io: SocketServer<ClientToServerEvents, ServerToClientEvents>;
  close(): Promise<void>;
}

function listen(options: MonitorOptions, host: string, workers: AnalysisWorkers, analyze: AnalyzeCheckpoint, access: AccessPolicy): Promise<HttpServer> {
  const app = createApp(options.store, {
    dashboardDir: options.dashboardDir,
    analyze,
    renderFeatureImage: workers.renderFeatureImage,
    projectExtraPoints: workers.projectExtraPoints,
    access,
  });
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
  // Feature images stay in this monitor's own workers: they are rendered for one view and never stored.
  const liveWorkers = options.analysisWorkers ?? MAX_ANALYSIS_WORKERS;
  const idleWorkers = options.idleAnalysisWorkers ?? availableParallelism();
  const workers = makeAnalysisWorkers(options.store.location, liveWorkers);
  const redis = options.redis ? connectRedis(options.redis) : null;
  const redisAnalysis = redis ? makeRedisAnalysis(redis) : null;
  const fanOut = redis ? { pub: redis.duplicate(), sub: redis.duplicate() } : null;
  const access: AccessPolicy = { loopbackOnly: isLoopbackHost(host), token: options.token ?? null };
  const server = await listen(options, host, workers, redisAnalysis?.analyze ?? workers.analyze, access);
  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents>(server, {
    serveClient: false,
    ...(fanOut ? { adapter: createAdapter(fanOut.pub, fanOut.sub) } : {}),
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
    socket.on('subscribe', (runId, ack) => {
      // A client may leave out the callback (or send garbage); the room is joined either way.
      const reply = typeof ack === 'function' ? ack : () => {};
      try {
        assertRunId(String(runId));
      } catch (err) {
        // An invalid id can never match a room: the client hears why, and others are unaffected.
        const { code, message } = err as TransferscopeError;
        reply({ ok: false, error: { code, message } });
        return;
      }
      void Promise.resolve(socket.join(runId)).then(() => reply({ ok: true, runId }));
    });
    socket.on('unsubscribe', (runId) => void socket.leave(runId));
  });
  // Through the adapter when on Redis: an analysis event is published once (claimed in Redis) for every monitor.
  const emitAnalysis = (event: AnalysisEvent): void => void io.to(event.runId).emit('analysis', event);
  // On Redis, refinements are jobs ranked below every live job (core/queue-protocol.ts, paperJobPriority).
  const lineOptions = { ...(options.analysisKinds ? { kinds: withNeeds(options.analysisKinds) } : {}), refine: options.refineAnalyses ?? false };
  const analysis = !options.analyzeCheckpoints
    ? null
    : redisAnalysis
      ? redisAnalysis.makeQueue(options.store, emitAnalysis, lineOptions)
      : makeAnalysisQueue(options.store, workers.analyze, emitAnalysis, lineOptions);
  // Every monitor watches the store itself, so what it notices goes to its own sockets only: a client gets
  // each epoch once, from the monitor it is connected to.
  const watched = redis ? io.local : io;
  // Checkpoints committed while no monitor ran (or that the watcher's clock missed) are queued too.
  // A live trainer (a `running` run: its heartbeat is fresh) holds a core, so the queue runs one job at a time
  // beside it; once none is live, the freed cores take as many jobs. Until the first poll, as if one were live.
  let trainingLive = true;
  const followTraining = (runs: RunSummary[]): void => {
    const live = runs.some((run) => run.status === 'running');
    if (live !== trainingLive) {
      trainingLive = live;
      workers.setMaxWorkers(live ? liveWorkers : Math.max(liveWorkers, idleWorkers));
      analysis?.setParallelism(live ? 1 : idleWorkers);
    }
  };
  const catchUp = (runId?: string): void => {
    analysis?.catchUp(runId).catch((err: Error) => console.error(`monitor: catching up on unanalysed checkpoints failed: ${err.message}`));
  };
  catchUp();
  const watcher = startEpochWatcher(
    options.store,
    {
      epoch(runId, record) {
        watched.to(runId).emit('epoch', { runId, record });
        if (record.checkpoint) {
          const at = { phase: record.phase, epoch: record.epoch, step: record.step };
          watched.to(runId).emit('checkpoint', { runId, at });
          analysis?.enqueue(runId, at);
        }
      },
      run(run) {
        // A socket in both rooms gets it once.
        watched.to(RUN_LIST_ROOM).to(run.id).emit('run', run);
        catchUp(run.id);
      },
      runs: followTraining,
    },
    options.pollIntervalMs,
  );
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    io,
    async close() {
      await watcher.stop();
      // Workers still writing into the store would outlive the monitor (and a test's temporary folder).
      await workers.close();
      await analysis?.idle();
      // Settles once the HTTP server it is attached to has closed.
      await io.close();
      server.closeAllConnections();
      await redisAnalysis?.close();
      fanOut?.pub.disconnect();
      fanOut?.sub.disconnect();
      redis?.disconnect();
    },
  };
}
