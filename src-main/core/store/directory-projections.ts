import type { PatientRow, PractitionerRow } from './resource-extracts';
import type { StatementCache } from './statement-cache';

/** Read side of the patient and professional lists (written by ResourceRepository). */
export class DirectoryProjections {
  constructor(private readonly sql: StatementCache) {}

  patients(options: { limit?: number; offset?: number } = {}): PatientRow[] {
    return this.sql
      .prepare<[number, number], PatientRow>(
        `SELECT id, matricule, family, given, birth_date AS birthDate FROM patients
         ORDER BY family COLLATE NOCASE, given COLLATE NOCASE, id LIMIT ? OFFSET ?`,
      )
      .all(options.limit ?? 100, options.offset ?? 0);
  }

  patientByMatricule(matricule: string): PatientRow | undefined {
    return this.sql
      .prepare<[string], PatientRow>(
        'SELECT id, matricule, family, given, birth_date AS birthDate FROM patients WHERE matricule = ?',
      )
      .get(matricule);
  }

  practitioners(options: { limit?: number; offset?: number } = {}): PractitionerRow[] {
    return this.sql
      .prepare<[number, number], PractitionerRow>(
        'SELECT id, name, specialty, city FROM practitioners ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?',
      )
      .all(options.limit ?? 100, options.offset ?? 0);
  }
}
