/**
 * `GET /fhir/$changes?cursor=C&_count=N`: the sync feed (ARCHITECTURE §6). The latest version of
 * every resource in the caller's scope committed after the cursor, in commit order, as a `history`
 * Bundle whose extensions carry the next cursor and whether more is waiting.
 */
import { CHANGES_HAS_MORE_URL, CHANGES_NEXT_CURSOR_URL } from '../../../src-shared/domain/fhir-sync';
import { changeScope } from '../access/change-scope';
import { patientsOf } from '../access/access-rules';
import { messageOfBinary } from '../access/message-audience';
import { checkCursorIsCurrent, decodeCursor, encodeCursor } from '../fhir/changes-cursor';
import { badRequest, unauthorized } from '../fhir/fhir-error';
import { resourceTypeDef } from '../fhir/resource-types';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';
import { etagOf, type FhirResponse } from './fhir-response';
import type { RequestContext } from './request-context';

export const DEFAULT_CHANGES_PAGE = 100;
export const MAX_CHANGES_PAGE = 1000;

function changeEntry(row: StoredVersion, baseUrl: string): fhir4.BundleEntry {
  const url = `${row.type}/${row.id}`;
  return {
    fullUrl: `${baseUrl}/${url}`,
    ...(row.resource ? { resource: row.resource } : {}),
    request: { method: row.deleted ? 'DELETE' : 'PUT', url },
    response: { status: row.deleted ? '204' : row.versionId === 1 ? '201' : '200', etag: etagOf(row.versionId), lastModified: row.lastUpdated },
  };
}

function auditPage(ctx: RequestContext, rows: StoredVersion[]): void {
  const patients = new Set<string>();
  // Messages are audited by name (never content): who pulled which envelope and part.
  const messages: string[] = [];
  for (const row of rows) {
    const def = resourceTypeDef(row.type);
    if (def?.category === 'patient-data' && row.resource) for (const p of patientsOf(def, row.resource)) patients.add(p);
    if (row.resource && (row.type === 'Communication' || (row.type === 'Binary' && messageOfBinary(row.resource) !== undefined))) {
      messages.push(`${row.type}/${row.id}/_history/${row.versionId}`);
    }
  }
  if ((patients.size === 0 && messages.length === 0) || !ctx.principal) return;
  ctx.audit.enqueue({ principal: ctx.principal, interaction: 'history-instance', outcome: '0', entities: messages, patients: [...patients], query: '$changes', recorded: new Date().toISOString() });
}

export async function changesFeed(ctx: RequestContext, tx: StorageTx, epoch: string, query: URLSearchParams): Promise<FhirResponse> {
  if (!ctx.principal) throw unauthorized('authentication required: $changes is the feed of what the caller may see');
  let after = 0;
  let count = DEFAULT_CHANGES_PAGE;
  const seen = new Set<string>();
  const current = await tx.currentSequence();
  for (const [name, value] of query) {
    if (seen.has(name)) throw badRequest(`parameter ${name}: given more than once`);
    seen.add(name);
    if (name === 'cursor') {
      const cursor = decodeCursor(value);
      checkCursorIsCurrent(cursor, epoch, current);
      after = cursor.sequence;
    } else if (name === '_count') {
      if (!/^[1-9][0-9]{0,6}$/.test(value) || Number(value) > MAX_CHANGES_PAGE) throw badRequest(`parameter _count: must be between 1 and ${MAX_CHANGES_PAGE}`, undefined, 'value');
      count = Number(value);
    } else {
      throw badRequest(`parameter "${name}" is not supported by $changes (supported: cursor, _count)`, undefined, 'not-supported');
    }
  }
  const page = await tx.changes(changeScope(ctx.principal), after, count);
  const last = page.rows[page.rows.length - 1];
  // With nothing more in scope, the cursor jumps to the current sequence so the next pull starts there.
  const nextCursor = encodeCursor({ epoch, sequence: page.hasMore && last ? last.seq : current });
  auditPage(ctx, page.rows);
  const self = `${ctx.baseUrl}/$changes?${query.toString()}`;
  // The protocol puts the cursor on the Bundle itself (R4 gives Bundle no extension element; the
  // client contract in src-shared/domain/fhir-sync.ts is what both sides rely on).
  const bundle: fhir4.Bundle & { extension: fhir4.Extension[] } = {
    resourceType: 'Bundle',
    type: 'history',
    extension: [
      { url: CHANGES_NEXT_CURSOR_URL, valueString: nextCursor },
      { url: CHANGES_HAS_MORE_URL, valueBoolean: page.hasMore },
    ],
    link: [
      { relation: 'self', url: self },
      { relation: 'next', url: `${ctx.baseUrl}/$changes?cursor=${nextCursor}&_count=${count}` },
    ],
    entry: page.rows.map((row) => changeEntry(row, ctx.baseUrl)),
  };
  return { status: 200, headers: {}, body: bundle };
}
