// GET /:id/epochs/:phase/:epoch/projection/background.png — the DVI boundary map stored with a checkpoint's
// projection (computed first when missing, as the JSON route does), drawn under the instance view's scatter; and
// …/projection/extra — a training split's instances placed by the stored encoder, in an analysis worker.
// Mounted under /api/runs. A stored projection never changes, so the PNG is cached for good.
import { Hono } from 'hono';
import type { AnalyzeCheckpoint, ProjectExtraPoints } from '../analysis-workers.ts';
import { IMMUTABLE_CACHE_CONTROL } from '../immutable-responses.ts';
import type { Store } from '../../store/store.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { clip, parseEpochParams } from '../../core/params.ts';
import { EXTRA_POINT_SETS, type ExtraPointSet, type ExtraPointsResponse } from '../../core/projection-protocol.ts';
import { makeCachedRequests } from '../../core/shared-requests.ts';
import { storedAnalysis } from './analyses.ts';

/**
 * Extra-point answers kept in memory: each is at most 10 classes x 150 instances x 6 numbers (~100 KB of JSON), and
 * a view asks for a few class choices per checkpoint it shows.
 */
const EXTRA_CACHE_LIMIT = 64;

function parseExtraSet(value: string | undefined): ExtraPointSet {
  if (!(EXTRA_POINT_SETS as readonly (string | undefined)[]).includes(value)) {
    const got = value === undefined ? 'Missing set' : `Unknown set '${clip(value)}'`;
    throw new TransferscopeError('INVALID_ARGUMENT', `${got}: use ?set= one of ${EXTRA_POINT_SETS.join(', ')}.`);
  }
  return value as ExtraPointSet;
}

/** Distinct class indices from a comma list, ascending; each must be below `classCount`. */
function parseClassList(value: string | undefined, classCount: number): number[] {
  const usage = `use ?classes= a comma list of distinct class indices from 0 to ${classCount - 1}, e.g. 0,3`;
  if (value === undefined || !/^\d{1,4}(,\d{1,4})*$/.test(value)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Invalid classes '${clip(value ?? '')}': ${usage}.`);
  }
  const classes = value.split(',').map(Number);
  const outside = classes.find((c) => c >= classCount);
  if (outside !== undefined || new Set(classes).size !== classes.length) {
    const what = outside !== undefined ? `class ${outside} does not exist` : 'a class is repeated';
    throw new TransferscopeError('INVALID_ARGUMENT', `Invalid classes '${clip(value)}': ${what}; ${usage}.`);
  }
  return classes.sort((a, b) => a - b);
}

export function projectionRoutes(store: Store, analyze: AnalyzeCheckpoint, projectExtraPoints?: ProjectExtraPoints): Hono {
  const app = new Hono();
  const cachedExtra = makeCachedRequests<ExtraPointsResponse>(EXTRA_CACHE_LIMIT);

  app.get('/:id/epochs/:phase/:epoch/projection/background.png', async (c) => {
    const { result } = await storedAnalysis(store, analyze, c.req, 'projection');
    const png = Buffer.from(result.mapPng, 'base64');
    return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': IMMUTABLE_CACHE_CONTROL });
  });

  if (projectExtraPoints) {
    app.get('/:id/epochs/:phase/:epoch/projection/extra', async (c) => {
      const runId = c.req.param('id');
      const { phase, epoch } = parseEpochParams(c.req.param('phase'), c.req.param('epoch'));
      const set = parseExtraSet(c.req.query('set'));
      // Checked against the run's classes before any worker starts: a bad choice costs a store read only.
      const run = await store.getRun(runId);
      const classes = parseClassList(c.req.query('classes'), run.classNames.length);
      const key = `${runId}/${phase}/${epoch}/${set}/${classes.join(',')}`;
      const points = await cachedExtra(
        key,
        async (signal) => {
          // The projection (its stored encoder) first, computed by a worker when missing; then the points.
          await storedAnalysis(store, analyze, c.req, 'projection');
          return projectExtraPoints({ runId, phase, epoch, set, classes }, signal);
        },
        c.req.raw.signal,
      );
      return c.json(points);
    });
  }

  return app;
}
