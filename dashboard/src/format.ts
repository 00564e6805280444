// Number formatting shared by the views; nulls always print as an em dash.

const NONE = '—';

/** A fraction in [0, 1] as a percentage with one decimal, e.g. 0.8734 → "87.3%". */
export function percent(value: number | null): string {
  return value === null ? NONE : `${(value * 100).toFixed(1)}%`;
}

/** A difference of fractions in percentage points with its sign, e.g. 0.052 → "+5.2 pp". */
export function signedPoints(value: number | null): string {
  if (value === null) {
    return NONE;
  }
  const points = value * 100;
  // Rounding first keeps "-0.0 pp" from appearing for tiny negative differences.
  const rounded = Math.round(points * 10) / 10;
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded).toFixed(1)} pp`;
}

export function imagesPerSecond(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} img/s`;
}
