// Source and target are matched by class name: the paper's transfer needs one label space, and
// users' folders rarely list exactly the same classes.
import { TransferscopeError } from '../core/errors.ts';
import type { Domain } from '../core/protocol.ts';
import { rowsReader, type ImageReader } from './image-reader.ts';

export interface MatchedDomains {
  source: ImageReader;
  target: ImageReader;
  /** Classes of one domain with no namesake in the other, left out. */
  onlyInOne: { domain: Domain; className: string }[];
}

/**
 * Restricts both readers to the classes they share, labelled in the source's class order.
 * Returns the inputs unchanged when the class lists are equal. Throws `INVALID_CONFIG` when no
 * class name is shared.
 */
export function matchClasses(source: ImageReader, target: ImageReader): MatchedDomains {
  const targetNames = new Set(target.classNames);
  const shared = source.classNames.filter((name) => targetNames.has(name));
  const same = shared.length === source.classNames.length && shared.length === target.classNames.length;
  if (same && source.classNames.every((n, i) => n === target.classNames[i])) {
    return { source, target, onlyInOne: [] };
  }
  const list = (names: string[]) =>
    `${names
      .slice(0, 4)
      .map((n) => `'${n}'`)
      .join(', ')}${names.length > 4 ? `, … (${names.length})` : ''}`;
  if (shared.length === 0) {
    throw new TransferscopeError(
      'INVALID_CONFIG',
      `The source and target domains share no class name (source has ${list(source.classNames)}, target has ${list(target.classNames)}); name each class's folder the same in both.`,
    );
  }
  const index = new Map(shared.map((name, i) => [name, i]));
  const restrict = (reader: ImageReader) => {
    const rows: number[] = [];
    reader.labels.forEach((label, row) => {
      if (index.has(reader.classNames[label]!)) {
        rows.push(row);
      }
    });
    return rowsReader(reader, rows, shared, (label) => index.get(reader.classNames[label]!)!);
  };
  const onlyInOne = [
    ...source.classNames.filter((n) => !index.has(n)).map((className) => ({ domain: 'source' as const, className })),
    ...target.classNames.filter((n) => !index.has(n)).map((className) => ({ domain: 'target' as const, className })),
  ];
  return { source: restrict(source), target: restrict(target), onlyInOne };
}
