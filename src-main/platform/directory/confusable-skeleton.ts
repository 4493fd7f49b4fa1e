/**
 * A confusable skeleton after Unicode TS #39 §4 ("skeleton"), reduced to what names in a European
 * patient directory need: two texts with the same skeleton look alike to a reader. Steps: NFKD
 * (fullwidth, ligatures, compatibility forms), the common Cyrillic and Greek letters that look like
 * Latin ones mapped to them (TS #39 confusables.txt, the whole-script Latin/Cyrillic/Greek set),
 * a few Latin look-alike sequences, combining marks removed, case folded, spaces collapsed.
 */

// Uppercase and lowercase separately: Cyrillic "В" looks like Latin "B", but its lowercase "в" does not look like "b".
const TO_LATIN: Record<string, string> = {
  // Cyrillic
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
  Ԛ: 'Q',
  Ԝ: 'W',
  Ү: 'Y',
  Ӏ: 'l',
  З: '3',
  Ь: 'b',
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ү: 'y',
  ѵ: 'v',
  ɡ: 'g',
  // Greek
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  ο: 'o',
  α: 'a',
  ν: 'v',
  ρ: 'p',
  ι: 'i',
  κ: 'k',
  υ: 'u',
  χ: 'x',
  γ: 'y',
  // Latin letters that read as others
  ı: 'i',
  ſ: 'f',
  ℓ: 'l',
  ȷ: 'j',
};

const LOOK_ALIKE_SEQUENCES: Array<[RegExp, string]> = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/[1I|]/g, 'l'],
  [/0/g, 'o'],
];

export function confusableSkeleton(text: string): string {
  let skeleton = '';
  for (const char of text.normalize('NFKD')) skeleton += TO_LATIN[char] ?? char;
  // Case-sensitive look-alikes (capital I as l) before folding; then fold and map again on the folded text.
  for (const [pattern, replacement] of LOOK_ALIKE_SEQUENCES.slice(2)) skeleton = skeleton.replace(pattern, replacement);
  skeleton = skeleton.replace(/\p{M}/gu, '').toLowerCase().replace(/ß/g, 'ss');
  for (const [pattern, replacement] of LOOK_ALIKE_SEQUENCES) skeleton = skeleton.replace(pattern, replacement);
  return skeleton.replace(/\s+/g, ' ').trim();
}
