// /api/runs/:id/instances/:split/:index.png and …/:split/atlas.png: a stored validation instance as a PNG
// (the instance view's hover), and every instance of a split in one grid (its thumbnails, one request).
// Mounted under /api/runs. A run's instances are written once when it starts, so the answers never change.
import { Hono } from 'hono';
import { INSTANCE_ATLAS_COLUMNS } from '../../core/instances-protocol.ts';
import { encodePng } from '../../lib/png/index.ts';
import type { StoredInstances } from '../../store/schema/tables.ts';
import { VALIDATION_SPLITS, type ValidationSplit } from '../../core/protocol.ts';
import type { Store } from '../../store/store.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { clip } from '../../core/params.ts';
import { makeImmutableResponses, sendEncoded } from '../immutable-responses.ts';

// A split of the digits demo is ~2.7 MB of pixels; a few splits cover the runs being looked at.
const SPLIT_CACHE_LIMIT = 4;
/** Encoded PNGs kept: an instance is ~2 KB and an atlas ~1 MB, so every image of a few runs' splits. */
const PNG_CACHE_BYTES = 32 * 2 ** 20;

/** RGB bytes of a grid of every instance of `stored`, `columns` wide, row by row in instance order. */
export function instanceAtlas(stored: StoredInstances, columns: number): { rgb: Uint8Array; width: number; height: number } {
  const { height: h, width: w, pixels } = stored;
  const count = stored.labels.length;
  const rows = Math.max(1, Math.ceil(count / columns));
  const width = columns * w;
  const rgb = new Uint8Array(rows * h * width * 3);
  for (let i = 0; i < count; i++) {
    const x0 = (i % columns) * w;
    const y0 = Math.floor(i / columns) * h;
    for (let y = 0; y < h; y++) {
      const from = (i * h * w + y * w) * 3;
      rgb.set(pixels.subarray(from, from + w * 3), ((y0 + y) * width + x0) * 3);
    }
  }
  return { rgb, width, height: rows * h };
}

function parseSplit(split: string): ValidationSplit {
  if (!(VALIDATION_SPLITS as readonly string[]).includes(split)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Unknown split '${clip(split)}': instances are served from ${VALIDATION_SPLITS.join(' or ')}.`);
  }
  return split as ValidationSplit;
}

export function instanceRoutes(store: Store): Hono {
  const app = new Hono();
  const splits = new Map<string, Promise<StoredInstances>>();
  // Each image is encoded once (deflate runs on the event loop: 200 dashboards hovering re-encoded the same
  // instances hundreds of times a second) and then revalidated by ETag.
  const pngs = makeImmutableResponses(PNG_CACHE_BYTES);

  const remember = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let entry = cache.get(key);
    if (!entry) {
      entry = load();
      entry.catch(() => cache.delete(key));
      cache.set(key, entry);
      if (cache.size > SPLIT_CACHE_LIMIT) {
        cache.delete(cache.keys().next().value!);
      }
    }
    return entry;
  };

  const loadSplit = (runId: string, split: ValidationSplit): Promise<StoredInstances> =>
    remember(splits, `${runId}/${split}`, async () => {
      await store.getRun(runId);
      const stored = await store.getInstances(runId, split);
      if (stored.labels.length === 0) {
        throw new TransferscopeError(
          'NOT_FOUND',
          `Run '${runId}' has no stored ${split} instances (it may still be starting); try again once its first epoch is committed.`,
        );
      }
      return stored;
    });

  app.get('/:id/instances/:split/:file', async (c) => {
    const runId = c.req.param('id');
    const split = parseSplit(c.req.param('split'));
    const file = c.req.param('file');
    if (file === 'atlas.png') {
      const png = await pngs.get(`${runId}/${split}/atlas`, async () => {
        const atlas = instanceAtlas(await loadSplit(runId, split), INSTANCE_ATLAS_COLUMNS);
        return { contentType: 'image/png', body: encodePng(atlas.rgb, atlas.width, atlas.height) };
      });
      return sendEncoded(c, png);
    }
    const match = /^(\d{1,9})\.png$/.exec(file);
    if (!match) {
      throw new TransferscopeError('INVALID_ARGUMENT', `Invalid instance file '${clip(file)}': ask for <index>.png (a whole number from 0) or atlas.png.`);
    }
    const index = Number(match[1]);
    const held = pngs.peek(`${runId}/${split}/${index}`);
    if (held) {
      return sendEncoded(c, held);
    }
    const stored = await loadSplit(runId, split);
    if (index >= stored.labels.length) {
      throw new TransferscopeError(
        'NOT_FOUND',
        `Run '${runId}' has ${stored.labels.length} ${split} instances, so there is no instance ${index}; indices run from 0 to ${stored.labels.length - 1}.`,
      );
    }
    const size = stored.height * stored.width * 3;
    const png = await pngs.get(`${runId}/${split}/${index}`, async () => ({
      contentType: 'image/png',
      body: encodePng(stored.pixels.subarray(index * size, (index + 1) * size), stored.width, stored.height),
    }));
    return sendEncoded(c, png);
  });

  return app;
}
