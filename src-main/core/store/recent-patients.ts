import type { StatementCache } from './statement-cache';

/** How many recently opened patients the cache remembers; older ones are forgotten. */
export const RECENT_PATIENTS_KEPT = 20;

/** The DSPs this professional opened last, most recent first (for the home screen). */
export class RecentPatients {
  constructor(private readonly sql: StatementCache) {}

  /** Records an opening; keeps the newest RECENT_PATIENTS_KEPT. */
  touch(patientId: string, at: Date): void {
    this.sql.transaction(() => {
      this.sql
        .prepare<[string, string]>(
          `INSERT INTO recent_patients (patient_id, opened_at) VALUES (?, ?)
           ON CONFLICT (patient_id) DO UPDATE SET opened_at = excluded.opened_at`,
        )
        .run(patientId, at.toISOString());
      this.sql
        .prepare<[number]>(
          `DELETE FROM recent_patients WHERE patient_id NOT IN
             (SELECT patient_id FROM recent_patients ORDER BY opened_at DESC LIMIT ?)`,
        )
        .run(RECENT_PATIENTS_KEPT);
    });
  }

  list(limit: number): { patientId: string; openedAt: string }[] {
    return this.sql
      .prepare<[number], { patientId: string; openedAt: string }>(
        'SELECT patient_id AS patientId, opened_at AS openedAt FROM recent_patients ORDER BY opened_at DESC LIMIT ?',
      )
      .all(limit);
  }
}
