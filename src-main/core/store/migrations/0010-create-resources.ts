import type { Migration } from '../migration';

/**
 * The cache of FHIR resources as the platform last sent them. `row_id` is explicit because the search
 * index refers to it and SQLite may renumber implicit rowids on VACUUM. A deleted or revoked resource
 * keeps a tombstone (no JSON) so an older version arriving late cannot resurrect it.
 */
export const createResources: Migration = {
  version: 10,
  name: '0010-create-resources',
  up(db) {
    db.exec(`
      CREATE TABLE resources (
        row_id       INTEGER PRIMARY KEY,
        type         TEXT NOT NULL,
        id           TEXT NOT NULL,
        version_id   INTEGER NOT NULL,
        last_updated TEXT NOT NULL,
        json         TEXT,
        deleted      INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (type, id),
        CHECK ((deleted = 1) = (json IS NULL))
      );
      CREATE INDEX resources_by_type ON resources (type, last_updated) WHERE deleted = 0;
    `);
  },
};
