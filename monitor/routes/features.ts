// /api/runs/:id/epochs/:phase/:epoch/layers/:layer/neurons/:neuron/feature.png: the feature visualisation
// of one neuron at a checkpoint (paper §5.3.3's detail panel), rendered by an analysis worker and cached.
import { Hono } from 'hono';
import type { Store } from '../../store/store.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { readRunLayers, requireMonitoredLayer } from '../../analysis/run-layers.ts';
import { parseEpochParams, parseNeuronIndex } from '../../core/params.ts';
import { makeCachedRequests } from '../../core/shared-requests.ts';
import type { RenderFeatureImage } from '../analysis-workers.ts';

// Images are a few hundred bytes and deterministic for a checkpoint, so a bounded in-memory cache suffices.
const CACHE_LIMIT = 512;
/**
 * A failed render is answered from memory this long: a view asks for the same broken image on every redraw,
 * and each retry would fork a worker. Briefly, since a failure may be passing (the store was busy).
 */
export const FAILURE_CACHE_MS = 30_000;

export function featureRoutes(store: Store, renderFeatureImage: RenderFeatureImage): Hono {
  const app = new Hono();
  const cached = makeCachedRequests<Uint8Array>(CACHE_LIMIT);
  const failures = new Map<string, { error: TransferscopeError; until: number }>();

  const rememberFailure = (key: string, error: TransferscopeError): void => {
    failures.set(key, { error, until: Date.now() + FAILURE_CACHE_MS });
    if (failures.size > CACHE_LIMIT) {
      failures.delete(failures.keys().next().value!);
    }
  };

  app.get('/:id/epochs/:phase/:epoch/layers/:layer/neurons/:neuron/feature.png', async (c) => {
    const runId = c.req.param('id');
    const { phase, epoch } = parseEpochParams(c.req.param('phase'), c.req.param('epoch'));
    const layer = c.req.param('layer');
    requireMonitoredLayer(await readRunLayers(store, runId), layer);
    const neuron = parseNeuronIndex(c.req.param('neuron'), 'neuron');
    // Checked against the run's recorded shapes before any worker starts: a bad index costs a store read only (a layer
    // without a bias, e.g. a convolution before batch norm, is checked by the worker against the model instead).
    const run = await store.getRun(runId);
    const units = run.layers.find((l) => l.name === layer)?.biasShape[0];
    if (units !== undefined && neuron >= units) {
      throw new TransferscopeError('INVALID_ARGUMENT', `Layer '${layer}' has ${units} neurons, so neuron ${neuron} does not exist (use 0-${units - 1}).`);
    }
    const at = await store.getEpoch({ runId, phase, epoch });
    if (!at.checkpoint) {
      throw new TransferscopeError(
        'EPOCH_NOT_FOUND',
        `Epoch ${epoch} of phase '${phase}' in run '${runId}' is not a checkpoint, so it has no weights to visualise.`,
      );
    }
    const key = `${runId}/${phase}/${epoch}/${layer}/${neuron}`;
    const failed = failures.get(key);
    if (failed && failed.until > Date.now()) {
      throw failed.error;
    }
    // A view that scrolled or scrubbed on drops its image request; a render still waiting for a worker then leaves.
    const render = (signal: AbortSignal) =>
      renderFeatureImage({ runId, phase, epoch, layer, neuron }, signal).catch((err: unknown) => {
        // BUSY says nothing about this image, so only the render's own failures are remembered.
        if (err instanceof TransferscopeError && err.code !== 'BUSY') {
          rememberFailure(key, err);
        }
        throw err;
      });
    const png = await cached(key, render, c.req.raw.signal);
    return c.body(png as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=86400' });
  });

  return app;
}
