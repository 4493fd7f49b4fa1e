import type { DspAccessKind, DspDocumentRow } from './resource-extracts';
import type { StatementCache } from './statement-cache';

/** A document as a DSP timeline lists it, read from the covering index alone (migration 0130). */
export interface DspTimelineRow extends Omit<DspDocumentRow, 'author'> {
  /** Created on this device and not yet confirmed by the platform. */
  pending: boolean;
}

interface TimelineSqlRow {
  id: string;
  patient_id: string;
  date: string | null;
  authors: string;
  practitioner_ref: string | null;
  organization_ref: string | null;
  type: string | null;
  title: string;
  status: DspDocumentRow['status'];
  confidentiality: DspDocumentRow['confidentiality'];
  content_type: string | null;
  replaces: string | null;
  pending: number;
}

/** The columns of the timeline index, in its order after (patient_id, date). */
const TIMELINE_COLUMNS =
  'id, type, title, status, confidentiality, content_type, practitioner_ref, organization_ref, replaces, authors, pending';

/** Writes the index row of a cached document (a delete first: the caller replaces the old row). */
export function writeDspDocumentRow(sql: StatementCache, row: DspDocumentRow, pending: boolean): void {
  sql
    .prepare(
      `INSERT INTO dsp_documents (patient_id, date, author, ${TIMELINE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      row.patientId,
      row.date,
      row.author,
      row.id,
      row.type,
      row.title,
      row.status,
      row.confidentiality,
      row.contentType,
      row.practitionerRef,
      row.organizationRef,
      row.replaces,
      JSON.stringify(row.authors),
      pending ? 1 : 0,
    );
}

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

  /** The patient's documents as the timeline lists them, newest first: one range of the covering index. */
  timeline(patientId: string, limit = 10_000): DspTimelineRow[] {
    return this.sql
      .prepare<[string, number], TimelineSqlRow>(
        `SELECT patient_id, date, ${TIMELINE_COLUMNS} FROM dsp_documents
         WHERE patient_id = ? ORDER BY date DESC LIMIT ?`,
      )
      .all(patientId, limit)
      .map((r) => ({
        id: r.id,
        patientId: r.patient_id,
        date: r.date,
        authors: JSON.parse(r.authors) as string[],
        practitionerRef: r.practitioner_ref,
        organizationRef: r.organization_ref,
        type: r.type,
        title: r.title,
        status: r.status,
        confidentiality: r.confidentiality,
        contentType: r.content_type,
        replaces: r.replaces,
        pending: r.pending === 1,
      }));
  }

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
        // Newest consent first, as the cache lists resources: one range of dsp_access_by_actor (migration 0190).
        `SELECT patient_id, kind, until FROM dsp_access WHERE actor = ? ORDER BY updated DESC, consent_id`,
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
