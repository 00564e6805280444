// The scrubber's state: which committed epoch every view shows, live following, and playback.
import { createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { EpochRecord } from '../../core/protocol.ts';
import { pinOf, resolvePin, samePin, type EpochPin } from './epochs.ts';
import type { HistoryMode } from './url-state.ts';

export const PLAY_INTERVAL_MS = 700;

export interface TimelineOptions {
  /** Committed epochs of both phases, ordered by step. */
  epochs: Accessor<readonly EpochRecord[]>;
  /** The pinned epoch, null for live; the timeline reads it here and writes it through `setPin` (e.g. the URL). */
  pin: Accessor<EpochPin | null>;
  setPin(pin: EpochPin | null, mode: HistoryMode): void;
  playIntervalMs?: number;
}

export interface Timeline {
  /** Index into `epochs` of the shown epoch; -1 while there are none. */
  index: Accessor<number>;
  current: Accessor<EpochRecord | null>;
  live: Accessor<boolean>;
  playing: Accessor<boolean>;
  /** Shows the epoch at `index` (clamped). Leaves live mode unless the shown epoch stays the same. */
  select(index: number, mode?: HistoryMode): void;
  stepBy(delta: number): void;
  goLive(): void;
  /** Advances one epoch per interval and stops at the last one; from the last one it replays from the first. */
  play(): void;
  pause(): void;
  togglePlay(): void;
}

/** Scrubber state over `epochs`; its playback timer stops with the owner. */
export function createTimeline(options: TimelineOptions): Timeline {
  const { epochs, pin, setPin } = options;
  const [playing, setPlaying] = createSignal(false);
  let timer: ReturnType<typeof setInterval> | undefined;

  const live = createMemo(() => pin() === null);
  const index = createMemo(() => {
    const list = epochs();
    const pinned = pin();
    return pinned === null ? list.length - 1 : resolvePin(list, pinned);
  });
  const current = createMemo(() => epochs()[index()] ?? null);

  const moveTo = (target: number, mode: HistoryMode): void => {
    const list = epochs();
    if (list.length === 0) {
      return;
    }
    const clamped = Math.min(Math.max(Math.round(target), 0), list.length - 1);
    if (clamped === index()) {
      return;
    }
    const next = pinOf(list[clamped]!);
    if (!samePin(next, pin())) {
      setPin(next, mode);
    }
  };

  const pause = (): void => {
    clearInterval(timer);
    timer = undefined;
    setPlaying(false);
  };

  const tick = (): void => {
    const last = epochs().length - 1;
    if (index() >= last) {
      pause();
      return;
    }
    moveTo(index() + 1, 'replace');
    if (index() >= last) {
      pause();
    }
  };

  const play = (): void => {
    if (epochs().length < 2) {
      return;
    }
    pause();
    // Live mode sits on the last epoch, so pressing play there is a replay too.
    if (index() >= epochs().length - 1) {
      moveTo(0, 'push');
    }
    setPlaying(true);
    timer = setInterval(tick, options.playIntervalMs ?? PLAY_INTERVAL_MS);
  };

  onCleanup(() => clearInterval(timer));

  return {
    index,
    current,
    live,
    playing,
    select: (target, mode = 'push') => moveTo(target, mode),
    stepBy: (delta) => moveTo(index() + delta, 'push'),
    goLive() {
      pause();
      if (!live()) {
        setPin(null, 'push');
      }
    },
    play,
    pause,
    togglePlay: () => (playing() ? pause() : play()),
  };
}
