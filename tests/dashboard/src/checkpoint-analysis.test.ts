import { expect, test } from 'vitest';
import type { AnalysisEvent } from '../../../core/protocol.ts';
import { backgroundAnalysisStatus } from '../../../dashboard/src/checkpoint-analysis.ts';

test('a background report counts only for the same run and checkpoint (compare mode shows other runs too)', () => {
  const event: AnalysisEvent = { runId: 'r1', at: { phase: 'target', epoch: 2, step: 5 }, status: 'failed', message: 'out of memory' };
  expect(backgroundAnalysisStatus(event, { runId: 'r1', phase: 'target', epoch: 2 })).toBe('failed: out of memory');
  expect(backgroundAnalysisStatus(event, { runId: 'r2', phase: 'target', epoch: 2 })).toBeNull();
  expect(backgroundAnalysisStatus(event, { runId: 'r1', phase: 'target', epoch: 3 })).toBeNull();
  expect(backgroundAnalysisStatus(null, { runId: 'r1', phase: 'target', epoch: 2 })).toBeNull();
});
