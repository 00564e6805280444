import { describe, expect, it } from 'vitest';
import { combineReports, describeDataReport, emptyDomainReport, LISTED_SKIPS } from '../../datasets/data-report.ts';

describe('data report', () => {
  it('joins both domains, caps the listed files but not the counts, and says it in one line', () => {
    const source = emptyDomainReport('source');
    for (let i = 0; i < LISTED_SKIPS + 5; i++) {
      source.skipped.push({ domain: 'source', file: `a/${i}.jpg`, reason: 'unreadable', detail: 'premature end' });
    }
    source.converted.greyscale = 2;
    source.emptyClasses.push('empty');
    const target = emptyDomainReport('target');
    target.skipped.push({ domain: 'target', file: 'b/x.txt', reason: 'not-an-image', detail: '' });
    const report = combineReports(source, target, [{ domain: 'target', className: 'moon' }]);
    expect(report.skippedCount).toEqual({ source: LISTED_SKIPS + 5, target: 1 });
    expect(report.skipped).toHaveLength(LISTED_SKIPS);
    expect(report.droppedClasses).toEqual([
      { domain: 'source', className: 'empty', reason: 'empty-folder' },
      { domain: 'target', className: 'moon', reason: 'only-in-one-domain' },
    ]);
    expect(describeDataReport(report)).toBe(
      "skipped 106 files (source 105, target 1); dropped 2 classes: source 'empty' (no usable image), target 'moon' (only in one domain); converted to 8-bit sRGB: source 2 greyscale",
    );
    expect(describeDataReport(combineReports(emptyDomainReport('source'), emptyDomainReport('target'), []))).toBe('nothing skipped');
  });
});
