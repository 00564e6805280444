// The text of the header's data badge: what loading skipped, and whether the source model was imported.
import type { RunMeta } from '../../core/protocol.ts';

/** Short badge text and its hover detail, or null for runs with nothing to say (the digit runs). */
export function runDataSummary(run: Pick<RunMeta, 'dataReport' | 'pretrained'> | null): { text: string; detail: string } | null {
  const parts: string[] = [];
  const report = run?.dataReport;
  const plural = (n: number, word: string, suffix = 's') => `${n} ${word}${n === 1 ? '' : suffix}`;
  if (report) {
    parts.push(`${plural(report.skippedCount.source + report.skippedCount.target, 'file')} skipped`);
    if (report.droppedClasses.length > 0) {
      parts.push(`${plural(report.droppedClasses.length, 'class', 'es')} dropped`);
    }
  }
  if (run?.pretrained) {
    parts.push(`pretrained source${run.pretrained.headReplaced ? ', classifier replaced' : ''}`);
  }
  if (parts.length === 0) {
    return null;
  }
  const detail = [
    ...(report?.skipped.map((s) => `${s.domain} ${s.file}: ${s.reason} (${s.detail})`) ?? []),
    ...(report?.droppedClasses.map((c) => `${c.domain} class '${c.className}': ${c.reason}`) ?? []),
    ...(run?.pretrained ? [`source model: ${run.pretrained.path} (${run.pretrained.pretrainedClasses} classes)`] : []),
  ].join('\n');
  return { text: parts.join(' · '), detail };
}
