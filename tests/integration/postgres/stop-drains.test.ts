/**
 * Stopping an instance under load (issue 14): a request whose client has gone (a load generator's last
 * requests, a closed laptop) is still being handled when `stop()` closes the server — closing waits for
 * connections, not for such a handler. It used to meet a connection pool already ended: a 500 ("Cannot
 * use a pool after calling end on the pool") and whatever it still had to write was lost. `stop()` now
 * drains the handlers before the storage closes.
 *
 * The phases are signalled, not timed: the request is held inside its write by an advisory lock this
 * test holds (the operation id's, PostgresTx.lockFor), the test sees it waiting in pg_locks, lets its
 * client go, calls stop(), sees the server refuse new connections, and only then releases the lock. The
 * request is then refused (the GP has no care relationship with that patient), and that refusal must
 * reach the access log: an audit event written in a transaction of its own, after the request's own was
 * rolled back — on a new connection from the pool.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { OPERATION_ID_HEADER } from '../../../src-shared/domain/fhir-sync';
import { storedAuditEvents, testStorageOption } from '../../fixtures/test-storage';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

let platform: TestPlatform | undefined;
let holder: pg.Client | undefined;

afterEach(async () => {
  await holder?.end();
  await platform?.stop();
});

/** Waits for a condition the system under test signals (no fixed delay decides the outcome). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

const observation = (patient: string) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: '2025-01-01T08:00:00Z',
  valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});

it('a request in flight when the instance stops is finished, and its refusal recorded, before the storage closes', async () => {
  platform = await startTestPlatform();
  const token = await platform.login('gp');
  // The refusal this request will meet, shown on a request of its own first.
  const refused = await platform.request('POST', '/fhir/Observation', { token, body: observation('pat-000001') });
  expect(refused.status).toBe(403);
  const before = (await storedAuditEventsOf(platform)).length;

  holder = new pg.Client({ connectionString: (await testStorageOption(platform.dataDir)).storage! });
  await holder.connect();
  const operationId = randomUUID();
  const key = `operation:${operationId}`;
  await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
  const client = new AbortController();
  const sent = fetch(`${platform.url}/Observation`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', [OPERATION_ID_HEADER]: operationId },
    body: JSON.stringify(observation('pat-000001')),
    signal: client.signal,
  }).then(
    () => 'answered',
    () => 'gone',
  );
  // Phase 1: the request waits inside its write for the operation id, which this test holds.
  await until(
    async () =>
      (await holder!.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"))
        .rows[0]!.n === 1,
  );
  client.abort();
  expect(await sent).toBe('gone');

  const stopping = platform.platform.stop();
  // Phase 2: the server takes no new connection; the request whose client left is still being handled.
  await until(() =>
    fetch(`${platform!.url}/metadata`).then(
      () => false,
      () => true,
    ),
  );
  expect(platform.platform.requestsInFlight()).toBe(1);

  await holder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
  await stopping;
  expect(platform.platform.requestsInFlight()).toBe(0);
  // The second refusal reached the access log: written after the drain, before the pool ended.
  const events = await storedAuditEventsOf(platform);
  expect(events.length).toBe(before + 1);
  expect(events.at(-1)).toMatchObject({ outcome: '4' });
});

async function storedAuditEventsOf(test: TestPlatform): Promise<fhir4.AuditEvent[]> {
  return (await storedAuditEvents(test.dataDir)).filter(
    (event) => event.outcome === '4' && JSON.stringify(event.entity).includes('Observation'),
  );
}
