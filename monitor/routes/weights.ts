// GET /:id/epochs/:phase/:epoch/layers/:layer/weights?from=n1&to=n2 — one connection's weight map at a checkpoint
// (paper §5.3.3: a clicked weight of the network relation view). Mounted under /api/runs.
import { Hono } from 'hono';
import type { Store } from '../../store/store.ts';
import { TransferscopeError } from '../../core/errors.ts';
import type { WeightSliceResponse } from '../../core/network-protocol.ts';
import { roundAll, roundSignificant } from '../../analysis/distribution.ts';
import { weightSlice } from '../../analysis/weight-slice.ts';
import { readRunLayers } from '../../analysis/run-layers.ts';
import { clip, parseEpochParams, parseNeuronIndex } from '../../core/params.ts';

export function weightRoutes(store: Store): Hono {
  const app = new Hono();

  app.get('/:id/epochs/:phase/:epoch/layers/:layer/weights', async (c) => {
    const runId = c.req.param('id');
    const { phase, epoch } = parseEpochParams(c.req.param('phase'), c.req.param('epoch'));
    const layer = c.req.param('layer');
    const run = await readRunLayers(store, runId);
    const index = run.layers.indexOf(layer);
    if (index < 1) {
      throw new TransferscopeError(
        'INVALID_ARGUMENT',
        `Invalid layer '${clip(layer)}': weights between monitored layers end in one of ${run.layers.slice(1).join(', ')} (the layer whose kernel holds them).`,
      );
    }
    const from = parseNeuronIndex(c.req.query('from'), "query parameter 'from'");
    const to = parseNeuronIndex(c.req.query('to'), "query parameter 'to'");
    const link = run.links[index - 1]!;
    const fromLayer = link.fromLayer;
    if (!link.direct) {
      throw new TransferscopeError(
        'INVALID_ARGUMENT',
        `No weights join ${fromLayer} to ${layer} one to one (${link.reason ?? 'not a direct link'}): compare these layers by neuron similarity only.`,
      );
    }
    // Only the two layers involved: one kernel is at most ~1M floats, the whole checkpoint a few times that.
    const stored = await store.getWeights({ runId, phase, epoch }, [fromLayer, layer]);
    const kernel = stored.find((w) => w.layer === layer);
    const previous = stored.find((w) => w.layer === fromLayer);
    if (!kernel || !previous) {
      throw new TransferscopeError(
        'EPOCH_NOT_FOUND',
        `Checkpoint ${phase} epoch ${epoch} of run '${runId}' has no stored weights for ${fromLayer} and ${layer}.`,
      );
    }
    // Dense over a conv layer's flattened map (fc6 after conv5): `from` is a channel spread over the map's positions.
    // After global pooling the dense layer reads one value per channel, so it is dense -> dense.
    const channels = run.neurons(fromLayer, previous.kernelShape);
    const flattenedChannels = kernel.kernelShape.length === 2 && previous.kernelShape.length === 4 && kernel.kernelShape[0] !== channels ? channels : undefined;
    const slice = weightSlice({ kernel: kernel.kernel, kernelShape: kernel.kernelShape, flattenedChannels, from, to });
    const body: WeightSliceResponse = {
      runId,
      phase,
      epoch,
      layer,
      fromLayer,
      from,
      to,
      kind: slice.kind,
      rows: slice.rows,
      cols: slice.cols,
      values: roundAll(slice.values),
      incoming: roundAll(slice.incoming),
      // A layer without a bias (a convolution before batch norm) stores an empty one: its bias is 0, not absent.
      bias: roundSignificant(kernel.bias[to] ?? 0),
    };
    return c.json(body, 200, { 'cache-control': 'public, max-age=86400' });
  });

  return app;
}
