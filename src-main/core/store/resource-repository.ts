import { DeskError } from '../../../src-shared/domain/errors';
import type { Consent, DocumentReference, Patient, Practitioner } from 'fhir/r4';
import { careIndexRowOf, type CareIndexRow } from './care-extracts';
import { insertCareIndexRow } from './care-index';
import { writeDspDocumentRow } from './dsp-document-index';
import { insertRcpIndexRow, rcpIndexRowOf, type RcpIndexRow } from './rcp-index';
import { ftsQueryOf } from './fts-query';
import type { StatementCache } from './statement-cache';
import {
  dspAccessRowsOf,
  dspDocumentRowOf,
  dspPatientCardOf,
  patientRowOf,
  practitionerRowOf,
  searchTextOf,
  type DspAccessRow,
  type DspDocumentRow,
  type DspPatientCardRow,
  type FhirResourceLike,
  type PatientRow,
  type PractitionerRow,
} from './resource-extracts';

export interface CachedResource<T extends FhirResourceLike = FhirResourceLike> {
  type: string;
  id: string;
  /** The platform version this copy is based on; 0 for a resource created locally and not yet sent. */
  versionId: number;
  lastUpdated: string;
  resource: T;
}

export type UpsertOutcome = 'stored' | 'ignored';

interface ResourceRow {
  type: string;
  id: string;
  version_id: number;
  last_updated: string;
  json: string;
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const FHIR_TYPE = /^[A-Z][A-Za-z]{1,63}$/;

function identityOf(resource: FhirResourceLike): { type: string; id: string } {
  if (!FHIR_TYPE.test(resource.resourceType)) {
    throw new DeskError('invalid_input', 'resourceType is not a FHIR resource type', 'resourceType');
  }
  if (resource.id === undefined || !FHIR_ID.test(resource.id)) {
    throw new DeskError('invalid_input', 'id must be a FHIR id (1–64 of A-Z a-z 0-9 - .)', 'id');
  }
  return { type: resource.resourceType, id: resource.id };
}

/** FHIR versionIds from our platform are increasing integers; anything else cannot be ordered. */
function versionOf(resource: FhirResourceLike): number {
  const raw = resource.meta?.versionId;
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) {
    throw new DeskError('invalid_input', 'meta.versionId must be a non-negative integer', 'meta.versionId');
  }
  return Number(raw);
}

function lastUpdatedOf(resource: FhirResourceLike): string {
  const raw = resource.meta?.lastUpdated;
  if (raw === undefined || Number.isNaN(Date.parse(raw))) {
    throw new DeskError('invalid_input', 'meta.lastUpdated must be an instant', 'meta.lastUpdated');
  }
  return raw;
}

function toCached(row: ResourceRow): CachedResource {
  return {
    type: row.type,
    id: row.id,
    versionId: row.version_id,
    lastUpdated: row.last_updated,
    resource: JSON.parse(row.json) as FhirResourceLike,
  };
}

/**
 * Cached FHIR resources, with their search index and list projections kept in the same transaction.
 * Applying the platform's feed is idempotent: a version older than or equal to the stored one is ignored.
 */
export class ResourceRepository {
  constructor(
    private readonly sql: StatementCache,
    private readonly now: () => Date,
  ) {}

  /**
   * Stores a version received from the platform, unless the cache already has this one or a newer one.
   * A tombstone left by a revocation carries the document's own version; when the right comes back the
   * platform re-sends that same version, which must bring the document back.
   */
  upsert(resource: FhirResourceLike): UpsertOutcome {
    const { type, id } = identityOf(resource);
    const version = versionOf(resource);
    const lastUpdated = lastUpdatedOf(resource);
    const json = JSON.stringify(resource);
    const derived = derivedRowsOf(type, id, resource);
    return this.atomically(() => {
      const stored = this.sql
        .prepare<[string, string], { row_id: number; version_id: number; deleted: number }>(
          'SELECT row_id, version_id, deleted FROM resources WHERE type = ? AND id = ?',
        )
        .get(type, id);
      if (stored === undefined) {
        // A first copy (every resource of an initial sync): nothing to replace in the indexes.
        const rowId = Number(
          this.sql
            .prepare<[string, string, number, string, string]>(
              'INSERT INTO resources (type, id, version_id, last_updated, json, deleted) VALUES (?, ?, ?, ?, ?, 0)',
            )
            .run(type, id, version, lastUpdated, json).lastInsertRowid,
        );
        this.writeDerived(rowId, type, id, derived, lastUpdated, version === 0);
        return 'stored';
      }
      const newer = version > stored.version_id || (stored.deleted === 1 && version === stored.version_id);
      if (!newer) return 'ignored';
      this.sql
        .prepare<[number, string, string, number]>(
          'UPDATE resources SET version_id = ?, last_updated = ?, json = ?, deleted = 0 WHERE row_id = ?',
        )
        .run(version, lastUpdated, json, stored.row_id);
      this.deleteDerived(stored.row_id, type, id);
      this.writeDerived(stored.row_id, type, id, derived, lastUpdated, version === 0);
      return 'stored';
    });
  }

  /**
   * Records a local edit, keeping the platform version it is based on (the If-Match of its outbox
   * operation). Call it inside `store.transaction` together with `outbox.enqueue`.
   */
  saveLocal(resource: FhirResourceLike): void {
    const { type, id } = identityOf(resource);
    const lastUpdated = this.now().toISOString();
    const derived = derivedRowsOf(type, id, resource);
    this.atomically(() => {
      const row = this.sql
        .prepare<[string, string, string, string], { row_id: number }>(
          `INSERT INTO resources (type, id, version_id, last_updated, json, deleted) VALUES (?, ?, 0, ?, ?, 0)
         ON CONFLICT (type, id) DO UPDATE SET last_updated = excluded.last_updated, json = excluded.json, deleted = 0
         RETURNING row_id`,
        )
        .get(type, id, lastUpdated, JSON.stringify(resource))!;
      this.deleteDerived(row.row_id, type, id);
      this.writeDerived(row.row_id, type, id, derived, lastUpdated, true);
    });
  }

  /**
   * Deletion or revocation at `versionId`: the content is purged, a tombstone remains so that an older
   * version arriving late is ignored. Ignored itself when the cache holds a newer version.
   */
  markDeleted(type: string, id: string, versionId: number, lastUpdated: string = this.now().toISOString()): UpsertOutcome {
    identityOf({ resourceType: type, id });
    return this.atomically(() => {
      const row = this.sql
        .prepare<[string, string, number, string], { row_id: number }>(
          `INSERT INTO resources (type, id, version_id, last_updated, json, deleted) VALUES (?, ?, ?, ?, NULL, 1)
         ON CONFLICT (type, id) DO UPDATE SET
           version_id = excluded.version_id, last_updated = excluded.last_updated, json = NULL, deleted = 1
         WHERE excluded.version_id >= resources.version_id AND resources.deleted = 0
            OR excluded.version_id > resources.version_id
         RETURNING row_id`,
        )
        .get(type, id, versionId, lastUpdated);
      if (row === undefined) return 'ignored';
      this.deleteDerived(row.row_id, type, id);
      return 'stored';
    });
  }

  /**
   * Starting a new snapshot (the platform answered 410 to our cursor): drops every cached copy, with
   * its search text and list rows, so nothing the user may no longer see survives — except the
   * entities in `keep` (`Type/id`), which carry local edits still waiting in the outbox.
   * Returns how many resources were dropped.
   */
  purgeSynced(keep: ReadonlySet<string>): number {
    return this.sql.transaction(() => {
      const keptRowIds = [...keep].flatMap((key) => {
        const slash = key.indexOf('/');
        const row = this.sql
          .prepare<[string, string], { row_id: number }>('SELECT row_id FROM resources WHERE type = ? AND id = ?')
          .get(key.slice(0, slash), key.slice(slash + 1));
        return row === undefined ? [] : [row.row_id];
      });
      const kept = JSON.stringify(keptRowIds);
      this.sql.prepare<[string]>('DELETE FROM search_index WHERE rowid NOT IN (SELECT value FROM json_each(?))').run(kept);
      const dropped = this.sql
        .prepare<[string]>('DELETE FROM resources WHERE row_id NOT IN (SELECT value FROM json_each(?))')
        .run(kept).changes;
      this.sql.prepare("DELETE FROM patients WHERE id NOT IN (SELECT id FROM resources WHERE type = 'Patient')").run();
      this.sql.prepare("DELETE FROM practitioners WHERE id NOT IN (SELECT id FROM resources WHERE type = 'Practitioner')").run();
      this.sql
        .prepare("DELETE FROM dsp_documents WHERE id NOT IN (SELECT id FROM resources WHERE type = 'DocumentReference')")
        .run();
      this.sql.prepare("DELETE FROM dsp_access WHERE consent_id NOT IN (SELECT id FROM resources WHERE type = 'Consent')").run();
      this.sql
        .prepare("DELETE FROM dsp_patient_cards WHERE patient_id NOT IN (SELECT id FROM resources WHERE type = 'Patient')")
        .run();
      this.sql.prepare("DELETE FROM space_content WHERE id NOT IN (SELECT id FROM resources WHERE type = 'Communication')").run();
      this.sql
        .prepare(
          'DELETE FROM care_index WHERE NOT EXISTS (SELECT 1 FROM resources r WHERE r.type = care_index.type AND r.id = care_index.id)',
        )
        .run();
      return dropped;
    });
  }

  get<T extends FhirResourceLike = FhirResourceLike>(type: string, id: string): CachedResource<T> | undefined {
    const row = this.sql
      .prepare<[string, string], ResourceRow>(
        'SELECT type, id, version_id, last_updated, json FROM resources WHERE type = ? AND id = ? AND deleted = 0',
      )
      .get(type, id);
    return row === undefined ? undefined : (toCached(row) as CachedResource<T>);
  }

  /** The stored version, tombstones included (for the sync to decide what it still needs). */
  versionOf(type: string, id: string): { versionId: number; deleted: boolean } | undefined {
    const row = this.sql
      .prepare<[string, string], { version_id: number; deleted: number }>(
        'SELECT version_id, deleted FROM resources WHERE type = ? AND id = ?',
      )
      .get(type, id);
    return row === undefined ? undefined : { versionId: row.version_id, deleted: row.deleted === 1 };
  }

  listByType<T extends FhirResourceLike = FhirResourceLike>(
    type: string,
    options: { limit?: number; offset?: number } = {},
  ): CachedResource<T>[] {
    return this.sql
      .prepare<[string, number, number], ResourceRow>(
        `SELECT type, id, version_id, last_updated, json FROM resources
         WHERE type = ? AND deleted = 0 ORDER BY last_updated DESC, id LIMIT ? OFFSET ?`,
      )
      .all(type, options.limit ?? 100, options.offset ?? 0)
      .map((row) => toCached(row) as CachedResource<T>);
  }

  /** Full-text search, best matches first; every typed word must match as a word prefix. */
  search(text: string, limit = 50, type?: string): CachedResource[] {
    const query = ftsQueryOf(text);
    if (query === null) return [];
    const rows =
      type === undefined
        ? this.sql
            .prepare<[string, number], ResourceRow>(
              `SELECT r.type, r.id, r.version_id, r.last_updated, r.json
               FROM search_index s JOIN resources r ON r.row_id = s.rowid
               WHERE search_index MATCH ? ORDER BY s.rank LIMIT ?`,
            )
            .all(query, limit)
        : this.sql
            .prepare<[string, string, number], ResourceRow>(
              `SELECT r.type, r.id, r.version_id, r.last_updated, r.json
               FROM search_index s JOIN resources r ON r.row_id = s.rowid
               WHERE search_index MATCH ? AND s.resource_type = ? ORDER BY s.rank LIMIT ?`,
            )
            .all(query, type, limit);
    return rows.map(toCached);
  }

  /**
   * The statements of one resource join the caller's transaction when there is one: the pull applies a
   * thousand resources per page in one, and a savepoint each cost two more statements per resource. Everything
   * that can fail on a resource's content (validation, serialising, the extracts) runs before its first write,
   * so what remains to fail is the database itself, which fails the caller's whole transaction.
   */
  private atomically<T>(fn: () => T): T {
    return this.sql.db.inTransaction ? fn() : this.sql.transaction(fn);
  }

  /**
   * Takes a row's search text and list-projection rows out, in the caller's transaction: before a newer copy
   * writes its own, and for a deletion or a revocation's purge (which leaves only the tombstone).
   */
  private deleteDerived(rowId: number, type: string, id: string): void {
    this.sql.prepare('DELETE FROM search_index WHERE rowid = ?').run(rowId);
    this.sql.prepare<[string, string]>('DELETE FROM care_index WHERE type = ? AND id = ?').run(type, id);
    this.sql.prepare<[string, string]>('DELETE FROM rcp_index WHERE type = ? AND id = ?').run(type, id);
    if (type === 'Patient') {
      this.sql.prepare('DELETE FROM patients WHERE id = ?').run(id);
      this.sql.prepare('DELETE FROM dsp_patient_cards WHERE patient_id = ?').run(id);
    } else if (type === 'Consent') {
      // A revoked or expired consent (or its purge) takes its rows out of "Mes patients" with it.
      this.sql.prepare('DELETE FROM dsp_access WHERE consent_id = ?').run(id);
    } else if (type === 'DocumentReference') {
      this.sql.prepare('DELETE FROM dsp_documents WHERE id = ?').run(id);
    } else if (type === 'Practitioner') {
      this.sql.prepare('DELETE FROM practitioners WHERE id = ?').run(id);
    }
  }

  /**
   * Writes a stored copy's search text and list-projection rows (the row has none: a first copy, or
   * `deleteDerived` ran), in the caller's transaction: sync apply, local writes (`local`: version 0, not yet
   * sent) all come through here. `lastUpdated` is the row's own (what lists order by).
   */
  private writeDerived(rowId: number, type: string, id: string, derived: DerivedRows, lastUpdated: string, local: boolean): void {
    this.sql
      .prepare('INSERT INTO search_index (rowid, resource_type, resource_id, text) VALUES (?, ?, ?, ?)')
      .run(rowId, type, id, derived.searchText);
    // Care records (IdeoMed) and tumour boards (IdeoRCP): their index rows follow the record.
    if (derived.care) insertCareIndexRow(this.sql, type, id, derived.care, local);
    if (derived.rcp) insertRcpIndexRow(this.sql, type, id, derived.rcp);
    if (derived.patient) {
      const p = derived.patient.row;
      this.sql
        .prepare('INSERT INTO patients (id, matricule, family, given, birth_date) VALUES (?, ?, ?, ?, ?)')
        .run(p.id, p.matricule, p.family, p.given, p.birthDate);
      const card = derived.patient.card;
      this.sql
        .prepare('INSERT INTO dsp_patient_cards (patient_id, name, matricule, birth_date) VALUES (?, ?, ?, ?)')
        .run(card.patientId, card.name, card.matricule, card.birthDate);
    }
    for (const a of derived.access) {
      this.sql
        .prepare('INSERT INTO dsp_access (consent_id, actor, patient_id, kind, until, updated) VALUES (?, ?, ?, ?, ?, ?)')
        .run(a.consentId, a.actor, a.patientId, a.kind, a.until, lastUpdated);
    }
    if (derived.document) writeDspDocumentRow(this.sql, derived.document, local);
    if (derived.practitioner) {
      const p = derived.practitioner;
      this.sql
        .prepare('INSERT INTO practitioners (id, name, specialty, city) VALUES (?, ?, ?, ?)')
        .run(p.id, p.name, p.specialty, p.city);
    }
  }
}

/** What a stored copy adds to the search index and the list projections. */
interface DerivedRows {
  searchText: string;
  care: CareIndexRow | null;
  rcp: RcpIndexRow | null;
  patient: { row: PatientRow; card: DspPatientCardRow } | null;
  access: DspAccessRow[];
  document: DspDocumentRow | null;
  practitioner: PractitionerRow | null;
}

/** Reads every derived row of a resource at once, before anything is written (see `atomically`). */
function derivedRowsOf(type: string, id: string, resource: FhirResourceLike): DerivedRows {
  return {
    searchText: searchTextOf(resource),
    care: careIndexRowOf(type, id, resource),
    rcp: rcpIndexRowOf(type, id, resource),
    patient:
      type === 'Patient' ? { row: patientRowOf(id, resource as Patient), card: dspPatientCardOf(id, resource as Patient) } : null,
    access: type === 'Consent' ? dspAccessRowsOf(id, resource as Consent) : [],
    document: type === 'DocumentReference' ? dspDocumentRowOf(id, resource as DocumentReference) : null,
    practitioner: type === 'Practitioner' ? practitionerRowOf(id, resource as Practitioner) : null,
  };
}
