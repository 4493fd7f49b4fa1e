/**
 * Bench child: a platform whose database holds, before it starts, the DSPs of many patients whose
 * médecin référent is the demo GP — `--patients N` patients with `--docs-per-patient D`
 * DocumentReferences each, plus `Patient/bench-dsp-big` with `--big D` documents. Per patient: the
 * Patient, its référent Consent (`Consent/dsp-<patient>-ref`, actor Practitioner/demo-gp, created by the
 * patient, as the seed writes it) and its documents (created by their author, a demo professional), all
 * appended through the platform's storage API with the seed's validation and indexing (the governing policy's index rows too).
 * The usual demo seed (directory, demo patient) is added by startPlatform on top.
 *
 * argv: --data-dir DIR --patients N --docs-per-patient D --big D
 * IPC: sends { type: 'listening', url, seeded } once serving; exits on SIGTERM or when the parent goes away.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATABASE_FILE, startPlatform } from '../../../src-main/platform';
import { buildConsent, consentId } from '../../../src-main/platform/dsp/dsp-consents';
import { SYSTEM_AUTHOR } from '../../../src-main/platform/policy/principal';
import { resourceTypeDef } from '../../../src-main/platform/fhir/resource-types';
import { validateResource } from '../../../src-main/platform/fhir/validation';
import { buildPolicyRegistry } from '../../../src-main/platform/policies';
import type { NewVersion } from '../../../src-main/platform/storage/platform-storage';
import { SqliteStorage } from '../../../src-main/platform/storage/sqlite-storage';
import { serveUntilParentLeaves } from './child';
import { DSP_BIG_PATIENT, DSP_GP, dspBenchDocument, dspBenchPatient } from './dsp-resources';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    patients: { type: 'string', default: '0' },
    'docs-per-patient': { type: 'string', default: '25' },
    big: { type: 'string', default: '500' },
  },
});
const dataDir = values['data-dir']!;
const patients = Number(values.patients);
const docsPerPatient = Number(values['docs-per-patient']);
const big = Number(values.big);
const BATCH = 5000;
const policies = buildPolicyRegistry({ presenceCodeTtlSeconds: 3600 });

function* items(): Generator<{ resource: fhir4.FhirResource & { id: string }; createdBy: string }> {
  const dateTime = new Date(Date.UTC(2025, 0, 1)).toISOString();
  let n = 0;
  const ids = [DSP_BIG_PATIENT, ...Array.from({ length: patients }, (_, p) => `bench-dsp-${String(p + 1).padStart(6, '0')}`)];
  for (const [p, patientId] of ids.entries()) {
    yield { resource: dspBenchPatient(patientId, p), createdBy: SYSTEM_AUTHOR };
    yield {
      createdBy: `Patient/${patientId}`,
      resource: buildConsent({
        id: consentId('referent', patientId),
        kind: 'referent',
        patientRef: `Patient/${patientId}`,
        active: true,
        actorRef: DSP_GP,
        dateTime,
      }) as fhir4.Consent & { id: string },
    };
    const count = patientId === DSP_BIG_PATIENT ? big : docsPerPatient;
    for (let d = 0; d < count; d++) {
      const doc = dspBenchDocument(n++, patientId, d);
      yield { resource: doc, createdBy: doc.author![0]!.reference! };
    }
  }
}

async function seedDsp(): Promise<number> {
  const storage = new SqliteStorage(join(dataDir, DATABASE_FILE));
  let written = 0;
  try {
    const now = new Date().toISOString();
    let batch: NewVersion[] = [];
    const flush = async () => {
      const versions = batch;
      batch = [];
      await storage.write(async (tx) => {
        for (const version of versions) await tx.append(version);
      });
      written += versions.length;
    };
    for (const item of items()) {
      const def = resourceTypeDef(item.resource.resourceType)!;
      const resource = { ...item.resource, meta: { versionId: '1', lastUpdated: now } };
      const { index } = validateResource(def, resource);
      index.references.push(
        ...(policies.forResource(def.type, resource as never).indexEntries?.(def, resource, new Map()) ?? []),
      );
      batch.push({
        type: def.type,
        id: resource.id,
        versionId: 1,
        lastUpdated: now,
        author: item.createdBy,
        createdBy: item.createdBy,
        resource,
        index,
      });
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  } finally {
    await storage.close();
  }
  return written;
}

serveUntilParentLeaves('bench dsp platform', async () => {
  const seeded = await seedDsp();
  // The demo directory (names of authors and organisations), no generated patients of its own.
  const platform = await startPlatform({ port: 0, dataDir, seed: 'demo', patients: 0, docsPerPatient: 0 });
  process.send?.({ type: 'listening', url: platform.url, seeded });
  return platform;
});
