import type { StatementCache } from './statement-cache';

/** A library document as kept on this device. */
export interface ShelvedDocument {
  id: string;
  json: string;
  pinned: boolean;
  onDevice: boolean;
}

/** Accent-, case- and space-insensitive text, as searched (the platform's string rule, here for offline search). */
export function searchableText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The library's offline shelf in the encrypted cache: every document listed while online (so the
 * catalogue searches offline) and the PDFs opened or pinned (so they open again offline). Public
 * data, but kept in the cache like everything else: nothing is written outside it.
 */
export class LibraryShelf {
  constructor(private readonly sql: StatementCache) {}

  /** Records what the platform listed (keeps pins and files). */
  remember(documents: Array<{ id: string; json: string; theme: string | null; searchText: string }>): void {
    const upsert = this.sql.prepare<[string, string, string | null, string]>(
      `INSERT INTO library_documents (id, json, theme, search_text) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET json = excluded.json, theme = excluded.theme, search_text = excluded.search_text`,
    );
    this.sql.transaction(() => {
      for (const d of documents) upsert.run(d.id, d.json, d.theme, searchableText(d.searchText));
    });
  }

  /** Offline search: every word must appear in some language's title or summary. */
  search(words: string[], theme: string | undefined, limit: number): ShelvedDocument[] {
    const conditions = words.map(() => "search_text LIKE ? ESCAPE '\\'");
    if (theme !== undefined) conditions.push('theme = ?');
    const params = [...words.map((w) => `%${escapeLike(searchableText(w))}%`), ...(theme !== undefined ? [theme] : [])];
    return this.sql
      .prepare<unknown[], { id: string; json: string; pinned: number; on_device: number }>(
        `SELECT d.id, d.json, d.pinned, (f.library_id IS NOT NULL) AS on_device
         FROM library_documents d LEFT JOIN library_files f ON f.library_id = d.id
         ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY d.id LIMIT ?`,
      )
      .all(...params, limit)
      .map((r) => ({ id: r.id, json: r.json, pinned: r.pinned === 1, onDevice: r.on_device === 1 }));
  }

  get(id: string): ShelvedDocument | undefined {
    const row = this.sql
      .prepare<[string], { id: string; json: string; pinned: number; on_device: number }>(
        `SELECT d.id, d.json, d.pinned, (f.library_id IS NOT NULL) AS on_device
         FROM library_documents d LEFT JOIN library_files f ON f.library_id = d.id WHERE d.id = ?`,
      )
      .get(id);
    return row && { id: row.id, json: row.json, pinned: row.pinned === 1, onDevice: row.on_device === 1 };
  }

  /** Which of `ids` are pinned, and which have their PDF here. */
  states(ids: string[]): Map<string, { pinned: boolean; onDevice: boolean }> {
    const rows = this.sql
      .prepare<[string], { id: string; pinned: number; on_device: number }>(
        `SELECT d.id, d.pinned, (f.library_id IS NOT NULL) AS on_device
         FROM library_documents d LEFT JOIN library_files f ON f.library_id = d.id
         WHERE d.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids));
    return new Map(rows.map((r) => [r.id, { pinned: r.pinned === 1, onDevice: r.on_device === 1 }]));
  }

  keepFile(id: string, contentType: string, data: Buffer, openedAt: string): void {
    this.sql.transaction(() => {
      this.sql
        .prepare<[string, string, Buffer]>(
          `INSERT INTO library_files (library_id, content_type, data) VALUES (?, ?, ?)
           ON CONFLICT (library_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data`,
        )
        .run(id, contentType, data);
      this.sql.prepare<[string, string]>('UPDATE library_documents SET opened_at = ? WHERE id = ?').run(openedAt, id);
    });
  }

  file(id: string): { contentType: string; data: Buffer } | undefined {
    const row = this.sql
      .prepare<[string], { content_type: string; data: Buffer }>(
        'SELECT content_type, data FROM library_files WHERE library_id = ?',
      )
      .get(id);
    return row && { contentType: row.content_type, data: row.data };
  }

  setPinned(id: string, pinned: boolean): boolean {
    return (
      this.sql.prepare<[number, string]>('UPDATE library_documents SET pinned = ? WHERE id = ?').run(pinned ? 1 : 0, id).changes >
      0
    );
  }
}
