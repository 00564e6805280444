import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createRoot, createSignal } from 'solid-js';
import type { EpochRecord } from '../../../core/protocol.ts';
import { epochRecord } from '../../helpers/run-fixture.ts';
import type { EpochPin } from '../../../dashboard/src/epochs.ts';
import { createTimeline, PLAY_INTERVAL_MS, type Timeline } from '../../../dashboard/src/timeline.ts';
import type { HistoryMode } from '../../../dashboard/src/url-state.ts';

const run: EpochRecord[] = [
  epochRecord('source', 1, 1),
  epochRecord('source', 2, 2),
  epochRecord('target', 1, 3),
  epochRecord('target', 2, 4),
  epochRecord('target', 3, 5),
];

interface Harness {
  timeline: Timeline;
  setEpochs(epochs: EpochRecord[]): void;
  /** Every write to the pin, as the URL would receive it. */
  writes: [EpochPin | null, HistoryMode][];
  dispose(): void;
}

function harness(epochs: EpochRecord[], pin: EpochPin | null = null): Harness {
  return createRoot((dispose) => {
    const [list, setEpochs] = createSignal(epochs);
    const [pinned, setPinned] = createSignal(pin);
    const writes: [EpochPin | null, HistoryMode][] = [];
    const timeline = createTimeline({
      epochs: list,
      pin: pinned,
      setPin(next, mode) {
        writes.push([next, mode]);
        setPinned(next);
      },
    });
    return { timeline, setEpochs, writes, dispose };
  });
}

const label = (t: Timeline): string => `${t.current()?.phase} ${t.current()?.epoch}`;

describe('live mode', () => {
  test('follows each newly arriving epoch', () => {
    const h = harness(run.slice(0, 2));
    expect(h.timeline.live()).toBe(true);
    expect(label(h.timeline)).toBe('source 2');
    h.setEpochs(run.slice(0, 3));
    expect(label(h.timeline)).toBe('target 1');
    h.setEpochs(run);
    expect(h.timeline.index()).toBe(4);
    expect(h.writes).toEqual([]);
    h.dispose();
  });

  test('stepping back leaves live mode and stays put when epochs arrive', () => {
    const h = harness(run.slice(0, 4));
    h.timeline.stepBy(-1);
    expect(h.timeline.live()).toBe(false);
    expect(label(h.timeline)).toBe('target 1');
    expect(h.writes).toEqual([[{ phase: 'target', epoch: 1 }, 'push']]);
    h.setEpochs(run);
    expect(label(h.timeline)).toBe('target 1');
    h.dispose();
  });

  test('dragging back leaves live mode; pressing live follows again', () => {
    const h = harness(run.slice(0, 3));
    h.timeline.select(0, 'replace');
    expect(h.timeline.live()).toBe(false);
    expect(h.writes.at(-1)).toEqual([{ phase: 'source', epoch: 1 }, 'replace']);
    h.timeline.goLive();
    expect(h.timeline.live()).toBe(true);
    expect(h.writes.at(-1)).toEqual([null, 'push']);
    h.setEpochs(run);
    expect(label(h.timeline)).toBe('target 3');
    h.dispose();
  });

  test('a move that shows the same epoch keeps live mode', () => {
    const h = harness(run);
    h.timeline.stepBy(1);
    h.timeline.select(4);
    h.timeline.select(99);
    expect(h.timeline.live()).toBe(true);
    expect(h.writes).toEqual([]);
    h.dispose();
  });
});

describe('navigation', () => {
  test('clamps to the committed epochs', () => {
    const h = harness(run, { phase: 'target', epoch: 2 });
    h.timeline.select(-7);
    expect(label(h.timeline)).toBe('source 1');
    h.timeline.stepBy(-1);
    expect(label(h.timeline)).toBe('source 1');
    h.timeline.select(40);
    expect(label(h.timeline)).toBe('target 3');
    expect(h.timeline.live()).toBe(false);
    h.dispose();
  });

  test('a pin past the committed epochs shows its phase’s last epoch', () => {
    const h = harness(run, { phase: 'source', epoch: 9 });
    expect(label(h.timeline)).toBe('source 2');
    h.timeline.stepBy(1);
    expect(label(h.timeline)).toBe('target 1');
    h.dispose();
  });

  test('no epochs: nothing to show, nothing to do', () => {
    const h = harness([]);
    expect(h.timeline.index()).toBe(-1);
    expect(h.timeline.current()).toBeNull();
    h.timeline.stepBy(-1);
    h.timeline.play();
    expect(h.timeline.playing()).toBe(false);
    expect(h.writes).toEqual([]);
    h.dispose();
  });
});

describe('playback', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('advances one epoch per interval and stops at the end', () => {
    const h = harness(run, { phase: 'source', epoch: 2 });
    h.timeline.play();
    expect(h.timeline.playing()).toBe(true);
    vi.advanceTimersByTime(PLAY_INTERVAL_MS - 1);
    expect(label(h.timeline)).toBe('source 2');
    vi.advanceTimersByTime(1);
    expect(label(h.timeline)).toBe('target 1');
    vi.advanceTimersByTime(2 * PLAY_INTERVAL_MS);
    expect(label(h.timeline)).toBe('target 3');
    expect(h.timeline.playing()).toBe(false);
    const writes = h.writes.length;
    vi.advanceTimersByTime(10 * PLAY_INTERVAL_MS);
    expect(h.writes).toHaveLength(writes);
    // Playback rewrites the current history entry instead of adding one per frame.
    expect(h.writes.every(([, mode]) => mode === 'replace')).toBe(true);
    expect(h.timeline.live()).toBe(false);
    h.dispose();
  });

  test('play at the end (or live) replays from the first epoch', () => {
    const h = harness(run);
    h.timeline.togglePlay();
    expect(label(h.timeline)).toBe('source 1');
    expect(h.timeline.live()).toBe(false);
    vi.advanceTimersByTime(PLAY_INTERVAL_MS);
    expect(label(h.timeline)).toBe('source 2');
    h.timeline.togglePlay();
    expect(h.timeline.playing()).toBe(false);
    vi.advanceTimersByTime(5 * PLAY_INTERVAL_MS);
    expect(label(h.timeline)).toBe('source 2');
    h.dispose();
  });

  test('pressing live stops playback', () => {
    const h = harness(run, { phase: 'source', epoch: 1 });
    h.timeline.play();
    h.timeline.goLive();
    expect(h.timeline.playing()).toBe(false);
    vi.advanceTimersByTime(5 * PLAY_INTERVAL_MS);
    expect(h.timeline.live()).toBe(true);
    expect(label(h.timeline)).toBe('target 3');
    h.dispose();
  });

  test('epochs committed during playback extend it', () => {
    const h = harness(run.slice(0, 3), { phase: 'source', epoch: 2 });
    h.timeline.play();
    vi.advanceTimersByTime(PLAY_INTERVAL_MS);
    expect(label(h.timeline)).toBe('target 1');
    expect(h.timeline.playing()).toBe(false);
    h.setEpochs(run);
    h.timeline.play();
    vi.advanceTimersByTime(2 * PLAY_INTERVAL_MS);
    expect(label(h.timeline)).toBe('target 3');
    h.dispose();
  });

  test('disposing the owner stops the timer', () => {
    const h = harness(run, { phase: 'source', epoch: 1 });
    h.timeline.play();
    h.dispose();
    vi.advanceTimersByTime(5 * PLAY_INTERVAL_MS);
    expect(h.writes).toEqual([]);
  });
});
