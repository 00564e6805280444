// The instance view's trust indicator: how many of each instance's nearest neighbours in the model's activations
// stay its neighbours on screen, and how far points moved since the previous checkpoint's layout.
import { Show, type JSX } from 'solid-js';
import type { InstanceProjection } from '../../core/instances-protocol.ts';
import { trustLevel } from './instance-model.ts';

const TRUST_HINT = (p: InstanceProjection) =>
  `Neighbour preservation (k = ${p.k}): on average ${(100 * p.neighbourPreservation).toFixed(0)}% of each instance's ` +
  `${p.k} nearest neighbours in the model's ${p.activationDimensions}-dimensional activations are also among its ${p.k} ` +
  'nearest on screen. High: clusters and neighbourhoods on screen are real. Low: read only the coarse structure. ' +
  `A random layout scores about ${(p.k / Math.max(p.count - 1, 1)).toFixed(2)}. ` +
  (p.meanDisplacement === null
    ? 'This layout started from scratch, so there is no movement to report.'
    : `Moved: mean distance a point travelled since ${p.warmStartedFrom?.phase} · epoch ${p.warmStartedFrom?.epoch}, ` +
      'whose layout this one started from and is aligned to.') +
  ` Laid out in ${p.layoutSeconds} s (PCA to ${p.principalDimensions} dimensions keeping ${(100 * p.capturedVariance).toFixed(0)}% of the variance).`;

export function InstanceTrust(props: { projection: InstanceProjection }): JSX.Element {
  const p = () => props.projection;
  return (
    <span class={`instance-trust trust-${trustLevel(p().neighbourPreservation)}`} data-testid="instance-trust" title={TRUST_HINT(p())}>
      neighbours kept <b>{p().neighbourPreservation.toFixed(2)}</b> ({trustLevel(p().neighbourPreservation)})
      <Show when={p().meanDisplacement !== null}> · moved {p().meanDisplacement!.toFixed(2)}</Show>
      <Show when={p().previousCheckpoint !== null && p().warmStartedFrom === null}> · not warm-started</Show>
    </span>
  );
}
