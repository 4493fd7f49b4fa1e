import type { Migration } from '../migration';

/**
 * Full-text search over cached resources; rowid = resources.row_id. remove_diacritics lets "Muller"
 * find "Müller" and "Elodie" find "Élodie", as people type names at the front desk.
 */
export const createSearchIndex: Migration = {
  version: 60,
  name: '0060-create-search-index',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE search_index USING fts5(
        resource_type UNINDEXED,
        resource_id UNINDEXED,
        text,
        tokenize = 'unicode61 remove_diacritics 2'
      );
    `);
  },
};
