import { expect, test } from 'vitest';
import { runStatusTitle } from '../../../dashboard/src/run-status.ts';

test("an interrupted run's badge says how to resume that run", () => {
  expect(runStatusTitle('interrupted', 'digits-20260101-1200')).toContain('transferscope train --resume digits-20260101-1200');
});

test('running and finished runs are not offered a resume', () => {
  expect(runStatusTitle('running', 'r')).not.toContain('--resume');
  expect(runStatusTitle('finished', 'r')).not.toContain('--resume');
});
