/**
 * A care photo's bytes on every way in (issue 10 with issue 11): `GET /fhir/Binary/<id>` as JSON, its bytes
 * whole (Accept: application/octet-stream) and a range of them, for every demo account — each kind of
 * account there is (GP, specialists, nurses, care aide, planner, secretary, administrators, patients,
 * editor) — and each seeded wound photo (the home-care network's patient, the care home's resident).
 *
 * The bytes answer exactly as the JSON read of the same Binary does (the care relationship decides, through
 * the photo's securityContext): allowed → 200 with the photo's bytes under its hash as ETag, and 206 with
 * the bytes of the range; refused → the same status, no byte of the photo and no hash in any header. For
 * the callers the care matrix describes, that status is the care relationship's. Each of the three
 * requests is one AuditEvent naming the caller and the photo, whatever the answer.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobOf } from '../../../src-shared/domain/attachments';
import { DEMO_ACCOUNTS } from '../../../src-main/platform';
import { storedAuditEvents } from '../../fixtures/test-storage';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { download } from '../platform-blobs/blob-harness';
import { pull, type Json } from './care-harness';

/** The patients with a seeded wound photo (demo-care.ts): one of the home-care network's, one of the care home's. */
const PHOTO_OF = { network: 'Patient/hc-patient-2', carehome: 'Patient/ch-resident-1' } as const;
type Place = keyof typeof PHOTO_OF;
/** The care matrix's callers (care-access.matrix.test.ts) and whether they hold a care relationship with each place. */
const CARES: Record<string, Record<Place, boolean>> = {
  'demo.nurse': { network: true, carehome: false },
  'demo.nurse2': { network: true, carehome: false },
  'demo.carenurse': { network: false, carehome: true },
  'demo.careaide': { network: false, carehome: true },
  'demo.planner': { network: false, carehome: false },
  'demo.admin': { network: false, carehome: false },
  'demo.specialist': { network: false, carehome: false },
};
const CARER: Record<Place, string> = { network: 'demo.nurse', carehome: 'demo.carenurse' };

let env: TestPlatform;
const photos = {} as Record<Place, { id: string; bytes: Buffer; sha256: string }>;
let logBefore = new Set<string>();

beforeAll(async () => {
  env = await startTestPlatform({ patients: 3, docsPerPatient: 1 });
  for (const place of Object.keys(PHOTO_OF) as Place[]) {
    const token = await env.loginAs(CARER[place]);
    const { entries } = await pull(env, token);
    const binary = entries
      .map((e: Json) => e.resource)
      .find((r: Json) => r?.resourceType === 'Binary' && r.securityContext?.reference === PHOTO_OF[place]);
    expect(binary, `a seeded wound photo of ${PHOTO_OF[place]}`).toBeDefined();
    const blob = blobOf(binary)!;
    const got = await download(env, token, binary.id);
    expect(got.status).toBe(200);
    expect(createHash('sha256').update(got.bytes).digest('hex')).toBe(blob.sha256);
    photos[place] = { id: binary.id, bytes: got.bytes, sha256: blob.sha256 };
  }
  logBefore = new Set((await storedAuditEvents(env.dataDir)).map((e) => e.id!));
});
afterAll(() => env?.stop().catch(() => undefined));

/** An allowed read names the version it served ("Binary/<id>/_history/1"), a refusal the resource. */
const namesPhoto = (reference: string | undefined, id: string) =>
  reference === `Binary/${id}` || (reference ?? '').startsWith(`Binary/${id}/_history/`);
const userRefOf = (identifier: string) => DEMO_ACCOUNTS.find((a) => a.identifier === identifier)!.userRef;
const cells = DEMO_ACCOUNTS.flatMap((account) =>
  (Object.keys(PHOTO_OF) as Place[]).map((place) => ({ who: account.identifier, place })),
);

describe('a care photo: its JSON, its bytes and a range of them answer alike, for every account', () => {
  it.each(cells)('$who → $place photo', async ({ who, place }) => {
    const token = await env.loginAs(who);
    const photo = photos[place];
    const json = await env.request('GET', `/fhir/Binary/${photo.id}`, { token });
    const whole = await download(env, token, photo.id);
    const range = await download(env, token, photo.id, { range: 'bytes=1-9' });
    if (CARES[who]) expect(json.status, 'the care relationship decides').toBe(CARES[who][place] ? 200 : 403);
    expect([200, 403]).toContain(json.status);
    expect(whole.status).toBe(json.status);
    if (json.status === 200) {
      expect(whole.bytes.equals(photo.bytes)).toBe(true);
      expect(whole.headers.get('etag')).toBe(`"${photo.sha256}"`);
      expect(range.status).toBe(206);
      expect(range.headers.get('content-range')).toBe(`bytes 1-9/${photo.bytes.length}`);
      expect(range.bytes.equals(photo.bytes.subarray(1, 10))).toBe(true);
    } else {
      expect(range.status).toBe(json.status);
      for (const refused of [whole, range]) {
        expect(refused.json?.resourceType).toBe('OperationOutcome');
        expect(refused.bytes.includes(photo.bytes.subarray(0, 16))).toBe(false);
        expect([...refused.headers.values()].some((value) => value.includes(photo.sha256))).toBe(false);
      }
    }
  });

  it('every one of those requests is one AuditEvent naming its caller and the photo', async () => {
    const events = (await storedAuditEvents(env.dataDir)).filter((e) => !logBefore.has(e.id!));
    for (const { who, place } of cells) {
      const about = events.filter(
        (e) =>
          e.agent.some((a) => a.who?.reference === userRefOf(who)) &&
          (e.entity ?? []).some((entity) => namesPhoto(entity.what?.reference, photos[place].id)),
      );
      expect(about.length, `${who} → ${place}`).toBe(3);
    }
    // Both answers occur, so the matrix compares something.
    const outcomes = new Set(events.map((e) => e.outcome));
    expect(outcomes.has('0') && outcomes.has('4')).toBe(true);
  });
});
