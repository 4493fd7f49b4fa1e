/**
 * What staff without a care mandate (a secretary, a facility administrator) may see of the patients of their
 * organisation (ARCHITECTURE §5): the schedule — who, when, where — and no clinical content.
 *
 * The platform does not trim a resource to show it (every way in would have to trim it alike); instead a
 * schedule record is shown to them only when it carries nothing but schedule elements. A visit that states its
 * reason, a diagnosis, a note or an extension (which could say anything) is refused to them like any clinical
 * record: fail closed. The round's Appointments and Encounters are written without clinical content for that
 * reason (the reason lives in the care plan's Tasks).
 */

const COMMON = ['resourceType', 'id', 'meta', 'identifier', 'status'];

/** Per schedule type, the elements that say who, when and where. */
const SCHEDULE_ELEMENTS: Readonly<Record<string, ReadonlySet<string>>> = {
  Appointment: new Set([
    ...COMMON,
    'serviceCategory',
    'serviceType',
    'appointmentType',
    'start',
    'end',
    'minutesDuration',
    'created',
    'participant',
    'slot',
    'requestedPeriod',
  ]),
  Encounter: new Set([
    ...COMMON,
    'statusHistory',
    'class',
    'classHistory',
    'type',
    'serviceType',
    'priority',
    'subject',
    'episodeOfCare',
    'participant',
    'appointment',
    'period',
    'length',
    'location',
    'serviceProvider',
    'partOf',
  ]),
  EpisodeOfCare: new Set([
    ...COMMON,
    'statusHistory',
    'type',
    'patient',
    'managingOrganization',
    'period',
    'careManager',
    'team',
  ]),
  CareTeam: new Set([...COMMON, 'category', 'name', 'subject', 'period', 'participant', 'managingOrganization', 'telecom']),
};

export const SCHEDULE_TYPES: readonly string[] = Object.keys(SCHEDULE_ELEMENTS);

export function isScheduleType(type: string): boolean {
  return type in SCHEDULE_ELEMENTS;
}

/** The first element that is not schedule (undefined when the record is schedule only), or the type itself when it is no schedule type. */
export function clinicalElementOf(type: string, resource: Record<string, unknown>): string | undefined {
  const allowed = SCHEDULE_ELEMENTS[type];
  if (!allowed) return type;
  return Object.keys(resource).find((key) => !allowed.has(key));
}
