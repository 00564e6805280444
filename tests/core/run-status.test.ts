import { describe, expect, it } from 'vitest';
import { deriveRunStatus, STALE_AFTER_INTERVALS } from '../../core/run-status.ts';

const beat = { at: 1_000_000, intervalMs: 10_000 };

describe('deriveRunStatus', () => {
  it('keeps a running run running while its heartbeat is younger than three intervals', () => {
    expect(STALE_AFTER_INTERVALS).toBe(3);
    expect(deriveRunStatus('running', beat, beat.at)).toBe('running');
    expect(deriveRunStatus('running', beat, beat.at + 29_999)).toBe('running');
  });

  it('reports a running run as interrupted once its heartbeat is three intervals old', () => {
    expect(deriveRunStatus('running', beat, beat.at + 30_000)).toBe('interrupted');
    expect(deriveRunStatus('running', { at: beat.at, intervalMs: 200 }, beat.at + 600)).toBe('interrupted');
  });

  it('returns finished, failed and interrupted as stored, however old the heartbeat', () => {
    for (const stored of ['finished', 'failed', 'interrupted'] as const) {
      expect(deriveRunStatus(stored, beat, beat.at)).toBe(stored);
      expect(deriveRunStatus(stored, beat, beat.at + 1e9)).toBe(stored);
    }
  });
});
