import type { Migration } from '../migration';

/**
 * The public document library's offline shelf (issue 13): documents listed once (their FHIR Library,
 * and the accent- and case-free text of their titles and summaries in every language, for searching
 * offline) and the PDFs opened or pinned, so they open again without the platform.
 */
export const createLibraryCache: Migration = {
  version: 170,
  name: '0170-create-library-cache',
  up(db) {
    db.exec(`
      CREATE TABLE library_documents (
        id          TEXT PRIMARY KEY,
        json        TEXT NOT NULL,
        theme       TEXT,
        search_text TEXT NOT NULL,
        pinned      INTEGER NOT NULL DEFAULT 0,
        opened_at   TEXT
      );
      CREATE INDEX library_documents_by_theme ON library_documents (theme);
      CREATE TABLE library_files (
        library_id   TEXT PRIMARY KEY REFERENCES library_documents (id) ON DELETE CASCADE,
        content_type TEXT NOT NULL,
        data         BLOB NOT NULL
      );
    `);
  },
};
