import { describe, expect, it } from 'vitest';
import { analysisSettings, PAPER_CHECK, settingsLabel, stepsKey } from '../../core/analysis-settings.ts';

describe('analysis settings', () => {
  it('reach the paper settings through the check, and live ones plain', () => {
    expect(analysisSettings('paper', 150)).toEqual({ name: 'paper', networkSteps: 50, featuresSteps: 50, maxPerClass: 150, check: PAPER_CHECK });
    expect(analysisSettings('live').check).toBeNull();
    expect(PAPER_CHECK.steps).toBeLessThan(50);
  });

  it('keep checked and plain conductances apart in the store', () => {
    expect(stepsKey(50, null)).toBe('50');
    expect(stepsKey(50, { steps: 24, tolerance: 0.01 })).toBe('50:check=24@0.01');
    expect(stepsKey(50, { steps: 16, tolerance: 0.01 })).not.toBe(stepsKey(50, { steps: 24, tolerance: 0.01 }));
  });

  it('label a checked result with how it was checked, and older results as before', () => {
    expect(settingsLabel('paper', 50, 200, { checkSteps: 24, tolerance: 0.01 })).toBe(
      'paper settings (24 steps where complete within 1%, else 50, up to 200 instances)',
    );
    expect(settingsLabel('paper', 50, 200)).toBe('paper settings (50 steps, up to 200 instances)');
    expect(settingsLabel('live', 8, 20)).toBe('live estimate, 8 steps, 20 instances');
  });
});
