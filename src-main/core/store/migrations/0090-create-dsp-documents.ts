import type { Migration } from '../migration';

/**
 * A flat index of cached DSP documents by patient, kept in step with `resources`: opening one
 * patient's DSP in a cache of 100,000 documents reads that patient's rows, not every document.
 * Caches created before this step are backfilled from the documents they already hold.
 */
export const createDspDocuments: Migration = {
  version: 90,
  name: '0090-create-dsp-documents',
  up(db) {
    db.exec(`
      CREATE TABLE dsp_documents (
        id         TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL,
        date       TEXT,
        author     TEXT
      );
      CREATE INDEX dsp_documents_by_patient ON dsp_documents (patient_id, date DESC);
      CREATE INDEX dsp_documents_by_author ON dsp_documents (author);
      INSERT INTO dsp_documents (id, patient_id, date, author)
        SELECT id, substr(json_extract(json, '$.subject.reference'), 9), json_extract(json, '$.date'),
               json_extract(json, '$.author[0].reference')
        FROM resources
        WHERE type = 'DocumentReference' AND deleted = 0 AND json IS NOT NULL
          AND json_extract(json, '$.subject.reference') LIKE 'Patient/%';
    `);
  },
};
