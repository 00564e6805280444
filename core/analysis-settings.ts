// The two settings an attribution-based analysis is computed at: the live estimate that keeps up with
// training on two cores, and the paper's settings it is refined to when nothing more urgent waits (issue 16).
import { ANALYSIS_SETTINGS_NAMES, type AnalysisKind, type AnalysisSettingsName } from './analysis-protocol.ts';
import type { StepSchedule } from './network-protocol.ts';
import { TransferscopeError } from './errors.ts';
import { clip } from './params.ts';

/** What one setting integrates and attributes; `maxPerClass` is per class and domain. */
export interface AnalysisSettings {
  name: AnalysisSettingsName;
  networkSteps: number;
  featuresSteps: number;
  maxPerClass: number;
  /**
   * The paper's steps reached through a check (analysis/attribution/checked-conductance.ts): every instance at
   * `steps` first, again at the full steps only where its sums miss completeness by more than `tolerance`. Null: plain.
   */
  check: { steps: number; tolerance: number } | null;
}

/** The default cap of the paper's settings: the paper used every validation instance of a class. */
export const PAPER_MAX_PER_CLASS = 200;

/**
 * Live: 8 steps for the network abstraction and 4 for the features (docs/decisions.md measures both against
 * 50), 20 instances per class. Paper: Captum's 50 steps in both stages and every validation instance up to
 * `paperMaxPerClass`.
 */
export function analysisSettings(name: AnalysisSettingsName, paperMaxPerClass = PAPER_MAX_PER_CLASS): AnalysisSettings {
  return name === 'live'
    ? { name, networkSteps: 8, featuresSteps: 4, maxPerClass: 20, check: null }
    : { name, networkSteps: 50, featuresSteps: 50, maxPerClass: paperMaxPerClass, check: PAPER_CHECK };
}

/**
 * The paper settings' check: 24 steps per instance, 50 where a layer's sums miss completeness by more than 1% of its
 * attribution (docs/decisions.md, "The paper's scale in minutes": measured against plain 50 steps on digits checkpoints).
 */
export const PAPER_CHECK = { steps: 24, tolerance: 0.01 } as const;

/** The steps part of a stored-conductance key: plain steps, or the steps and the check that reached them. */
export function stepsKey(steps: number, check: { steps: number; tolerance: number } | null): string {
  return check ? `${steps}:check=${check.steps}@${check.tolerance}` : `${steps}`;
}

/**
 * Kinds whose result depends on the settings. The instance layout and the projection embed activations, which
 * no step count changes; they have the live setting only.
 */
export const REFINABLE_KINDS: readonly AnalysisKind[] = ['network', 'features'];

/** The setting `kind` is stored at when `asked` is wanted: kinds that are not refinable have only `live`. */
export function settingsOf(kind: AnalysisKind, asked: AnalysisSettingsName): AnalysisSettingsName {
  return REFINABLE_KINDS.includes(kind) ? asked : 'live';
}

/**
 * The `kind` column value of a stored result: the kind itself at live settings (so stores written before
 * settings existed still read), `KIND@paper` at the paper's.
 */
export function storedKindName(kind: AnalysisKind, settings: AnalysisSettingsName | undefined): string {
  return settings === 'paper' && REFINABLE_KINDS.includes(kind) ? `${kind}@paper` : kind;
}

/** Parses `?settings=` and `--settings`: `live` or `paper`. */
export function parseSettingsName(value: string, name = 'settings'): AnalysisSettingsName {
  if (!(ANALYSIS_SETTINGS_NAMES as readonly string[]).includes(value)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Unknown ${name} '${clip(value)}': use ${ANALYSIS_SETTINGS_NAMES.join(' or ')}.`);
  }
  return value as AnalysisSettingsName;
}

/**
 * One line for a view: which setting a result was computed at, and for a checked one how: an instance kept at the
 * check's steps is complete within the tolerance, the bound the paper's 50 steps are tested to (docs/decisions.md).
 */
export function settingsLabel(
  settings: AnalysisSettingsName,
  steps: number,
  maxPerClass: number,
  schedule?: Pick<StepSchedule, 'checkSteps' | 'tolerance'>,
): string {
  if (settings === 'live') {
    return `live estimate, ${steps} steps, ${maxPerClass} instances`;
  }
  const integration = schedule
    ? `${schedule.checkSteps} steps where complete within ${+(schedule.tolerance * 100).toFixed(2)}%, else ${steps}`
    : `${steps} steps`;
  return `paper settings (${integration}, up to ${maxPerClass} instances)`;
}
