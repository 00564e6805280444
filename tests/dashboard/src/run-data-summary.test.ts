import { describe, expect, it } from 'vitest';
import { runDataSummary } from '../../../dashboard/src/run-data-summary.ts';

describe('runDataSummary', () => {
  it('says nothing for runs without a data report or import', () => {
    expect(runDataSummary({})).toBeNull();
    expect(runDataSummary(null)).toBeNull();
  });

  it('counts skipped files and dropped classes, flags an imported source, and lists them on hover', () => {
    const summary = runDataSummary({
      dataReport: {
        skippedCount: { source: 2, target: 1 },
        skipped: [{ domain: 'source', file: 'mug/a.jpg', reason: 'unreadable', detail: 'premature end of JPEG image' }],
        converted: { source: { greyscale: 0, cmyk: 0, sixteenBit: 0, alpha: 0 }, target: { greyscale: 0, cmyk: 0, sixteenBit: 0, alpha: 0 } },
        droppedClasses: [{ domain: 'target', className: 'pen', reason: 'only-in-one-domain' }],
      },
      pretrained: { path: 'm/model.json', pretrainedClasses: 1000, headReplaced: true, layerMap: [] },
    });
    expect(summary).toEqual({
      text: '3 files skipped · 1 class dropped · pretrained source, classifier replaced',
      detail: "source mug/a.jpg: unreadable (premature end of JPEG image)\ntarget class 'pen': only-in-one-domain\nsource model: m/model.json (1000 classes)",
    });
  });
});
