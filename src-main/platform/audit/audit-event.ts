/**
 * Builds BALP-style AuditEvents (IHE Basic Audit Log Patterns): who acted, on what, about which
 * patient, when, and with which outcome. Pure; audit-trail.ts stores them.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../policy/principal';

export type RestInteraction =
  'read' | 'vread' | 'history-instance' | 'search-type' | 'create' | 'update' | 'delete' | 'transaction';

export interface AuditFacts {
  principal: Principal | null;
  interaction: RestInteraction;
  /** 0 success, 4 refused (client), 8 failed (server). */
  outcome: '0' | '4' | '8';
  outcomeDescription?: string;
  /** Resources touched ("Type/id"). */
  entities: string[];
  /** Patients whose data was touched ("Patient/id"). */
  patients: string[];
  /** For searches: the query string as asked. */
  query?: string;
  recorded: string;
}

const ACTION: Record<RestInteraction, fhir4.AuditEvent['action']> = {
  read: 'R',
  vread: 'R',
  'history-instance': 'R',
  'search-type': 'E',
  create: 'C',
  update: 'U',
  delete: 'D',
  transaction: 'E',
};

export function buildAuditEvent(facts: AuditFacts): fhir4.AuditEvent {
  const entity: fhir4.AuditEventEntity[] = [
    ...facts.patients.map((ref) => ({
      what: { reference: ref },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
    })),
    ...facts.entities
      .filter((ref) => !facts.patients.includes(ref))
      .map((ref) => ({
        what: { reference: ref },
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
        role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '4', display: 'Domain Resource' },
      })),
    ...(facts.query !== undefined
      ? [
          {
            type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
            role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' },
            query: Buffer.from(facts.query, 'utf8').toString('base64'),
          },
        ]
      : []),
  ];
  return {
    resourceType: 'AuditEvent',
    id: randomUUID(),
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: facts.interaction }],
    action: ACTION[facts.interaction],
    recorded: facts.recorded,
    outcome: facts.outcome,
    ...(facts.outcomeDescription !== undefined ? { outcomeDesc: facts.outcomeDescription } : {}),
    agent: [
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
              code: 'IRCP',
              display: 'information recipient',
            },
          ],
        },
        ...(facts.principal
          ? {
              who: { reference: facts.principal.userRef, display: facts.principal.name },
              role: [{ coding: [{ system: 'https://esante.lu/fhir/CodeSystem/desk-role', code: facts.principal.role }] }],
            }
          : { who: { display: 'unauthenticated caller' } }),
        requestor: true,
      },
    ],
    source: {
      observer: { display: 'eSanté platform (mock)' },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    entity,
  };
}
