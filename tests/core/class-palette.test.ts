import { expect, test } from 'vitest';
import { classCss, classPalette, classRgb, hslToRgb } from '../../core/class-palette.ts';

test('ten classes or fewer take Tableau 10 without its red and blue, in order', () => {
  expect(classCss(0, 10)).toBe('#ff7f0e');
  expect(classCss(9, 10)).toBe('#637939');
  expect(classPalette(3)).toEqual([classRgb(0, 3), classRgb(1, 3), classRgb(2, 3)]);
  expect(classPalette(3)[1]).toEqual([0x2c, 0xa0, 0x2c]);
});

test('more classes spread evenly around the hue circle, every one distinct', () => {
  const colours = classPalette(12).map((rgb) => rgb.join(','));
  expect(new Set(colours).size).toBe(12);
  expect(classRgb(0, 12)).toEqual(hslToRgb(0, 0.65, 0.45));
  expect(classRgb(4, 12)).toEqual(hslToRgb(120, 0.65, 0.45));
});

test('hslToRgb matches CSS for the primaries, grey and a mixed colour', () => {
  expect(hslToRgb(0, 1, 0.5)).toEqual([255, 0, 0]);
  expect(hslToRgb(120, 1, 0.5)).toEqual([0, 255, 0]);
  expect(hslToRgb(240, 1, 0.5)).toEqual([0, 0, 255]);
  expect(hslToRgb(77, 0, 0.5)).toEqual([128, 128, 128]);
  // hsl(30, 65%, 45%): CSS gives rgb(189.3, 114.75, 40.2).
  expect(hslToRgb(30, 0.65, 0.45)).toEqual([189, 115, 40]);
});
