/**
 * Issue 11, acceptance 2 — kill -9 during a flush of 200 doses: 0 lost, 0 twice.
 *
 * The nurse records the 200 doses of one prescription offline (each acknowledged once its record call returned),
 * and the sync flushes them in batch Bundles. Each launch of tests/fault/support/care-dose-runner.ts records its
 * share and is parked on a phase signal — while recording, or inside the flush (a request about to leave, answered
 * but not recorded, an acknowledgement not yet committed, one settled) — and killed there with SIGKILL; no timer
 * decides where. A last launch records the rest and runs to the end.
 * Every acknowledged dose is then on the platform exactly once — at its deterministic id, version 1 (a second
 * record of a dose would be a new version or a conflict) — and the cache holds no pending write and no conflict.
 */
import { resolve } from 'node:path';
import type { Bundle, MedicationAdministration, MedicationRequest } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../../src-main/core/platform-client';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { tempDir } from '../../fixtures/temp-dirs';
import type { ParkTarget } from '../support/phase-signals';
import { startRunner, type RunnerLine } from '../support/runner-process';

const RUNNER = resolve(import.meta.dirname, '../support/care-dose-runner.ts');
const DOSES = 200;
const REQUEST = 'fault-round-metformin';
const FROM = '2026-01-05T00:00:00Z';
/**
 * Where the launches are killed, in turn (counted after each launch's start-up sync): the first while the doses are
 * being recorded, the others inside the flush — a request about to leave, answered mid-batch but not recorded, an
 * acknowledgement inside its uncommitted transaction, an operation settled.
 */
const KILLS: ParkTarget[] = [
  { point: 'write:uncommitted', occurrence: 30 },
  { point: 'push:answered', occurrence: 35 },
  { point: 'push:ack-uncommitted', occurrence: 20 },
  { point: 'push:request', occurrence: 10 },
  { point: 'push:op-acked', occurrence: 25 },
];
/** Each killed launch records this many new doses (the last one all that are left), then flushes its outbox. */
const PER_LAUNCH = 40;

let platform: TestPlatform;
const clientDir = tempDir('desk-care-sigkill-');
const acked = new Set<string>();
const landed: string[] = [];
let final: { code: number | null; lines: RunnerLine[]; stderr: string };

/** One launch of the runner, killed once it parks (or idles); what it printed and how it ended. */
async function launch(parkAt?: ParkTarget, isFinal = false) {
  const runner = startRunner({
    script: RUNNER,
    url: platform.url,
    dataDir: clientDir,
    final: isFinal,
    ...(parkAt ? { parkAt } : {}),
    extra: ['--request', REQUEST, '--from', FROM, '--doses', String(DOSES), '--per-launch', String(PER_LAUNCH)],
  });
  runner.onLine(({ kind, rest }) => {
    if (kind === 'ACK') acked.add(rest);
    if (kind === 'PARKED' || kind === 'IDLE') runner.kill();
  });
  return { ...(await runner.exited), lines: runner.lines };
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  // The prescription: metformin every 2 hours for the demo patient, whom the demo nurse cares for.
  const nurse = demoAccount('nurse');
  const client = new PlatformClient({ fhirBaseUrl: platform.url, timeoutMs: 20_000 });
  await client.login(nurse.identifier, nurse.password, nurse.otp);
  const request: MedicationRequest = {
    resourceType: 'MedicationRequest',
    id: REQUEST,
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/demo-patient' },
    medicationCodeableConcept: { text: 'Metformine 500 mg' },
    authoredOn: FROM,
    dosageInstruction: [
      { text: '1 comprimé', timing: { repeat: { frequency: 1, period: 2, periodUnit: 'h', boundsPeriod: { start: FROM } } } },
    ],
  };
  await client.write({
    method: 'PUT',
    url: `MedicationRequest/${REQUEST}`,
    body: request,
    ifMatch: null,
    opId: 'fault-setup-request',
  });
  for (const target of KILLS) {
    const run = await launch(target);
    if (run.signal !== 'SIGKILL') throw new Error(`a launch ended without being killed (${run.code}): ${run.stderr}`);
    landed.push(run.lines.find((l) => l.kind === 'PARKED')?.rest ?? 'missed');
  }
  const last = await launch(undefined, true);
  final = { code: last.code, lines: last.lines, stderr: last.stderr };
}, 600_000);

afterAll(async () => {
  await platform?.stop();
});

async function platformDoses(): Promise<MedicationAdministration[]> {
  const nurse = demoAccount('nurse');
  const client = new PlatformClient({ fhirBaseUrl: platform.url, timeoutMs: 20_000 });
  await client.login(nurse.identifier, nurse.password, nurse.otp);
  const found: MedicationAdministration[] = [];
  let page = await client.get<Bundle>(`MedicationAdministration?request=MedicationRequest/${REQUEST}&_count=100`);
  for (;;) {
    found.push(...(page.entry ?? []).map((e) => e.resource as MedicationAdministration));
    const next = page.link?.find((l) => l.relation === 'next')?.url;
    if (!next) return found;
    page = await client.get<Bundle>(next.slice(next.indexOf('/fhir/') + '/fhir/'.length));
  }
}

describe('kill -9 during a flush of 200 doses (nothing lost, nothing twice)', () => {
  it('each launch was killed exactly at the point aimed at', () => {
    expect(landed).toEqual(KILLS.map((k) => `${k.point} ${k.occurrence}`));
  });

  it('the last launch empties the outbox without a conflict', () => {
    expect(final.code, final.stderr).toBe(0);
    const done = final.lines.find((l) => l.kind === 'DONE');
    expect(done && JSON.parse(done.rest)).toEqual({ pending: 0, conflicts: 0 });
  });

  it('all 200 doses were acknowledged, and each is on the platform once, at its dose id, recorded once', async () => {
    expect(acked.size).toBe(DOSES);
    const doses = await platformDoses();
    expect(doses).toHaveLength(DOSES);
    expect(new Set(doses.map((d) => d.id))).toEqual(acked);
    expect(doses.filter((d) => d.meta?.versionId !== '1').map((d) => d.id)).toEqual([]);
  });
});
