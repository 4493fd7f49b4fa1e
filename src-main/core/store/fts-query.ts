/** Turns what a person typed into an FTS5 query: every word as a prefix, all required (null: nothing to search). */
export function ftsQueryOf(text: string): string | null {
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
  // Each word is quoted, so FTS5 operators typed by a user (AND, NEAR, *) are searched as text.
  return words.length === 0 ? null : words.map((w) => `"${w}"*`).join(' ');
}
