import type { Migration } from '../migration';

/** Flat copies of the fields patient and professional lists show and sort on, kept in step with `resources`. */
export const createDirectoryProjections: Migration = {
  version: 70,
  name: '0070-create-directory-projections',
  up(db) {
    db.exec(`
      CREATE TABLE patients (
        id         TEXT PRIMARY KEY,
        matricule  TEXT,
        family     TEXT,
        given      TEXT,
        birth_date TEXT
      );
      CREATE INDEX patients_by_matricule ON patients (matricule);
      CREATE INDEX patients_by_name ON patients (family COLLATE NOCASE, given COLLATE NOCASE);
      CREATE TABLE practitioners (
        id        TEXT PRIMARY KEY,
        name      TEXT,
        specialty TEXT,
        city      TEXT
      );
      CREATE INDEX practitioners_by_name ON practitioners (name COLLATE NOCASE);
    `);
  },
};
