/**
 * The directory records of one seeded professional — their Practitioner and their role at one
 * organisation — written alike by the generated directory, the care staff and the tumour board.
 */
import type { Address, CodeableConcept, ContactPoint, HumanName, Practitioner } from 'fhir/r4';
import { DESK_ROLE_SYSTEM } from '../../../src-shared/domain/directory';
import { SYSTEM_AUTHOR } from '../policy/principal';
import type { SeedItem } from './generate';

export interface SeededProfessional {
  id: string;
  name: HumanName;
  gender?: Practitioner['gender'];
  telecom?: ContactPoint[];
  address?: Address[];
  /** Stated twice, as the Practitioner's qualification and as the role's specialty. */
  specialty?: CodeableConcept;
  role: { code: string; display: string };
  organizationId: string;
  /** Whether the role names the organisation's secure-messaging Endpoint. */
  withEndpoint: boolean;
}

/** The professional code every seeded Practitioner carries, derived from its id. */
function professionalCode(id: string): string {
  return `P${id.replace(/[^0-9a-z]/gi, '').toUpperCase()}`;
}

export function* professionalRecords(professional: SeededProfessional): Generator<SeedItem> {
  const { id, specialty, organizationId } = professional;
  yield {
    createdBy: SYSTEM_AUTHOR,
    resource: {
      resourceType: 'Practitioner',
      id,
      active: true,
      identifier: [{ system: 'https://esante.lu/fhir/NamingSystem/professional-code', value: professionalCode(id) }],
      name: [professional.name],
      ...(professional.gender ? { gender: professional.gender } : {}),
      ...(professional.telecom ? { telecom: professional.telecom } : {}),
      ...(professional.address ? { address: professional.address } : {}),
      ...(specialty ? { qualification: [{ code: specialty }] } : {}),
    },
  };
  yield {
    createdBy: SYSTEM_AUTHOR,
    resource: {
      resourceType: 'PractitionerRole',
      id: `role-${id}`,
      active: true,
      practitioner: { reference: `Practitioner/${id}` },
      organization: { reference: `Organization/${organizationId}` },
      location: [{ reference: `Location/loc-${organizationId}` }],
      code: [{ coding: [{ system: DESK_ROLE_SYSTEM, code: professional.role.code, display: professional.role.display }] }],
      ...(specialty ? { specialty: [specialty] } : {}),
      ...(professional.withEndpoint ? { endpoint: [{ reference: `Endpoint/ep-${organizationId}` }] } : {}),
    },
  };
}
