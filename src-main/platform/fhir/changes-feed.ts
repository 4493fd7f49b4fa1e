/**
 * `GET /fhir/$changes?cursor=C&_count=N`: the sync feed (ARCHITECTURE §6). The latest version of
 * every resource in the caller's scope committed after the cursor, in commit order, as a `history`
 * Bundle whose extensions carry the next cursor and whether more is waiting.
 */
import { CHANGES_HAS_MORE_URL, CHANGES_NEXT_CURSOR_URL } from '../../../src-shared/domain/fhir-sync';
import { changeScope } from '../policy/change-scope';
import { patientsOf } from '../policy/access-rules';
import { messageOfBinary } from '../messaging/message-audience';
import { checkCursorIsCurrent, decodeCursor, encodeCursor } from './changes-cursor';
import { badRequest, unauthorized } from './fhir-error';
import { resourceTypeDef } from './resource-types';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';
import { etagOf, type FhirResponse } from './fhir-response';
import type { RequestContext } from './request-context';
import { DSP_REVOKED_URL, metadataOnly } from '../dsp/dsp-consents';
import { DspGate, dspPatientsOf, isDspType } from '../dsp/dsp-access';
import { dspFilter } from './resource-reads';
import type { DspChange } from '../storage/platform-storage';

export const DEFAULT_CHANGES_PAGE = 100;
export const MAX_CHANGES_PAGE = 1000;

function changeEntry(row: StoredVersion, baseUrl: string): fhir4.BundleEntry {
  const url = `${row.type}/${row.id}`;
  return {
    fullUrl: `${baseUrl}/${url}`,
    ...(row.resource ? { resource: row.resource } : {}),
    request: { method: row.deleted ? 'DELETE' : 'PUT', url },
    response: {
      status: row.deleted ? '204' : row.versionId === 1 ? '201' : '200',
      etag: etagOf(row.versionId),
      lastModified: row.lastUpdated,
    },
  };
}

function auditPage(ctx: RequestContext, rows: StoredVersion[]): void {
  const patients = new Set<string>();
  // Messages are audited by name (never content): who pulled which envelope and part.
  const messages: string[] = [];
  for (const row of rows) {
    const def = resourceTypeDef(row.type);
    if (def?.category === 'patient-data' && row.resource) for (const p of patientsOf(def, row.resource)) patients.add(p);
    if (
      row.resource &&
      (row.type === 'Communication' || (row.type === 'Binary' && messageOfBinary(row.resource) !== undefined))
    ) {
      messages.push(`${row.type}/${row.id}/_history/${row.versionId}`);
    }
  }
  if ((patients.size === 0 && messages.length === 0) || !ctx.principal) return;
  ctx.audit.enqueue({
    principal: ctx.principal,
    interaction: 'history-instance',
    outcome: '0',
    entities: messages,
    patients: [...patients],
    query: '$changes',
    recorded: new Date().toISOString(),
  });
}

export async function changesFeed(
  ctx: RequestContext,
  tx: StorageTx,
  epoch: string,
  query: URLSearchParams,
): Promise<FhirResponse> {
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
      if (!/^[1-9][0-9]{0,6}$/.test(value) || Number(value) > MAX_CHANGES_PAGE)
        throw badRequest(`parameter _count: must be between 1 and ${MAX_CHANGES_PAGE}`, undefined, 'value');
      count = Number(value);
    } else {
      throw badRequest(
        `parameter "${name}" is not supported by $changes (supported: cursor, _count)`,
        undefined,
        'not-supported',
      );
    }
  }
  const page = await tx.changes(changeScope(ctx.principal, await dspPatientsOf(tx, ctx.principal)), after, count);
  const last = page.rows[page.rows.length - 1];
  // With nothing more in scope, the cursor jumps to the current sequence so the next pull starts there.
  const upTo = page.hasMore && last ? last.seq : current;
  const nextCursor = encodeCursor({ epoch, sequence: upTo });
  const others = page.rows.filter((row) => !isDspType(row.type));
  auditPage(ctx, others);
  // DSP documents pass the decision table one by one (audited there); refused ones are left out.
  const visible = new Map(
    (
      await dspFilter(
        ctx,
        tx,
        page.rows.filter((row) => isDspType(row.type)),
        '$changes',
        'history-instance',
      )
    ).map((row) => [row.seq, row]),
  );
  const rows = page.rows.flatMap((row) => (!isDspType(row.type) ? [row] : visible.has(row.seq) ? [visible.get(row.seq)!] : []));
  // Rights gained and lost since the cursor (a fresh snapshot already holds exactly what is visible).
  const dspChanges = after > 0 ? await tx.dspChanges(ctx.principal.userRef, after, upTo) : [];
  const entries = await mergeDspChanges(ctx, tx, rows, dspChanges);
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
    entry: entries,
  };
  return { status: 200, headers: {}, body: bundle };
}

/** A revocation: the user may no longer see this document (or its Binary); the client purges its copy. */
function revocationEntry(change: DspChange, current: StoredVersion | undefined, baseUrl: string): fhir4.BundleEntry {
  const url = `${change.type}/${change.id}`;
  return {
    fullUrl: `${baseUrl}/${url}`,
    extension: [{ url: DSP_REVOKED_URL, valueCode: 'revoked' }],
    request: { method: 'DELETE', url },
    response: {
      status: '403',
      ...(current ? { etag: etagOf(current.versionId), lastModified: current.lastUpdated } : {}),
      outcome: {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'information',
            code: 'suppressed',
            diagnostics: `revoked: ${url} is no longer visible to you in this DSP; delete your copy`,
          },
        ],
      },
    },
  };
}

/**
 * Merges the user's DSP grants and revocations into the page in commit order: a revocation becomes a
 * DELETE entry; a grant re-sends the current version if the user may still see it.
 */
async function mergeDspChanges(
  ctx: RequestContext,
  tx: StorageTx,
  rows: StoredVersion[],
  changes: DspChange[],
): Promise<fhir4.BundleEntry[]> {
  const items: Array<{ seq: number; entry: fhir4.BundleEntry }> = rows.map((row) => ({
    seq: row.seq,
    entry: changeEntry(row, ctx.baseUrl),
  }));
  const gate = new DspGate(tx, ctx.principal);
  const inPage = new Set(rows.map((row) => `${row.type}/${row.id}`));
  for (const change of changes) {
    // A grant whose document is already in the page (e.g. unhidden: a new version) needs no second entry.
    if (change.kind === 'grant' && inPage.has(`${change.type}/${change.id}`)) continue;
    const current = await tx.current(change.type, change.id);
    if (change.kind === 'revoke') {
      items.push({ seq: change.seq, entry: revocationEntry(change, current, ctx.baseUrl) });
      continue;
    }
    if (!current?.resource) continue;
    const dsp = await gate.decideRead(current);
    if (!dsp || dsp === 'orphan' || !dsp.decision.allowed) continue;
    if (dsp.decision.grant === 'metadata-only' && current.type === 'Binary') continue;
    const shown = dsp.decision.grant === 'metadata-only' ? { ...current, resource: metadataOnly(current.resource) } : current;
    items.push({ seq: change.seq, entry: changeEntry(shown, ctx.baseUrl) });
  }
  // Stable: a row and the changes recorded with it keep their order (the row first).
  return items
    .map((item, index) => ({ ...item, index }))
    .sort((a, b) => a.seq - b.seq || a.index - b.index)
    .map((item) => item.entry);
}
