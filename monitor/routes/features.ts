// /api/runs/:id/epochs/:phase/:epoch/layers/:layer/neurons/:neuron/feature.png: the feature visualisation
// of one neuron at a checkpoint (paper §5.3.3's detail panel), rendered in a child process and cached.
import { Hono } from 'hono';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../../store/store.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { LAYER_NAMES } from '../../core/protocol.ts';
import { clip, parseEpochParams, parseNeuronIndex } from '../../core/params.ts';
import { makeConcurrencyLimit } from '../concurrency-limit.ts';
import { makeCachedRequests } from '../../core/shared-requests.ts';

const CLI = fileURLToPath(new URL('../../bin/transferscope.js', import.meta.url));
// Images are a few hundred bytes and deterministic for a checkpoint, so a bounded in-memory cache suffices.
const CACHE_LIMIT = 512;

function render(db: string, args: string[]): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'transferscope-feature-'));
  const out = join(dir, 'feature.png');
  return new Promise<Buffer>((resolve, reject) => {
    execFile(process.execPath, [CLI, 'feature', '--db', db, ...args, '--out', out], (err, _stdout, stderr) => {
      try {
        if (err) {
          const line = stderr.trim().split('\n').at(-1)?.replace(/^transferscope: /, '') ?? err.message;
          reject(new TransferscopeError(/does not exist|Unknown layer|Invalid neuron/.test(line) ? 'INVALID_ARGUMENT' : 'INTERNAL', line));
        } else {
          resolve(readFileSync(out));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/**
 * Each image is a child process of a second or two; a ranking list asks for dozens. At most this many render at
 * once, so images never take both cores from the analysis children and the trainer.
 */
const MAX_RENDER_CHILDREN = 2;

export function featureRoutes(store: Store): Hono {
  const app = new Hono();
  const cached = makeCachedRequests<Buffer>(CACHE_LIMIT);
  const limit = makeConcurrencyLimit(MAX_RENDER_CHILDREN);

  app.get('/:id/epochs/:phase/:epoch/layers/:layer/neurons/:neuron/feature.png', async (c) => {
    const runId = c.req.param('id');
    const { phase, epoch } = parseEpochParams(c.req.param('phase'), c.req.param('epoch'));
    const layer = c.req.param('layer');
    if (!(LAYER_NAMES as readonly string[]).includes(layer)) {
      throw new TransferscopeError('INVALID_ARGUMENT', `Unknown layer '${clip(layer)}': use one of ${LAYER_NAMES.join(', ')}.`);
    }
    const neuron = String(parseNeuronIndex(c.req.param('neuron'), 'neuron'));
    const at = await store.getEpoch({ runId, phase, epoch });
    if (!at.checkpoint) {
      throw new TransferscopeError('EPOCH_NOT_FOUND', `Epoch ${epoch} of phase '${phase}' in run '${runId}' is not a checkpoint, so it has no weights to visualise.`);
    }
    const key = `${runId}/${phase}/${epoch}/${layer}/${neuron}`;
    // A view that scrolled or scrubbed on drops its image request; a render still waiting for a slot then leaves.
    const png = await cached(key, (signal) => limit(() => render(store.uri, ['--run', runId, '--phase', phase, '--epoch', String(epoch), '--layer', layer, '--neuron', neuron]), signal), c.req.raw.signal);
    return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=86400' });
  });

  return app;
}
