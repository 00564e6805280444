// The epoch scrubber that drives every view: a slider over all committed epochs of both phases, step and
// play controls, arrow keys, and a live toggle that follows each newly committed epoch.
import { createMemo, For, onCleanup, Show, type JSX } from 'solid-js';
import type { EpochRecord } from '../../core/protocol.ts';
import { sourceEpochCount } from './epochs.ts';
import { Icon } from './icons.tsx';
import type { Timeline } from './timeline.ts';

export interface EpochScrubberProps {
  timeline: Timeline;
  epochs: readonly EpochRecord[];
}

/** Arrow keys belong to whatever has focus when it edits or picks something. */
function ownsArrowKeys(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function EpochScrubber(props: EpochScrubberProps): JSX.Element {
  const t = props.timeline;
  const count = (): number => props.epochs.length;
  const sources = createMemo(() => sourceEpochCount(props.epochs));
  /** Where along the track (0..1) position `i` sits. */
  const at = (i: number): number => (count() > 1 ? i / (count() - 1) : 0.5);
  // The boundary sits halfway between the last source epoch and the first target epoch.
  const boundary = createMemo(() => (sources() >= count() ? 1 : sources() === 0 ? 0 : at(sources() - 0.5)));

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || ownsArrowKeys(e.target)) {
      return;
    }
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      t.stepBy(e.key === 'ArrowLeft' ? -1 : 1);
    }
  };
  window.addEventListener('keydown', onKeyDown);
  onCleanup(() => window.removeEventListener('keydown', onKeyDown));

  // A drag makes one history entry: the first move pushes, the rest rewrite it.
  let dragging = false;
  let dragPushed = false;
  const onSliderInput = (value: number): void => {
    const mode = dragging && dragPushed ? 'replace' : 'push';
    dragPushed = dragging;
    t.select(value - 1, mode);
  };

  const label = (): string => {
    const current = t.current();
    return current ? `${current.phase} · epoch ${current.epoch}` : 'waiting for the first epoch';
  };

  return (
    <section class="scrubber" aria-label="Epoch scrubber" data-testid="scrubber">
      <div class="scrubber-buttons">
        <button type="button" data-testid="scrubber-prev" title="Previous epoch (←)" disabled={t.index() <= 0} onClick={() => t.stepBy(-1)}>
          <Icon name="step-back" />
        </button>
        <button
          type="button"
          data-testid="scrubber-play"
          class="play"
          title={t.playing() ? 'Pause' : 'Play through the epochs, one every 0.7 s'}
          aria-pressed={t.playing()}
          disabled={count() < 2}
          onClick={() => t.togglePlay()}
        >
          <Icon name={t.playing() ? 'pause' : 'play'} />
        </button>
        <button type="button" data-testid="scrubber-next" title="Next epoch (→)" disabled={t.index() >= count() - 1} onClick={() => t.stepBy(1)}>
          <Icon name="step-forward" />
        </button>
      </div>

      <div class="scrubber-track-area">
        <div class="scrubber-track" aria-hidden="true">
          <Show when={count() > 0}>
            <div class="scrubber-region source" style={{ left: '0%', width: `${boundary() * 100}%` }} />
            <div class="scrubber-region target" style={{ left: `${boundary() * 100}%`, width: `${(1 - boundary()) * 100}%` }} />
          </Show>
          <For each={props.epochs}>{(record, i) => <div class={`scrubber-tick ${record.phase}`} style={{ left: `${at(i()) * 100}%` }} />}</For>
          <Show when={sources() > 0 && sources() < count()}>
            <div class="scrubber-boundary" style={{ left: `${boundary() * 100}%` }} title="Phase boundary: fine-tuning starts here" />
          </Show>
        </div>
        <input
          type="range"
          class="scrubber-slider"
          data-testid="scrubber-slider"
          aria-label="Epoch"
          aria-valuetext={label()}
          min={1}
          max={Math.max(count(), 1)}
          step={1}
          value={t.index() + 1}
          disabled={count() === 0}
          onPointerDown={() => {
            dragging = true;
            dragPushed = false;
          }}
          onPointerUp={() => (dragging = false)}
          onChange={() => (dragging = false)}
          onInput={(e) => onSliderInput(Number(e.currentTarget.value))}
        />
        <div class="scrubber-phases" aria-hidden="true">
          <Show when={sources() > 0}>
            <span class="phase-name source" style={{ left: '0%' }}>
              source
            </span>
          </Show>
          <Show when={sources() < count()}>
            <span class="phase-name target" style={{ left: `${boundary() * 100}%` }}>
              | target
            </span>
          </Show>
        </div>
      </div>

      <div class="scrubber-readout">
        <span data-testid="scrubber-label" class={`scrubber-label phase-${t.current()?.phase ?? 'none'}`}>
          {label()}
        </span>
        <Show when={t.current()}>
          {(current) => (
            <span class="muted scrubber-step">
              step {current().step} of {count()}
            </span>
          )}
        </Show>
      </div>

      <button
        type="button"
        data-testid="scrubber-live"
        class="live-toggle"
        classList={{ on: t.live() }}
        aria-pressed={t.live()}
        title={t.live() ? 'Following each newly committed epoch' : 'Jump to the newest epoch and follow new ones'}
        onClick={() => t.goLive()}
      >
        <span class="live-dot" aria-hidden="true" /> live
      </button>
    </section>
  );
}
