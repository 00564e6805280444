// What a DVI projection adds to an instance scatter (DeepVisualInsight, issue 14): the boundary map under the points,
// the boundary points as a layer that can be hidden, and the inverse: the spot probed with the cursor and the class
// probabilities of the point decoded there, read from the map of the checkpoint shown (so they follow scrubbing).
import { createEffect, createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { ProjectionResponse } from '../../core/analysis-protocol.ts';
import type { InstanceOptionInput } from './instance-option.ts';
import type { ProbedSpot } from './projection-probe.tsx';
import { boundaryPoints, decodeProbabilityGrid, probabilitiesAt, projectionMapUrl, squareRange, undecidedShare } from './projection-model.ts';

export const DVI_HINT =
  "DeepVisualInsight (Yang et al., AAAI 2022): a small encoder places every validation instance of both domains from the model's " +
  'activations right before its dense layers, and a decoder maps any spot back, so the colours under the points are the classes the ' +
  "checkpoint's own head gives the decoded spots (saturation = confidence, white = within 0.1 of a tie: a decision boundary). Hollow " +
  'diamonds are boundary points: mixtures of two instances the model finds exactly ambiguous. Each checkpoint starts from the previous ' +
  "one's projection and is tied to it, so when you scrub, points and boundaries move only as much as the model changed. Hover or click " +
  'an empty spot for its class probabilities; the trust indicators (hover them) say how far to believe the map.';

export const FITTING =
  "Fitting this checkpoint's DVI projection and its boundary map… tens of seconds per checkpoint not fitted yet (each starts from the previous checkpoint's).";

/** Optional parts of the scatter's option that come from the projection. */
export type ProjectionOptionInput = Pick<InstanceOptionInput, 'range' | 'background' | 'boundary'>;

export interface ProjectionLayer {
  /**
   * The projection to draw: `view()` once its map image has loaded, the previous one until then, so scrubbing swaps
   * points and map in one frame instead of moving the points over a blank plot.
   */
  shown: Accessor<ProjectionResponse | null>;
  showBoundary: Accessor<boolean>;
  setShowBoundary(show: boolean): void;
  /** The spot the probe reads, in layout coordinates; null before the cursor has been over an empty spot. */
  spot: Accessor<ProbedSpot | null>;
  /** The map's probability grid as bytes, null without a map (or a malformed one). */
  grid: Accessor<Uint8Array | null>;
  /** Share of the map within 0.1 of a tie (drawn white), null without a map. */
  undecided: Accessor<number | null>;
  /** Class probabilities at `spot` on the map shown, null off the map or without a map. */
  probabilities: Accessor<number[] | null>;
  /** For the scatter's option: empty while no projection is shown. */
  optionInput: Accessor<ProjectionOptionInput>;
  /** The scatter's `onSpot`: hovering moves the spot unless a click pinned it; a click pins it. */
  onSpot(x: number, y: number, pinned: boolean): void;
  unpin(): void;
}

/** The DVI parts of a scatter for `view()` (null: a t-SNE or nothing is shown), with its points' classes `classes()`. */
export function createProjectionLayer(view: Accessor<ProjectionResponse | null>, classes: Accessor<ReadonlySet<number>>): ProjectionLayer {
  const [loaded, setLoaded] = createSignal<{ view: ProjectionResponse; image: HTMLImageElement | undefined } | null>(null);
  createEffect(() => {
    const next = view();
    if (!next) {
      setLoaded(null);
      return;
    }
    let current = true;
    onCleanup(() => {
      current = false;
    });
    const image = new Image();
    // A map that fails to load still lets the points draw (on a blank plot).
    image.onload = () => current && setLoaded({ view: next, image });
    image.onerror = () => current && setLoaded({ view: next, image: undefined });
    image.src = projectionMapUrl(next.key.runId, next.key);
  });
  const shown = (): ProjectionResponse | null => loaded()?.view ?? null;
  const [showBoundary, setShowBoundary] = createSignal(true);
  const [spot, setSpot] = createSignal<ProbedSpot | null>(null);
  const grid = createMemo(() => {
    const drawn = shown();
    try {
      return drawn ? decodeProbabilityGrid(drawn.result.map) : null;
    } catch {
      // A malformed grid loses only the probe; the map and the points still draw.
      return null;
    }
  });
  const undecided = createMemo(() => {
    const drawn = shown();
    const cells = grid();
    return drawn && cells ? undecidedShare(drawn.result.map, cells) : null;
  });
  const probabilities = createMemo(() => {
    const drawn = shown();
    const at = spot();
    const cells = grid();
    return drawn && at && cells ? probabilitiesAt(drawn.result.map, cells, at.x, at.y) : null;
  });
  const optionInput = createMemo((): ProjectionOptionInput => {
    const drawn = loaded();
    if (!drawn) {
      return {};
    }
    const { view: v, image } = drawn;
    const { bounds } = v.result.map;
    return {
      range: squareRange(bounds),
      background: { url: projectionMapUrl(v.key.runId, v.key), ...(image ? { image } : {}), bounds },
      boundary: showBoundary() ? boundaryPoints(v.result, classes()) : [],
    };
  });
  return {
    shown,
    showBoundary,
    setShowBoundary,
    spot,
    grid,
    undecided,
    probabilities,
    optionInput,
    onSpot(x, y, pinned) {
      if (pinned || !spot()?.pinned) {
        setSpot({ x, y, pinned });
      }
    },
    unpin() {
      setSpot((s) => (s ? { ...s, pinned: false } : null));
    },
  };
}
