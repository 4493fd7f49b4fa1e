import type { DocumentReference } from 'fhir/r4';
import { writeDspDocumentRow } from '../dsp-document-index';
import type { Migration } from '../migration';
import { dspDocumentRowOf } from '../resource-extracts';
import { StatementCache } from '../statement-cache';

const BACKFILL_PAGE = 500;

/**
 * Opening a DSP from one index: `dsp_documents` gains every column the timeline shows, and an index on
 * (patient_id, date DESC, …those columns) covers the query, so a DSP of 500 documents in a cache of
 * 100,000 is one index range — no table lookups, no document JSON parsed (the old path parsed each
 * document, attachment data included). It replaces `dsp_documents_by_patient`, its prefix.
 * The rows are rebuilt from the cached documents; the 0120 triggers keep "Mes patients" counts right.
 */
export const addDspTimelineColumns: Migration = {
  version: 130,
  name: '0130-add-dsp-timeline-columns',
  up(db) {
    db.exec(`
      ALTER TABLE dsp_documents ADD COLUMN type TEXT;
      ALTER TABLE dsp_documents ADD COLUMN title TEXT NOT NULL DEFAULT '';
      ALTER TABLE dsp_documents ADD COLUMN status TEXT NOT NULL DEFAULT 'current';
      ALTER TABLE dsp_documents ADD COLUMN confidentiality TEXT NOT NULL DEFAULT 'N';
      ALTER TABLE dsp_documents ADD COLUMN content_type TEXT;
      ALTER TABLE dsp_documents ADD COLUMN practitioner_ref TEXT;
      ALTER TABLE dsp_documents ADD COLUMN organization_ref TEXT;
      ALTER TABLE dsp_documents ADD COLUMN replaces TEXT;
      ALTER TABLE dsp_documents ADD COLUMN authors TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE dsp_documents ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
      DROP INDEX dsp_documents_by_patient;
      CREATE INDEX dsp_documents_timeline ON dsp_documents (
        patient_id, date DESC, id, type, title, status, confidentiality, content_type,
        practitioner_ref, organization_ref, replaces, authors, pending
      );
      DELETE FROM dsp_documents;
    `);
    const sql = new StatementCache(db);
    const page = db.prepare<[number, number], { row_id: number; id: string; version_id: number; json: string }>(
      `SELECT row_id, id, version_id, json FROM resources
       WHERE type = 'DocumentReference' AND deleted = 0 AND json IS NOT NULL AND row_id > ? ORDER BY row_id LIMIT ?`,
    );
    for (let after = 0; ;) {
      const docs = page.all(after, BACKFILL_PAGE);
      if (docs.length === 0) break;
      for (const doc of docs) {
        const row = dspDocumentRowOf(doc.id, JSON.parse(doc.json) as DocumentReference);
        if (row) writeDspDocumentRow(sql, row, doc.version_id === 0);
      }
      after = docs.at(-1)!.row_id;
    }
  },
};
