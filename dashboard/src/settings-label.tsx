// Which setting a refinable analysis on screen was computed at: the live estimate or the paper's settings, so a
// reader of a neuron ranking knows whether it is an estimate (issue 16).
import { Show, type JSX } from 'solid-js';
import type { AnalysisSettingsName } from '../../core/analysis-protocol.ts';
import { settingsLabel } from '../../core/analysis-settings.ts';
import type { StepSchedule } from '../../core/network-protocol.ts';

export interface SettingsLabelProps {
  /** The answer on screen: its settings and the steps and instances per class it was computed with; none while loading. */
  shown: { settings: AnalysisSettingsName; steps: number; maxPerClass: number; schedule?: StepSchedule | undefined } | null;
  testId: string;
}

export function SettingsLabel(props: SettingsLabelProps): JSX.Element {
  return (
    <Show when={props.shown}>
      {(shown) => (
        <span
          class={`settings-label settings-${shown().settings}`}
          data-testid={props.testId}
          data-settings={shown().settings}
          title={
            shown().settings === 'live'
              ? 'A fast estimate computed as training goes; it is replaced by the paper settings (50 steps, every validation instance) when the monitor has time.'
              : shown().schedule
                ? `Every validation instance of the class, up to the run's cap. Each is integrated at ${shown().schedule!.checkSteps} steps and kept when, in every layer, its conductances add up to the logit's change within ${+(shown().schedule!.tolerance * 100).toFixed(2)}% (the bound Captum's ${shown().steps} steps are tested to); otherwise at ${shown().steps} steps.`
                : "Captum's 50 integration steps and every validation instance of the class, up to the run's cap."
          }
        >
          {settingsLabel(shown().settings, shown().steps, shown().maxPerClass, shown().schedule)}
        </span>
      )}
    </Show>
  );
}
