// Thumbnails for the instance view's image mode, cut from each split's atlas PNG (one request per split
// instead of one per instance) into small data URLs that ECharts draws as `image://` symbols.
import { atlasCell, atlasUrl, ATLAS_COLUMNS, type InstancePoint } from './instance-model.ts';

// Cut thumbnails of the last run or two; a split's atlas is a few hundred KB and its cut a similar size.
const CACHE_RUNS = 2;
const cache = new Map<string, Promise<Map<string, string>>>();

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`Could not load ${url}`));
    img.src = url;
  });
}

/** Data URLs by point id for every point of `points` (a run's whole layout); instance images are square. */
async function cutThumbnails(runId: string, points: readonly InstancePoint[]): Promise<Map<string, string>> {
  const atlases = await Promise.all([loadImage(atlasUrl(runId, 0)), loadImage(atlasUrl(runId, 1))]);
  const canvas = document.createElement('canvas');
  const out = new Map<string, string>();
  for (const point of points) {
    const atlas = atlases[point.domain];
    const side = atlas.naturalWidth / ATLAS_COLUMNS;
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d')!;
    const { x, y } = atlasCell(point.index, side, side);
    context.drawImage(atlas, x, y, side, side, 0, 0, side, side);
    out.set(point.id, canvas.toDataURL('image/png'));
  }
  return out;
}

/** Thumbnails of a run's laid-out instances; the same instances at every checkpoint, so cut once per run. */
export function instanceThumbnails(runId: string, points: readonly InstancePoint[]): Promise<Map<string, string>> {
  let entry = cache.get(runId);
  if (!entry) {
    entry = cutThumbnails(runId, points);
    entry.catch(() => cache.delete(runId));
    cache.set(runId, entry);
    if (cache.size > CACHE_RUNS) {
      cache.delete(cache.keys().next().value!);
    }
  }
  return entry;
}
