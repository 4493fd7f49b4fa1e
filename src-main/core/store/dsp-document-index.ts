import type { StatementCache } from './statement-cache';

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
