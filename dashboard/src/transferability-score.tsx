// The transferability score (paper §5.1) up to the scrubbed epoch, coloured by its sign.
import { Show, type JSX } from 'solid-js';
import type { Transferability } from '../../core/protocol.ts';
import { signColor } from './colors.ts';
import { percent, signedPoints } from './format.ts';

export const TRANSFERABILITY_HINT =
  'Transferability: the best accuracy the target (fine-tuned) model has reached on target validation data, ' +
  'minus the best accuracy the source model reached on the same data, over the epochs up to the one shown. ' +
  'Positive: fine-tuning helped the target domain; negative: the source model alone did better.';

export interface TransferabilityScoreProps {
  value: Transferability | null;
}

export function TransferabilityScore(props: TransferabilityScoreProps): JSX.Element {
  const score = (): number | null => props.value?.score ?? null;
  return (
    <div class="transferability" title={TRANSFERABILITY_HINT}>
      <div class="transferability-score" classList={{ muted: score() === null }} data-testid="transferability-score" style={{ color: signColor(score()) }}>
        {signedPoints(score())}
      </div>
      <Show when={score() !== null} fallback={<p class="muted">Available once the target model has its first epoch.</p>}>
        <dl class="transferability-parts">
          <dt>best target model on target validation</dt>
          <dd>{percent(props.value?.bestTargetModel ?? null)}</dd>
          <dt>best source model on target validation</dt>
          <dd>{percent(props.value?.bestSourceModel ?? null)}</dd>
        </dl>
      </Show>
      <p class="transferability-definition">
        Best accuracy of the fine-tuned target model on target validation, minus the best accuracy of the source model on the same data, over the epochs up to
        the one shown. Positive: transfer plus fine-tuning beat the source model alone.
      </p>
    </div>
  );
}
