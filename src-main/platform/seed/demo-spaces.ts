/**
 * The two demo collaborative spaces (issue 13): the Nordstad home-care network's nurses (demo.nurse
 * and Sandra Kremer) and "Diabète — réseau Centre" (demo.gp, with demo.specialist and demo.nurse).
 * Fixed records. Only the spaces and their members are seeded here: what is said in a space is
 * end-to-end encrypted to its members' keys, born on their devices at their first login; the demo
 * colleagues (core/simulator) open the first thread and share the first file once those keys exist.
 */
import { memberEntry, SPACE_CODE, SPACE_CODE_SYSTEM } from '../../../src-shared/domain/spaces';
import type { SeedItem } from './generate';

export const DEMO_SPACES = {
  nurses: 'space-nordstad-nurses',
  diabetes: 'space-diabete-centre',
} as const;

function space(id: string, name: string, description: string, owner: string, members: string[], since: string): SeedItem {
  return {
    createdBy: owner,
    resource: {
      resourceType: 'Group',
      id,
      type: 'practitioner',
      actual: true,
      code: { coding: [{ system: SPACE_CODE_SYSTEM, code: SPACE_CODE }] },
      name,
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${description}</div>` },
      managingEntity: { reference: owner },
      member: [memberEntry(owner, 'active', since), ...members.map((m) => memberEntry(m, 'active', since))],
    },
  };
}

export function* demoSpaces(since: string): Generator<SeedItem> {
  yield space(
    DEMO_SPACES.nurses,
    'Réseau Nordstad — infirmières',
    'Organisation des tournées, protocoles de soins et relèves de l’équipe infirmière.',
    'Practitioner/demo-nurse',
    ['Practitioner/demo-nurse-2'],
    since,
  );
  yield space(
    DEMO_SPACES.diabetes,
    'Diabète — réseau Centre',
    'Suivi partagé des patients diabétiques entre médecine générale et spécialistes.',
    'Practitioner/demo-gp',
    ['Practitioner/demo-specialist', 'Practitioner/demo-nurse'],
    since,
  );
}
