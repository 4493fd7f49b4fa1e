/**
 * The document library's registration (issue 13): public documents (FHIR Library) and their files
 * (Binaries whose securityContext is the Library). This is the platform's one narrow exception to
 * "every request needs a token": a Library, and a Binary a Library names, are read by anyone (the
 * pipeline rate-limits anonymous reads, http/anonymous-reads.ts); every other type keeps its own gate,
 * so a DSP document's Binary still answers 401 without a token. Only the platform's editors publish.
 */
import { DESK_ROLE_SYSTEM } from '../../../src-shared/domain/directory';
import {
  LIBRARY_EDITOR_ROLE_CODE,
  LIBRARY_PUBLISHER_ORGANIZATION,
  libraryFiles,
  libraryOfBinary,
  MAX_LIBRARY_FILE_BYTES,
} from '../../../src-shared/domain/library';
import { badRequest, FhirError, forbidden, unprocessable } from '../fhir/fhir-error';
import { resourceTypeDef } from '../fhir/resource-types';
import { parseSearch } from '../fhir/search-query';
import type { WriteContext } from '../fhir/request-context';
import { appendValidated, auditWrite, stamp } from '../fhir/version-writer';
import type { PolicyRegistry } from '../policy/policy-registry';
import type { AuditNote, Json, ResourcePolicy, WriteIntent } from '../policy/resource-policy';
import type { StorageTx } from '../storage/platform-storage';

const PUBLIC_READ: AuditNote = { patients: [], rule: 'library: public document, readable without login' };
const PRACTITIONER_ROLE = resourceTypeDef('PractitionerRole')!;

/**
 * Whether `userRef` holds an active library-editor role at the publisher (the seeded editor account
 * has one). The organisation matters: any organisation's administrator may give roles at their own.
 */
export async function isLibraryEditor(tx: StorageTx, userRef: string): Promise<boolean> {
  if (!userRef.startsWith('Practitioner/')) return false;
  const request = parseSearch(
    PRACTITIONER_ROLE,
    new URLSearchParams({
      practitioner: userRef,
      organization: `Organization/${LIBRARY_PUBLISHER_ORGANIZATION}`,
      role: `${DESK_ROLE_SYSTEM}|${LIBRARY_EDITOR_ROLE_CODE}`,
      _count: '10',
    }),
  );
  const page = await tx.search(request, await tx.currentSequence());
  return page.rows.some((row) => {
    const role = row.resource as fhir4.PractitionerRole | null;
    return (
      role !== null && role.active !== false && role.organization?.reference === `Organization/${LIBRARY_PUBLISHER_ORGANIZATION}`
    );
  });
}

async function requireEditor(ctx: WriteContext, what: string): Promise<void> {
  if (!(await isLibraryEditor(ctx.tx, ctx.principal.userRef)))
    throw forbidden(`${what}: the library is published by the platform's editors only (${ctx.principal.userRef} is none)`);
}

/** A new edition's predecessor is marked superseded (retired) and linked to it, in the same transaction. */
async function supersedePredecessor(ctx: WriteContext, intent: WriteIntent): Promise<void> {
  const body = intent.body as fhir4.Library | undefined;
  const ref = body?.relatedArtifact?.find((r) => r.type === 'predecessor')?.resource;
  if (!ref) return;
  const id = ref.startsWith('Library/') ? ref.slice('Library/'.length) : undefined;
  const current = id ? await ctx.tx.current('Library', id) : undefined;
  if (!id || !current?.resource)
    throw unprocessable(`Library.relatedArtifact: predecessor ${ref} does not exist`, 'Library.relatedArtifact', 'not-found');
  if (id === intent.id)
    throw unprocessable('Library.relatedArtifact: a document cannot replace itself', 'Library.relatedArtifact');
  const old = current.resource as fhir4.Library;
  const successor = `Library/${intent.id}`;
  if (old.status === 'retired' && old.relatedArtifact?.some((r) => r.type === 'successor' && r.resource === successor)) return;
  const def = resourceTypeDef('Library')!;
  const next: fhir4.Library = {
    ...old,
    status: 'retired',
    relatedArtifact: [
      ...(old.relatedArtifact ?? []).filter((r) => r.type !== 'successor'),
      { type: 'successor', resource: successor },
    ],
  };
  const versionId = current.versionId + 1;
  const resource = stamp(next, id, versionId, ctx.now);
  const stored = await appendValidated(ctx, def, resource, versionId, current.createdBy, undefined);
  await auditWrite(ctx, def, 'update', stored, resource);
}

function checkFiles(library: Json): void {
  for (const [i, file] of libraryFiles(library as unknown as fhir4.Library).entries()) {
    if (file.contentType !== 'application/pdf')
      throw badRequest(
        `Library.content[${i}].contentType: a library file is a PDF (application/pdf), not ${String(file.contentType)}`,
        `Library.content[${i}].contentType`,
        'value',
      );
  }
}

const libraryPolicy: ResourcePolicy = {
  name: 'library-document',
  // Anyone, with or without a token: the library is public (rate-limited for anonymous callers).
  typeGate: () => ({ allowed: true }),
  read: async () => ({ allowed: true, audit: PUBLIC_READ }),
  write: async (ctx, intent) => {
    await requireEditor(ctx, `Library/${intent.id}`);
    if (intent.action === 'delete')
      throw new FhirError(405, {
        code: 'not-supported',
        diagnostics: `Library/${intent.id}: a published document is never deleted; publish a new edition naming it as predecessor (it is then marked superseded)`,
      });
    if (intent.body) checkFiles(intent.body);
    await supersedePredecessor(ctx, intent);
  },
};

const libraryFilePolicy: ResourcePolicy = {
  name: 'library-file',
  claims: (resource) => libraryOfBinary(resource as { securityContext?: { reference?: string } }) !== undefined,
  // Binary's type gate is its fallback's (a token needed): a file of a Library passes it on a read by id
  // only (policy/repository.ts gateType), never on a search.
  readableWithoutLogin: true,
  typeGate: () => ({ allowed: true }),
  read: async (scope, stored) => {
    const library = libraryOfBinary(stored.resource as { securityContext?: { reference?: string } });
    const owner = library ? await scope.tx.current('Library', library) : undefined;
    return owner?.resource ? { allowed: true, audit: PUBLIC_READ } : { allowed: false, status: 404, reason: 'not found' };
  },
  // Inline or as a blob, the bytes of a library file are held to this (blobs/binary-content.ts checks it).
  contentLimit: { bytes: MAX_LIBRARY_FILE_BYTES, rule: 'a library file (MAX_LIBRARY_FILE_BYTES)' },
  write: async (ctx, intent) => {
    await requireEditor(ctx, `Binary/${intent.id}`);
  },
};

export function registerLibrary(registry: PolicyRegistry): void {
  registry.register(['Library'], libraryPolicy);
  registry.register(['Binary'], libraryFilePolicy);
}
