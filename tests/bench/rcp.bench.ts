/**
 * Tumour-board bench (issue 12, acceptance 4). An encrypted client cache holding 50 meetings × 12 cases —
 * each case with its Condition, TNM, stage group and ECOG Observations and a proposal, the patients and
 * the board's physicians — stored as the sync stores them (the RCP index of migration 0160 included).
 * Then, on that cache: opening an agenda (the meeting with its 12 cases, staging and proposals, as the
 * meeting screen asks it) — p50 and p95 over random meetings, target p95 ≤ 20 ms — and generating the
 * minutes PDF of a meeting's 12 cases with pdf-lib.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FhirResource } from 'fhir/r4';
import { RcpBoard } from '../../src-main/core/rcp';
import { createStore } from '../../src-main/core/store';
import { LocalWrites } from '../../src-main/core/sync';
import {
  RCP_ALTERNATIVE_EXTENSION,
  RCP_CASE_EXTENSION,
  RCP_CODES,
  RCP_MEETING_EXTENSION,
  RCP_STAGING_CODES,
  RCP_SYSTEM,
  SPECIALTY_SYSTEM,
} from '../../src-shared/domain/rcp';
import type { BenchRow } from './bench-table';
import { latencies, median, percentile, rowsFor, timeMs } from './support/measure';

const SECTION = 'RCP';
const MEETINGS = 50;
const CASES = 12;
const OPENS = 500;
const MINUTES_RUNS = 10;
const ME = 'Practitioner/bench-oncologist';
const BOARD: Array<[string, string]> = [
  [ME, 'oncology'],
  ['Practitioner/bench-pathologist', 'pathology'],
  ['Practitioner/bench-surgeon', 'surgery'],
  ['Practitioner/bench-radiologist', 'radiology'],
];

const ref = (reference: string) => ({ reference });
const caseExt = (id: string) => ({ url: RCP_CASE_EXTENSION, valueReference: ref(`Task/${id}`) });
const meetingExt = (id: string) => ({ url: RCP_MEETING_EXTENSION, valueReference: ref(`Appointment/${id}`) });

/** The records of the bench's 50 meetings, as the platform would send them. */
function* boardRecords(now: number): Generator<FhirResource & { id: string }> {
  for (const [reference, specialty] of BOARD) {
    const id = reference.split('/')[1]!;
    yield {
      resourceType: 'Practitioner',
      id,
      name: [{ family: id.replace('bench-', '').toUpperCase(), given: ['Dr'] }],
      qualification: [{ code: { coding: [{ system: SPECIALTY_SYSTEM, code: specialty }] } }],
    };
  }
  for (let m = 0; m < MEETINGS; m++) {
    const meetingId = `bench-meeting-${m}`;
    const agendaId = `${meetingId}-agenda`;
    const start = new Date(now + (m - 25) * 7 * 86_400_000).toISOString();
    yield {
      resourceType: 'Appointment',
      id: meetingId,
      status: 'booked',
      serviceType: [{ coding: [{ system: RCP_SYSTEM, code: RCP_CODES.meeting }] }],
      description: `RCP bench ${m}`,
      start,
      supportingInformation: [ref(`List/${agendaId}`)],
      participant: [
        {
          actor: ref('Practitioner/bench-secretary'),
          type: [{ coding: [{ system: RCP_SYSTEM, code: 'coordinator' }] }],
          status: 'accepted',
        },
        ...BOARD.map(([actor]) => ({
          actor: ref(actor),
          type: [{ coding: [{ system: RCP_SYSTEM, code: 'member' }] }],
          status: 'accepted' as const,
        })),
      ],
    };
    const caseIds = Array.from({ length: CASES }, (_, c) => `${meetingId}-case-${c}`);
    yield {
      resourceType: 'List',
      id: agendaId,
      status: 'current',
      mode: 'working',
      code: { coding: [{ system: RCP_SYSTEM, code: RCP_CODES.agenda }] },
      extension: [meetingExt(meetingId)],
      entry: caseIds.map((id) => ({ item: ref(`Task/${id}`) })),
    };
    for (const [c, caseId] of caseIds.entries()) {
      const patient = `bench-patient-${m}-${c}`;
      yield {
        resourceType: 'Patient',
        id: patient,
        name: [{ family: `Patient${m}x${c}`, given: ['Bench'] }],
        birthDate: '1960-01-01',
      };
      yield {
        resourceType: 'Task',
        id: caseId,
        status: 'requested',
        intent: 'proposal',
        code: { coding: [{ system: RCP_SYSTEM, code: RCP_CODES.case }] },
        description: `Quelle stratégie pour le dossier ${c + 1} ? Bilan d’extension complet, discussion chirurgicale et oncologique.`,
        for: ref(`Patient/${patient}`),
        owner: ref(ME),
        requester: ref(ME),
        authoredOn: start,
        extension: [meetingExt(meetingId)],
      };
      yield {
        resourceType: 'Condition',
        id: `${caseId}-condition`,
        extension: [caseExt(caseId)],
        code: { text: 'Adénocarcinome pulmonaire du lobe supérieur droit' },
        subject: ref(`Patient/${patient}`),
      };
      for (const [kind, value] of Object.entries({ t: 'cT2a', n: 'cN1', m: 'cM0', stageGroup: 'IIB', ecog: '1' })) {
        yield {
          resourceType: 'Observation',
          id: `${caseId}-${kind.toLowerCase()}`,
          extension: [caseExt(caseId)],
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: RCP_STAGING_CODES[kind as keyof typeof RCP_STAGING_CODES] }] },
          subject: ref(`Patient/${patient}`),
          valueString: value,
        };
      }
      yield {
        resourceType: 'CarePlan',
        id: `${caseId}-proposal`,
        status: 'active',
        intent: 'proposal',
        category: [{ coding: [{ system: RCP_SYSTEM, code: RCP_CODES.proposal }] }],
        subject: ref(`Patient/${patient}`),
        description: 'Lobectomie avec curage ganglionnaire, puis chimiothérapie adjuvante selon l’histologie définitive.',
        extension: [
          caseExt(caseId),
          meetingExt(meetingId),
          { url: RCP_ALTERNATIVE_EXTENSION, valueString: 'Radiothérapie stéréotaxique si contre-indication opératoire' },
        ],
      };
    }
  }
}

export async function benchRcp(): Promise<BenchRow[]> {
  const { rows, row } = rowsFor(SECTION);
  const dir = mkdtempSync(join(tmpdir(), 'esante-bench-rcp-'));
  const store = createStore({ path: join(dir, 'cache.sqlite'), dataKey: randomBytes(32) });
  try {
    const now = Date.now();
    const lastUpdated = new Date(now).toISOString();
    let stored = 0;
    store.transaction(() => {
      for (const resource of boardRecords(now)) {
        store.resources.upsert({ ...resource, meta: { versionId: '1', lastUpdated } });
        stored++;
      }
    });
    const board = new RcpBoard(
      store,
      new LocalWrites(store),
      () => ({ id: ME, role: 'specialist', name: 'Dr Bench' }),
      () => {},
    );
    const opened = board.views.meeting('bench-meeting-0');
    if (opened.cases.length !== CASES || opened.cases.some((c) => !c.proposalId || !c.staging.stageGroup))
      throw new Error(`an agenda opened without its ${CASES} cases, staging and proposals`);
    const samples = latencies(OPENS, (i) => board.views.meeting(`bench-meeting-${(i * 7) % MEETINGS}`));
    row(
      'opening an agenda (12 cases), p50',
      median(samples),
      'ms',
      `${MEETINGS} meetings × ${CASES} cases, ${stored} records cached`,
    );
    // On a shared machine the tail is the scheduler's: the load average says how busy it was.
    row(
      'opening an agenda (12 cases), p95',
      percentile(samples, 95),
      'ms',
      `target ≤ 20 ms; load average ${loadavg()[0]!.toFixed(1)}`,
    );
    const pdfTimes: number[] = [];
    let bytes = 0;
    for (let i = 0; i < MINUTES_RUNS; i++) {
      pdfTimes.push(
        await timeMs(async () => {
          const preview = await board.actions.minutesPreview(`bench-meeting-${i % MEETINGS}`, 'fr');
          if (preview.cases !== CASES) throw new Error(`minutes with ${preview.cases} cases, not ${CASES}`);
          bytes = Math.ceil((preview.data.length * 3) / 4);
        }),
      );
    }
    row(
      'generating the minutes of 12 cases (PDF), median',
      median(pdfTimes),
      'ms',
      `${Math.round(bytes / 1024)} KiB PDF, pdf-lib`,
    );
    row('generating the minutes of 12 cases (PDF), max', Math.max(...pdfTimes), 'ms', `${MINUTES_RUNS} runs`);
    return rows;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
