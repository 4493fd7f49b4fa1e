/** Reading the platform's access log straight from its storage (after stop: the read events are flushed then). */
import { storedAuditEvents } from '../../fixtures/test-storage';
import type { Json, TestPlatform } from '../platform/platform-harness';

export async function auditEventsAfterStop(env: TestPlatform): Promise<Json[]> {
  await env.platform.stop();
  return storedAuditEvents(env.dataDir);
}

/** A new edition of a library document with its PDF, as one transaction (what an editor's client sends). */
export function publication(id: string, options: { replaces?: string; theme?: string; title?: string } = {}): Json {
  const pdf = Buffer.from('%PDF-1.4\n% test edition\n%%EOF\n').toString('base64');
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        request: { method: 'PUT', url: `Binary/${id}-pdf` },
        resource: {
          resourceType: 'Binary',
          id: `${id}-pdf`,
          contentType: 'application/pdf',
          securityContext: { reference: `Library/${id}` },
          data: pdf,
        },
      },
      {
        request: { method: 'PUT', url: `Library/${id}` },
        resource: {
          resourceType: 'Library',
          id,
          status: 'active',
          title: options.title ?? 'Document de test',
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/library-type', code: 'asset-collection' }] },
          topic: [{ coding: [{ system: 'https://esante.lu/fhir/CodeSystem/library-theme', code: options.theme ?? 'hygiene' }] }],
          ...(options.replaces ? { relatedArtifact: [{ type: 'predecessor', resource: `Library/${options.replaces}` }] } : {}),
          content: [{ contentType: 'application/pdf', url: `Binary/${id}-pdf` }],
        },
      },
    ],
  };
}
