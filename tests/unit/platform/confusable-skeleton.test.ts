import { describe, expect, it } from 'vitest';
import { confusableSkeleton } from '../../../src-main/platform/directory/confusable-skeleton';

describe('confusable skeleton', () => {
  it.each([
    ['Weber', 'Wеber', 'Cyrillic е'],
    ['Paul', 'Раul', 'Cyrillic Р and а'],
    ['Koch', 'Κοch', 'Greek Κ and ο'],
    ['Hoffmann', 'ＨＯＦＦＭＡＮＮ', 'fullwidth capitals'],
    ['Müller', 'Muller', 'a diacritic'],
    ['Strauss', 'Strauß', 'sharp s'],
    ['Martin', 'rnartin', '"rn" for "m"'],
    ['Lily', 'Ⅼily', 'a Roman numeral'],
    ['Nicolas', 'NicoIas', 'capital I for l'],
  ])('%s and %s look alike (%s)', (a, b) => {
    expect(confusableSkeleton(b)).toBe(confusableSkeleton(a));
  });

  it.each([
    ['Weber', 'Webers'],
    ['Paul', 'Pauline'],
    ['Marie', 'Maria'],
    ['Вера', 'Vera'], // Cyrillic "Вера" does not read as "Vera"
  ])('%s and %s stay apart', (a, b) => {
    expect(confusableSkeleton(b)).not.toBe(confusableSkeleton(a));
  });
});
