// The product's palette: source is red and target is blue in every view, so a glance tells the domains apart.

export const SOURCE_COLOR = '#d62728';
export const TARGET_COLOR = '#1f77b4';
/** Validation sets get their own hue: they belong to the model's own domain, not to one fixed domain. */
export const VALIDATION_COLOR = '#9467bd';
export const POSITIVE_COLOR = '#2ca02c';
export const NEGATIVE_COLOR = '#d62728';

/** Sign colour of a difference; null and zero stay neutral. */
export function signColor(value: number | null): string | undefined {
  if (value === null || value === 0) {
    return undefined;
  }
  return value > 0 ? POSITIVE_COLOR : NEGATIVE_COLOR;
}
