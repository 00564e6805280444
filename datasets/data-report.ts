// What loading a domain skipped or converted, and the one-line summary of it that the CLI prints
// and the run stores (core/protocol.ts `DataReport`).
import type { DataReport, Domain, SkippedFile } from '../core/protocol.ts';

/** One domain's share of the report, before classes are matched. */
export interface DomainLoadReport {
  domain: Domain;
  skipped: SkippedFile[];
  converted: DataReport['converted'][Domain];
  /** Class folders with no usable image (empty, or every file skipped): treated as absent. */
  emptyClasses: string[];
}

/** Files listed by name in a stored report; the counts cover every file. */
export const LISTED_SKIPS = 100;

export function emptyDomainReport(domain: Domain): DomainLoadReport {
  return { domain, skipped: [], converted: { greyscale: 0, cmyk: 0, sixteenBit: 0, alpha: 0 }, emptyClasses: [] };
}

/** Joins both domains' reports with the classes dropped when matching them by name. */
export function combineReports(source: DomainLoadReport, target: DomainLoadReport, onlyInOne: { domain: Domain; className: string }[]): DataReport {
  return {
    skippedCount: { source: source.skipped.length, target: target.skipped.length },
    skipped: [...source.skipped, ...target.skipped].slice(0, LISTED_SKIPS),
    converted: { source: { ...source.converted }, target: { ...target.converted } },
    droppedClasses: [
      ...[source, target].flatMap((r) => r.emptyClasses.map((className) => ({ domain: r.domain, className, reason: 'empty-folder' as const }))),
      ...onlyInOne.map((c) => ({ ...c, reason: 'only-in-one-domain' as const })),
    ],
  };
}

/** "skipped 3 files (source 2, target 1); dropped classes: target 'pen' (only in one domain); converted ..." or "nothing skipped". */
export function describeDataReport(report: DataReport): string {
  const parts: string[] = [];
  const skipped = report.skippedCount.source + report.skippedCount.target;
  if (skipped > 0) {
    parts.push(`skipped ${skipped} file${skipped === 1 ? '' : 's'} (source ${report.skippedCount.source}, target ${report.skippedCount.target})`);
  }
  if (report.droppedClasses.length > 0) {
    const names = report.droppedClasses.map((c) => `${c.domain} '${c.className}' (${c.reason === 'empty-folder' ? 'no usable image' : 'only in one domain'})`);
    parts.push(`dropped ${names.length} class${names.length === 1 ? '' : 'es'}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`);
  }
  const converted = (['source', 'target'] as const).flatMap((d) => {
    const c = report.converted[d];
    const kinds = Object.entries(c)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}`);
    return kinds.length > 0 ? [`${d} ${kinds.join(' + ')}`] : [];
  });
  if (converted.length > 0) {
    parts.push(`converted to 8-bit sRGB: ${converted.join('; ')}`);
  }
  return parts.length > 0 ? parts.join('; ') : 'nothing skipped';
}
