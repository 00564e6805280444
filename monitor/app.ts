// The monitor's HTTP app: the JSON API under /api and the built dashboard at /.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { ApiError } from '../core/protocol.ts';
import type { Store } from '../store/store.ts';
import { TransferscopeError } from '../core/errors.ts';
import { runsRoutes } from './routes/runs.ts';
import { analysisRoutes } from './routes/analyses.ts';
import { projectionRoutes } from './routes/projection.ts';
import { compareRoutes } from './routes/compare.ts';
import type { AnalyzeCheckpoint, ProjectExtraPoints, RenderFeatureImage } from './analysis-workers.ts';
import { featureRoutes } from './routes/features.ts';
import { weightRoutes } from './routes/weights.ts';
import { instanceRoutes } from './routes/instances.ts';
import { hostGuard, tokenGuard, type AccessPolicy } from './access-guard.ts';

export interface AppOptions {
  /** Folder of the built dashboard (vite's outDir); omitted or missing means API only. */
  dashboardDir?: string;
  /** Serves per-checkpoint analyses (network, …) when given, computing missing ones with it. */
  analyze?: AnalyzeCheckpoint;
  /** Serves neuron feature images when given, rendering them with it. */
  renderFeatureImage?: RenderFeatureImage;
  /** Serves …/projection/extra (training instances placed on a stored projection) when given, with `analyze`. */
  projectExtraPoints?: ProjectExtraPoints;
  /** Host and token checks (startMonitor derives them from the bind address and --token); none when omitted. */
  access?: AccessPolicy;
}

const errorBody = (code: string, message: string): ApiError => ({ error: { code, message } });

export function createApp(store: Store, options: AppOptions = {}): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    // INTERNAL and STORE_UNAVAILABLE messages may hold a query, a path on disk or a library's text; others are
    // written for the client (a 503 that says to retry shortly, say).
    if (err instanceof TransferscopeError && err.code !== 'INTERNAL' && err.code !== 'STORE_UNAVAILABLE') {
      return c.json(errorBody(err.code, err.message), err.status as 400);
    }
    if (c.req.raw.signal.aborted) {
      // The client left (a view scrubbed past this checkpoint): nobody reads the answer, and it is no fault.
      return c.body(null, 499 as 400);
    }
    // The details go to the server log under an id, and the client gets only the id to quote.
    const id = randomBytes(4).toString('hex');
    console.error(`monitor: error ${id}: ${c.req.method} ${c.req.path} failed:`, err);
    const code = err instanceof TransferscopeError ? err.code : 'INTERNAL';
    const status = err instanceof TransferscopeError ? err.status : 500;
    return c.json(errorBody(code, `Internal error ${id}; the server log has the details.`), status as 500);
  });

  const access = options.access ?? { loopbackOnly: false, token: null };
  app.use('*', hostGuard(access));
  app.use('/api/*', tokenGuard(access));

  app.route('/api/runs', runsRoutes(store));
  if (options.renderFeatureImage) {
    app.route('/api/runs', featureRoutes(store, options.renderFeatureImage));
  }
  app.route('/api', compareRoutes(store, options.analyze ?? null));
  app.route('/api/runs', weightRoutes(store));
  app.route('/api/runs', instanceRoutes(store));
  if (options.analyze) {
    // Before the generic kind route, whose `:kind{…}` pattern would take …/projection/background.png too.
    app.route('/api/runs', projectionRoutes(store, options.analyze, options.projectExtraPoints));
    app.route('/api/runs', analysisRoutes(store, options.analyze));
  }
  app.all('/api/*', (c) => c.json(errorBody('NOT_FOUND', `No API route ${c.req.method} ${c.req.path}. The routes are listed in the README.`), 404));

  const dir = options.dashboardDir;
  if (dir && existsSync(join(dir, 'index.html'))) {
    const indexHtml = readFileSync(join(dir, 'index.html'), 'utf8');
    app.use('/*', serveStatic({ root: dir }));
    // Every other path is a dashboard URL (run and epoch live in the query string).
    app.get('*', (c) => c.html(indexHtml));
  } else {
    app.get('/', (c) => c.text('transferscope monitor: the dashboard is not built. Run `npm run build`, then reload.', 503));
  }
  return app;
}
