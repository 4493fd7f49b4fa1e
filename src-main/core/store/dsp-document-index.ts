import type { DspAccessKind } from './resource-extracts';
import type { StatementCache } from './statement-cache';

export interface DspPatientListRow {
  patientId: string;
  /** The name the list shows; null when the cache holds no Patient record for this id. */
  name: string | null;
  matricule: string | null;
  birthDate: string | null;
  documents: number;
  /** Whether `me` wrote (is the first author of) any of the cached documents. */
  authored: boolean;
  /** The active consents naming `me`, newest first. */
  access: { kind: Exclude<DspAccessKind, 'author'>; until: string | null }[];
}

/** Cached DSP documents by patient (see migration 0090): what opening a DSP and "Mes patients" read. */
export class DspDocumentIndex {
  constructor(private readonly sql: StatementCache) {}

  /** The patient's document ids, newest first. */
  idsForPatient(patientId: string, limit = 10_000): string[] {
    return this.sql
      .prepare<[string, number], { id: string }>('SELECT id FROM dsp_documents WHERE patient_id = ? ORDER BY date DESC LIMIT ?')
      .all(patientId, limit)
      .map((row) => row.id);
  }

  /**
   * "Mes patients" for `me`, from the projection of migration 0120: every patient with cached DSP
   * documents or an active consent naming `me`. Unsorted.
   */
  patientList(me: string): DspPatientListRow[] {
    const rows = new Map<string, DspPatientListRow>();
    const rowOf = (patientId: string): DspPatientListRow => {
      let row = rows.get(patientId);
      if (row === undefined) {
        row = { patientId, name: null, matricule: null, birthDate: null, documents: 0, authored: false, access: [] };
        rows.set(patientId, row);
      }
      return row;
    };
    const counts = this.sql
      .prepare<[string], { patient_id: string; documents: number; authored: number }>(
        `SELECT patient_id, sum(documents) AS documents, max(author = ?) AS authored
         FROM dsp_patient_documents GROUP BY patient_id`,
      )
      .all(me);
    for (const c of counts) Object.assign(rowOf(c.patient_id), { documents: c.documents, authored: c.authored === 1 });
    const access = this.sql
      .prepare<[string], { patient_id: string; kind: DspPatientListRow['access'][number]['kind']; until: string | null }>(
        // Newest consent first, as the cache lists resources.
        `SELECT a.patient_id, a.kind, a.until FROM dsp_access a
         JOIN resources r ON r.type = 'Consent' AND r.id = a.consent_id
         WHERE a.actor = ? ORDER BY r.last_updated DESC, r.id`,
      )
      .all(me);
    for (const a of access) rowOf(a.patient_id).access.push({ kind: a.kind, until: a.until });
    const cards = this.sql
      .prepare<[string], { patient_id: string; name: string; matricule: string | null; birth_date: string | null }>(
        `SELECT c.patient_id, c.name, c.matricule, c.birth_date FROM dsp_patient_cards c
         WHERE c.patient_id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify([...rows.keys()]));
    for (const c of cards)
      Object.assign(rows.get(c.patient_id)!, { name: c.name, matricule: c.matricule, birthDate: c.birth_date });
    return [...rows.values()];
  }

  /** Number of cached documents per patient, and whether `author` wrote any of them. */
  countsByPatient(author: string): { patientId: string; documents: number; authored: boolean }[] {
    return this.sql
      .prepare<[string], { patient_id: string; documents: number; authored: number }>(
        'SELECT patient_id, count(*) AS documents, max(author = ?) AS authored FROM dsp_documents GROUP BY patient_id',
      )
      .all(author)
      .map((row) => ({ patientId: row.patient_id, documents: row.documents, authored: row.authored === 1 }));
  }
}
