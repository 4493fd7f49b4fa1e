/** Bodies of tumour-board records as a client writes them (issue 12), for the platform-rcp tests. */
import {
  RCP_CASE_EXTENSION,
  RCP_CODES,
  RCP_MEETING_EXTENSION,
  RCP_MINUTES_DOCUMENT_TYPE,
  RCP_SYSTEM,
} from '../../../src-shared/domain/rcp';
import { minimalPdf } from '../../../src-main/platform/seed/demo-dsp';
import type { TestPlatform } from '../platform/platform-harness';

export const ref = (reference: string) => ({ reference });

export function proposal(
  id: string,
  caseId: string,
  meetingId: string,
  patient: string,
  text = 'Chimiothérapie de deuxième ligne',
) {
  return {
    resourceType: 'CarePlan',
    id,
    status: 'active',
    intent: 'proposal',
    category: [{ coding: [{ system: RCP_SYSTEM, code: RCP_CODES.proposal }] }],
    subject: ref(`Patient/${patient}`),
    description: text,
    extension: [
      { url: RCP_CASE_EXTENSION, valueReference: ref(`Task/${caseId}`) },
      { url: RCP_MEETING_EXTENSION, valueReference: ref(`Appointment/${meetingId}`) },
    ],
  };
}

export function meeting(id: string, agendaId: string, coordinator: string, members: Array<[string, string]>, start: string) {
  return {
    resourceType: 'Appointment',
    id,
    status: 'booked',
    serviceType: [{ coding: [{ system: RCP_SYSTEM, code: RCP_CODES.meeting }] }],
    start,
    end: new Date(Date.parse(start) + 3_600_000).toISOString(),
    supportingInformation: [ref(`List/${agendaId}`)],
    participant: [
      { actor: ref(coordinator), type: [{ coding: [{ system: RCP_SYSTEM, code: 'coordinator' }] }], status: 'accepted' },
      ...members.map(([actor, status]) => ({
        actor: ref(actor),
        type: [{ coding: [{ system: RCP_SYSTEM, code: 'member' }] }],
        status,
      })),
    ],
  };
}

export function agenda(id: string, meetingId: string, cases: string[] = []) {
  return {
    resourceType: 'List',
    id,
    status: 'current',
    mode: 'working',
    code: { coding: [{ system: RCP_SYSTEM, code: RCP_CODES.agenda }] },
    extension: [{ url: RCP_MEETING_EXTENSION, valueReference: ref(`Appointment/${meetingId}`) }],
    entry: cases.map((c) => ({ item: ref(`Task/${c}`) })),
  };
}

export function rcpCase(id: string, patient: string, presenter: string, meetingId?: string) {
  return {
    resourceType: 'Task',
    id,
    status: 'requested',
    intent: 'proposal',
    code: { coding: [{ system: RCP_SYSTEM, code: RCP_CODES.case }] },
    description: 'Quelle prise en charge ?',
    for: ref(`Patient/${patient}`),
    requester: ref(presenter),
    owner: ref(presenter),
    ...(meetingId ? { extension: [{ url: RCP_MEETING_EXTENSION, valueReference: ref(`Appointment/${meetingId}`) }] } : {}),
  };
}

export function minutes(id: string, caseId: string, meetingId: string, patient: string, replaces?: string) {
  const pdf = minimalPdf(['Compte rendu de RCP', caseId]);
  return {
    resourceType: 'DocumentReference',
    id,
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: RCP_MINUTES_DOCUMENT_TYPE }] },
    category: [{ coding: [{ system: RCP_SYSTEM, code: RCP_CODES.minutes }] }],
    subject: ref(`Patient/${patient}`),
    context: { related: [ref(`Task/${caseId}`), ref(`Appointment/${meetingId}`)] },
    ...(replaces ? { relatesTo: [{ code: 'replaces', target: ref(`DocumentReference/${replaces}`) }] } : {}),
    content: [{ attachment: { contentType: 'application/pdf', data: pdf.toString('base64'), title: 'Compte rendu de RCP' } }],
  };
}

/** Sets `who`'s answer on a meeting (as that participant), returning the status. */
export async function answer(env: TestPlatform, token: string, meetingId: string, who: string, status: string): Promise<number> {
  const current = await env.request('GET', `/fhir/Appointment/${meetingId}`, { token });
  const body = structuredClone(current.json);
  for (const p of body.participant) if (p.actor?.reference === who) p.status = status;
  return (
    await env.request('PUT', `/fhir/Appointment/${meetingId}`, {
      token,
      body,
      headers: { 'if-match': `W/"${body.meta.versionId}"` },
    })
  ).status;
}
