import { describe, expect, it } from 'vitest';
import { matchClasses } from '../../datasets/class-matching.ts';
import { memoryReader, readAll } from '../../datasets/image-reader.ts';
import { allocateImageSet } from '../../datasets/image-set.ts';

/** A 1x1-pixel set whose image i has value i / 100 and the given labels. */
function reader(classNames: string[], labels: number[]) {
  const set = allocateImageSet(labels.length, 1, 1, classNames);
  labels.forEach((l, i) => {
    set.labels[i] = l;
    set.images.fill(i / 100, i * 3, i * 3 + 3);
  });
  return memoryReader(set);
}

describe('matchClasses', () => {
  it('keeps shared classes in source order, relabels both domains and lists the dropped ones', async () => {
    const source = reader(['cat', 'dog', 'owl'], [0, 1, 2, 1]);
    const target = reader(['ant', 'dog', 'cat'], [2, 0, 1, 1]);
    const m = matchClasses(source, target);
    expect(m.source.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(m.source.labels)).toEqual([0, 1, 1]);
    expect(Array.from(m.target.labels)).toEqual([0, 1, 1]);
    expect(Array.from(await readAll(m.target)).filter((_, i) => i % 3 === 0)).toEqual([0, 0.02, 0.03].map((v) => Math.fround(v)));
    expect(m.onlyInOne).toEqual([
      { domain: 'source', className: 'owl' },
      { domain: 'target', className: 'ant' },
    ]);
  });

  it('passes identical class lists through untouched', () => {
    const source = reader(['0', '1'], [0, 1]);
    const target = reader(['0', '1'], [1, 1]);
    const m = matchClasses(source, target);
    expect([m.source, m.target, m.onlyInOne]).toEqual([source, target, []]);
  });

  it('refuses domains with no class in common, naming both lists', () => {
    expect(() => matchClasses(reader(['a', 'b'], [0]), reader(['x'], [0]))).toThrow(/share no class name \(source has 'a', 'b', target has 'x'\)/);
  });
});
