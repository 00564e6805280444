// Compare mode sets like against like: a live estimate and a refined result differ by integration error, not only by
// training, so the two sides of a refinable kind (features) are asked at one setting, as /api/compare/important does.
import type { AnalysisSettingsName } from '../../core/analysis-protocol.ts';

/**
 * The setting both sides ask for, from what is known refined (a refined event, or a best-stored answer that came
 * at the paper's settings): the paper's when both are, live when only one is (an estimate against an estimate),
 * and undefined (each side's best stored, which tells whether it is refined) while neither is known to be.
 */
export function commonCompareSettings(refinedA: boolean, refinedB: boolean): AnalysisSettingsName | undefined {
  if (refinedA && refinedB) {
    return 'paper';
  }
  return refinedA || refinedB ? 'live' : undefined;
}
