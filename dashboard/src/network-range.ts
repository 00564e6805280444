// The contiguous range of layers the network view draws: named in the URL (`&layers=FROM..TO`, the model's own
// layer names, so a shared link survives a re-analysis), resolved against the layers a result lists.

/**
 * Layers drawn when the URL names no range. Eight is AlexNet's whole network (~1,250 px square at 10 px cells):
 * a deeper network drawn whole is too large to read, and its last layers are where fine-tuning changes most.
 */
export const DEFAULT_SHOWN_LAYERS = 8;

/** A range by layer names, as the URL holds it; `from` comes no later than `to` in the model once resolved. */
export interface LayerRangeNames {
  from: string;
  to: string;
}

/** Positions in a layer list, both included; `last < first` only for an empty list. */
export interface LayerRange {
  first: number;
  last: number;
}

const SEPARATOR = '..';

/** `FROM..TO` from the address bar (untrusted): null when either end is missing. */
export function parseLayerRange(text: string | null): LayerRangeNames | null {
  const at = text?.indexOf(SEPARATOR) ?? -1;
  if (!text || at < 0) {
    return null;
  }
  const from = text.slice(0, at).trim();
  const to = text.slice(at + SEPARATOR.length).trim();
  return from && to ? { from, to } : null;
}

export const formatLayerRange = (range: LayerRangeNames): string => `${range.from}${SEPARATOR}${range.to}`;

/** Every layer when there are at most DEFAULT_SHOWN_LAYERS, else the last DEFAULT_SHOWN_LAYERS. */
export function defaultLayerRange(count: number): LayerRange {
  return { first: Math.max(0, count - DEFAULT_SHOWN_LAYERS), last: count - 1 };
}

/**
 * The positions of `requested` in `layers`, in model order whichever end was named first; the default range when
 * there is no request or it names a layer the list lacks (a link to another model, or a mistyped name).
 */
export function resolveLayerRange(layers: readonly string[], requested: LayerRangeNames | null): LayerRange {
  const from = requested ? layers.indexOf(requested.from) : -1;
  const to = requested ? layers.indexOf(requested.to) : -1;
  return from < 0 || to < 0 ? defaultLayerRange(layers.length) : { first: Math.min(from, to), last: Math.max(from, to) };
}

/** The range by names, for the URL; null for an empty list. */
export function layerRangeNames(layers: readonly string[], range: LayerRange): LayerRangeNames | null {
  const from = layers[range.first];
  const to = layers[range.last];
  return from !== undefined && to !== undefined ? { from, to } : null;
}

/** `range` with one end moved to `index`; the other end follows when they would cross. */
export function moveRangeEnd(range: LayerRange, end: 'first' | 'last', index: number): LayerRange {
  return end === 'first' ? { first: index, last: Math.max(index, range.last) } : { first: Math.min(index, range.first), last: index };
}

/** A range as wide as `range` (at most `count`) centred on `index` where the list's ends allow. */
export function rangeAround(count: number, index: number, range: LayerRange): LayerRange {
  const width = Math.min(count, Math.max(1, range.last - range.first + 1));
  const first = Math.min(Math.max(0, index - Math.floor((width - 1) / 2)), count - width);
  return { first, last: first + width - 1 };
}
