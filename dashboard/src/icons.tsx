// Inline SVG icons for the scrubber: glyphs like ⏮ render inconsistently across system fonts.
import type { JSX } from 'solid-js';

export type IconName = 'step-back' | 'step-forward' | 'play' | 'pause';

const PATHS: Record<IconName, string> = {
  'step-back': 'M3 3h2v10H3zM13 3v10L6 8z',
  'step-forward': 'M11 3h2v10h-2zM3 3v10l7-5z',
  play: 'M4 2.5v11L13 8z',
  pause: 'M4 3h3v10H4zM9 3h3v10H9z',
};

export function Icon(props: { name: IconName }): JSX.Element {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor">
      <path d={PATHS[props.name]} />
    </svg>
  );
}
