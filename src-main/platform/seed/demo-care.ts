/**
 * The demo patient's care relationships (IdeoMed, ARCHITECTURE §5): an active episode of care managed
 * by the Nordstad home-care network (so its nurses care for him) and a care team with his GP. Fixed
 * records, without the PRNG, so demos and tests can rely on them.
 */
import { SYSTEM_AUTHOR } from '../policy/principal';
import type { SeedItem } from './generate';

export const DEMO_HOME_CARE_EPISODE = 'episode-demo-patient-homecare';
export const DEMO_CARE_TEAM = 'careteam-demo-patient';

export function* demoCareRelationships(start: string): Generator<SeedItem> {
  yield {
    createdBy: SYSTEM_AUTHOR,
    resource: {
      resourceType: 'EpisodeOfCare',
      id: DEMO_HOME_CARE_EPISODE,
      status: 'active',
      type: [{ text: 'Soins à domicile' }],
      patient: { reference: 'Patient/demo-patient' },
      managingOrganization: { reference: 'Organization/demo-org-homecare' },
      period: { start },
    },
  };
  yield {
    createdBy: SYSTEM_AUTHOR,
    resource: {
      resourceType: 'CareTeam',
      id: DEMO_CARE_TEAM,
      status: 'active',
      name: 'Équipe soignante de Jean Reuter',
      subject: { reference: 'Patient/demo-patient' },
      participant: [{ member: { reference: 'Practitioner/demo-gp' }, period: { start } }],
    },
  };
}
