/**
 * Threat: a physician the coordinator removes from a tumour board keeps the board's agenda and every case
 * dossier of it on their laptop. The platform refused their reads at once, but `$changes` said nothing when
 * the seat was taken away, so the cached agenda, questions, diagnoses and stagings stayed readable offline
 * (ARCHITECTURE §5: losing sight of a record purges it at the next sync).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVOKED_EXTENSION_URL } from '../../../src-shared/domain/fhir-sync';
import { RCP_DEMO } from '../../../src-main/platform/seed/demo-rcp';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { must, pull, type Json } from '../platform-care/care-harness';

let env: TestPlatform;
let radiologist: string;
let coordinator: string;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 3, docsPerPatient: 1 });
  [radiologist, coordinator] = await Promise.all([env.loginAs('demo.radiologist'), env.loginAs('demo.secretary')]);
});
afterAll(async () => env?.stop());

const urls = (entries: Json[], method: string) =>
  entries.filter((e) => e.request.method === method).map((e) => e.request.url as string);

/** The records of the upcoming meeting's agenda a member holds: the agenda and each case's dossier. */
const upcomingBoard = (held: string[]) =>
  held.filter(
    (url) =>
      url === `List/${RCP_DEMO.upcomingAgenda}` || /^(Task|Condition|Observation|CarePlan)\/rcp-demo-case-(?!past)/.test(url),
  );

describe('removed from a tumour board', () => {
  it('the next sync revokes the agenda and the dossiers of that board, and nothing else', async () => {
    const first = await pull(env, radiologist);
    const held = upcomingBoard(urls(first.entries, 'PUT'));
    expect(held).toContain(`List/${RCP_DEMO.upcomingAgenda}`);
    expect(held).toContain(`Task/${RCP_DEMO.demoPatientCase}`);
    expect(held).toContain(`Condition/${RCP_DEMO.demoPatientCase}-condition`);
    const pastDossier = `Task/${RCP_DEMO.pastCase}`;
    expect(urls(first.entries, 'PUT')).toContain(pastDossier);

    const board = await must(env, coordinator, 'GET', `/fhir/Appointment/${RCP_DEMO.upcomingMeeting}`);
    const seatless = {
      ...board,
      participant: board.participant.filter((p: Json) => p.actor?.reference !== 'Practitioner/demo-radiologist'),
    };
    await must(env, coordinator, 'PUT', `/fhir/Appointment/${RCP_DEMO.upcomingMeeting}`, seatless, {
      'If-Match': `W/"${board.meta.versionId}"`,
    });

    const next = await pull(env, radiologist, first.cursor);
    const revoked = next.entries.filter((e: Json) => e.request.method === 'DELETE');
    expect(urls(revoked, 'DELETE').sort()).toEqual([...held].sort());
    for (const entry of revoked) expect(entry.extension).toEqual([{ url: REVOKED_EXTENSION_URL, valueCode: 'revoked' }]);
    // Still a member of the past meeting: that dossier stays; still a physician: the calendar's meeting record stays.
    expect(urls(next.entries, 'DELETE')).not.toContain(pastDossier);
    expect(urls(next.entries, 'DELETE')).not.toContain(`Appointment/${RCP_DEMO.upcomingMeeting}`);
    expect((await env.request('GET', `/fhir/List/${RCP_DEMO.upcomingAgenda}`, { token: radiologist })).status).toBe(403);
    // Said once: the page after repeats nothing.
    const quiet = await pull(env, radiologist, next.cursor);
    expect(urls(quiet.entries, 'DELETE')).toEqual([]);

    // Given the seat back: the records written long before the cursor come again.
    const now = await must(env, coordinator, 'GET', `/fhir/Appointment/${RCP_DEMO.upcomingMeeting}`);
    await must(env, coordinator, 'PUT', `/fhir/Appointment/${RCP_DEMO.upcomingMeeting}`, board, {
      'If-Match': `W/"${now.meta.versionId}"`,
    });
    const regained = await pull(env, radiologist, quiet.cursor);
    expect(upcomingBoard(urls(regained.entries, 'PUT')).sort()).toEqual([...held].sort());
  });
});
