// What the run badge's tooltip says for each status, including how to continue a run that stopped early.
import type { RunStatus } from '../../core/protocol.ts';

/** The badge's tooltip for a run in `status`; an interrupted run's names the command that resumes it. */
export function runStatusTitle(status: RunStatus, runId: string): string {
  switch (status) {
    case 'running':
      return 'Training: its trainer is alive and commits each epoch as it finishes';
    case 'finished':
      return 'Training finished: every planned epoch is stored';
    case 'failed':
      return `Training stopped on an error; the completed epochs are stored. Continue it with: transferscope train --resume ${runId}`;
    case 'interrupted':
      return `Training stopped before the end (stopped, or its trainer died); the completed epochs are stored. Continue it from its last checkpoint with: transferscope train --resume ${runId}`;
  }
}
