import type { Migration } from '../migration';

/**
 * Which DSPs this professional opened last, for the home screen. Kept in the encrypted cache (not in the
 * plain settings file) because even a list of patient ids says who this professional treats.
 */
export const createRecentPatients: Migration = {
  version: 100,
  name: '0100-create-recent-patients',
  up(db) {
    db.exec(`
      CREATE TABLE recent_patients (
        patient_id TEXT PRIMARY KEY,
        opened_at  TEXT NOT NULL
      );
      CREATE INDEX recent_patients_by_time ON recent_patients (opened_at DESC);
    `);
  },
};
