// Sorting of the confusion table (paper §5.1): by class, by either model's accuracy, by their difference, or
// by how many instances are mispredicted.
import type { ConfusionRow } from '../../core/protocol.ts';

export type ConfusionSortKey = 'class' | 'sourceModelAccuracy' | 'targetModelAccuracy' | 'difference' | 'mispredicted';
export type SortDirection = 'asc' | 'desc';

export interface ConfusionSort {
  key: ConfusionSortKey;
  direction: SortDirection;
}

export const DEFAULT_CONFUSION_SORT: ConfusionSort = { key: 'class', direction: 'asc' };

function sortValue(row: ConfusionRow, key: ConfusionSortKey): number | null {
  switch (key) {
    case 'class':
      return row.classIndex;
    case 'mispredicted':
      return row.mispredictedInto.reduce((sum, entry) => sum + entry.count, 0);
    default:
      return row[key];
  }
}

/**
 * A sorted copy of `rows`. Nulls (no stored model yet) go last in both directions, since they are missing
 * rather than small; ties keep class order so the table doesn't shuffle as the sort flips.
 */
export function sortConfusionRows(rows: readonly ConfusionRow[], sort: ConfusionSort): ConfusionRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === null || vb === null) {
      return va === vb ? a.classIndex - b.classIndex : va === null ? 1 : -1;
    }
    return sign * (va - vb) || a.classIndex - b.classIndex;
  });
}

/** The sort after clicking `key`'s header: the same header reverses, another header starts ascending. */
export function nextConfusionSort(sort: ConfusionSort, key: ConfusionSortKey): ConfusionSort {
  if (sort.key === key) {
    return { key, direction: sort.direction === 'asc' ? 'desc' : 'asc' };
  }
  return { key, direction: 'asc' };
}
