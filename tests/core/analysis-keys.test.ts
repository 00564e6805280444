import { describe, expect, it } from 'vitest';
import { analysisKey, assertChosenReference, referenceCheckpoint, withNeeds } from '../../core/analysis-keys.ts';
import { epochRecord } from '../helpers/run-fixture.ts';
import { ANALYSIS_KINDS } from '../../core/analysis-protocol.ts';
import { parseSettingsName, storedKindName } from '../../core/analysis-settings.ts';

// source 1 (checkpoint), source 2 (not), source 3 (checkpoint), target 1 (checkpoint).
const checkpoint = (phase: 'source' | 'target', epoch: number, step: number) => ({ ...epochRecord(phase, epoch, step), checkpoint: true });
const epochs = [checkpoint('source', 1, 1), epochRecord('source', 2, 2), checkpoint('source', 3, 3), checkpoint('target', 1, 4)];
const [s1, s2, s3, t1] = epochs as [(typeof epochs)[0], (typeof epochs)[0], (typeof epochs)[0], (typeof epochs)[0]];

describe('analysis keys', () => {
  it('compares a target checkpoint with the final source checkpoint and a source one with the previous', () => {
    expect(referenceCheckpoint(epochs, t1)?.epoch).toBe(3);
    expect(referenceCheckpoint(epochs, s3)?.epoch).toBe(1);
    expect(referenceCheckpoint(epochs, s1)).toBeNull();
    expect(analysisKey('network', 'r', epochs, s1)).toBeNull();
    expect(analysisKey('network', 'r', epochs, s2)).toBeNull();
    expect(analysisKey('instances', 'r', epochs, s1)).toMatchObject({ referencePhase: null, referenceEpoch: null });
  });

  it('takes a chosen reference among the other checkpoints only', () => {
    expect(analysisKey('network', 'r', epochs, s1, { phase: 'target', epoch: 1 })).toMatchObject({
      phase: 'source',
      epoch: 1,
      referencePhase: 'target',
      referenceEpoch: 1,
    });
    expect(() => assertChosenReference('network', 'r', epochs, t1, { phase: 'source', epoch: 2 })).toThrow(/Pick one of: source:1, source:3/);
    expect(() => assertChosenReference('network', 'r', epochs, t1, { phase: 'target', epoch: 1 })).toThrow(/not another checkpoint/);
    expect(() => assertChosenReference('features', 'r', epochs, t1, { phase: 'source', epoch: 1 })).toThrow(/takes no reference/);
  });

  it('keys every analysis by its settings; kinds the settings do not change stay live', () => {
    for (const kind of ANALYSIS_KINDS) {
      expect(analysisKey(kind, 'r', epochs, t1)?.settings).toBe('live');
    }
    expect(analysisKey('network', 'r', epochs, t1, null, 'paper')?.settings).toBe('paper');
    expect(analysisKey('features', 'r', epochs, t1, null, 'paper')?.settings).toBe('paper');
    expect(analysisKey('instances', 'r', epochs, t1, null, 'paper')?.settings).toBe('live');
    expect(analysisKey('projection', 'r', epochs, t1, null, 'paper')?.settings).toBe('live');
    // Stored under their own kind name, so live rows of stores written before settings existed still read.
    expect([storedKindName('network', 'live'), storedKindName('network', undefined), storedKindName('network', 'paper')]).toEqual([
      'network',
      'network',
      'network@paper',
    ]);
    expect(storedKindName('instances', 'paper')).toBe('instances');
    expect(() => parseSettingsName('fast\nx')).toThrow("Unknown settings 'fast?x': use live or paper.");
  });

  it('runs the network stage before the features that rank its important neurons', () => {
    expect(withNeeds(['features'])).toEqual(['network', 'features']);
    expect(withNeeds(['features', 'instances'])).toEqual(['network', 'instances', 'features']);
    expect(withNeeds(['instances'])).toEqual(['instances']);
  });
});
