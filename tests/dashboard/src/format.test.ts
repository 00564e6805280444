import { expect, test } from 'vitest';
import { imagesPerSecond, percent, signedPoints } from '../../../dashboard/src/format.ts';
import { NEGATIVE_COLOR, POSITIVE_COLOR, signColor } from '../../../dashboard/src/colors.ts';

test('percent shows one decimal and a dash for null', () => {
  expect(percent(0.8734)).toBe('87.3%');
  expect(percent(1)).toBe('100.0%');
  expect(percent(null)).toBe('—');
});

test('signedPoints always carries a sign, and never prints minus zero', () => {
  expect(signedPoints(0.052)).toBe('+5.2 pp');
  expect(signedPoints(-0.1234)).toBe('−12.3 pp');
  expect(signedPoints(-0.0001)).toBe('±0.0 pp');
  expect(signedPoints(null)).toBe('—');
});

test('signColor: green positive, red negative, neutral otherwise', () => {
  expect(signColor(0.1)).toBe(POSITIVE_COLOR);
  expect(signColor(-0.1)).toBe(NEGATIVE_COLOR);
  expect(signColor(0)).toBeUndefined();
  expect(signColor(null)).toBeUndefined();
});

test('imagesPerSecond rounds and groups digits', () => {
  expect(imagesPerSecond(1234.6)).toBe('1,235 img/s');
});
