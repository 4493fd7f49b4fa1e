import type { Consent, Patient } from 'fhir/r4';
import type { Migration } from '../migration';
import { dspAccessRowsOf, dspPatientCardOf } from '../resource-extracts';

/**
 * "Mes patients" as a maintained projection, so listing 800 patients reads three small tables instead of
 * parsing every Consent and Patient and counting 100,000 documents on each call:
 * - `dsp_patient_documents`: cached DSP documents per patient and first author, kept by triggers on
 *   `dsp_documents`, so it changes in the same statement (hence the same transaction) as that index;
 * - `dsp_access`: who each active consent names, for which patient, and why (written with the Consent);
 * - `dsp_patient_cards`: the name, matricule and birth date the list shows (written with the Patient).
 * Caches created before this step are backfilled from what they already hold.
 */
export const createDspPatientList: Migration = {
  version: 120,
  name: '0120-create-dsp-patient-list',
  up(db) {
    db.exec(`
      CREATE TABLE dsp_patient_documents (
        patient_id TEXT NOT NULL,
        author     TEXT NOT NULL, -- '' when the document names none
        documents  INTEGER NOT NULL CHECK (documents > 0),
        PRIMARY KEY (patient_id, author)
      ) WITHOUT ROWID;
      CREATE TRIGGER dsp_patient_documents_insert AFTER INSERT ON dsp_documents BEGIN
        INSERT INTO dsp_patient_documents (patient_id, author, documents) VALUES (new.patient_id, coalesce(new.author, ''), 1)
          ON CONFLICT (patient_id, author) DO UPDATE SET documents = documents + 1;
      END;
      CREATE TRIGGER dsp_patient_documents_delete AFTER DELETE ON dsp_documents BEGIN
        DELETE FROM dsp_patient_documents
          WHERE patient_id = old.patient_id AND author = coalesce(old.author, '') AND documents = 1;
        UPDATE dsp_patient_documents SET documents = documents - 1
          WHERE patient_id = old.patient_id AND author = coalesce(old.author, '');
      END;
      CREATE TRIGGER dsp_patient_documents_update AFTER UPDATE OF patient_id, author ON dsp_documents BEGIN
        DELETE FROM dsp_patient_documents
          WHERE patient_id = old.patient_id AND author = coalesce(old.author, '') AND documents = 1;
        UPDATE dsp_patient_documents SET documents = documents - 1
          WHERE patient_id = old.patient_id AND author = coalesce(old.author, '');
        INSERT INTO dsp_patient_documents (patient_id, author, documents) VALUES (new.patient_id, coalesce(new.author, ''), 1)
          ON CONFLICT (patient_id, author) DO UPDATE SET documents = documents + 1;
      END;
      INSERT INTO dsp_patient_documents (patient_id, author, documents)
        SELECT patient_id, coalesce(author, ''), count(*) FROM dsp_documents GROUP BY patient_id, coalesce(author, '');

      CREATE TABLE dsp_access (
        consent_id TEXT NOT NULL,
        actor      TEXT NOT NULL,
        patient_id TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('referent', 'trust-circle', 'presence-code')),
        until      TEXT,
        PRIMARY KEY (consent_id, actor)
      ) WITHOUT ROWID;
      CREATE INDEX dsp_access_by_actor ON dsp_access (actor, patient_id, kind, until);

      CREATE TABLE dsp_patient_cards (
        patient_id TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        matricule  TEXT,
        birth_date TEXT
      ) WITHOUT ROWID;
    `);
    const insertAccess = db.prepare('INSERT INTO dsp_access (consent_id, actor, patient_id, kind, until) VALUES (?, ?, ?, ?, ?)');
    const insertCard = db.prepare('INSERT INTO dsp_patient_cards (patient_id, name, matricule, birth_date) VALUES (?, ?, ?, ?)');
    const cached = db.prepare<[string], { id: string; json: string }>(
      'SELECT id, json FROM resources WHERE type = ? AND deleted = 0 AND json IS NOT NULL',
    );
    for (const { id, json } of cached.all('Consent')) {
      for (const a of dspAccessRowsOf(id, JSON.parse(json) as Consent))
        insertAccess.run(a.consentId, a.actor, a.patientId, a.kind, a.until);
    }
    for (const { id, json } of cached.all('Patient')) {
      const card = dspPatientCardOf(id, JSON.parse(json) as Patient);
      insertCard.run(card.patientId, card.name, card.matricule, card.birthDate);
    }
  },
};
