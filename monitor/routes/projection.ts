// GET /:id/epochs/:phase/:epoch/projection/background.png — the DVI boundary map stored with a checkpoint's
// projection (computed first when missing, as the JSON route does), drawn under the instance view's scatter.
// Mounted under /api/runs. A stored projection never changes, so the PNG is cached for good.
import { Hono } from 'hono';
import type { AnalyzeCheckpoint } from '../analysis-workers.ts';
import { IMMUTABLE_CACHE_CONTROL } from '../immutable-responses.ts';
import type { Store } from '../../store/store.ts';
import { storedAnalysis } from './analyses.ts';

export function projectionRoutes(store: Store, analyze: AnalyzeCheckpoint): Hono {
  const app = new Hono();

  app.get('/:id/epochs/:phase/:epoch/projection/background.png', async (c) => {
    const { result } = await storedAnalysis(store, analyze, c.req, 'projection');
    const png = Buffer.from(result.mapPng, 'base64');
    return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': IMMUTABLE_CACHE_CONTROL });
  });

  return app;
}
