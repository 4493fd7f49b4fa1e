import type { Binary, CarePlan, Condition, EpisodeOfCare, Goal, MedicationRequest, Observation, Patient, Task } from 'fhir/r4';
import { blobOf } from '../../../src-shared/domain/attachments';
import type { CareChart, CareNote, CarePatient, Handover, VitalPoint, VitalSeries } from '../../../src-shared/api/care';
import {
  VITAL_KINDS,
  VITAL_MEASURES,
  correctionReasonOf,
  flagOf,
  handoverContents,
  nursingNoteOf,
  woundAssessmentOf,
  type VitalKind,
  type VitalMeasure,
} from '../../../src-shared/domain/care';
import { DeskError } from '../../../src-shared/domain/errors';
import type { Store } from '../store';
import type { IndexedCareRecord } from '../store/care-index';
import { CareNames } from './care-names';
import { medicationName, type MedicationRound } from './medication-round';

const CLOSED_TASK = new Set(['completed', 'cancelled', 'failed', 'entered-in-error', 'rejected']);
const DAY_MS = 86_400_000;
/** Without a handover on record, the handover covers the last 12 hours (one shift and some). */
const DEFAULT_HANDOVER_WINDOW_MS = 12 * 3_600_000;
export const HANDOVER_AT_KEY = 'care.handover.at';

/** The measure a stored value was recorded in (glucose: by its unit). */
function measureOf(kind: VitalKind, unit: string | null, second = false): VitalMeasure {
  if (kind === 'blood-pressure') return second ? VITAL_MEASURES.diastolic : VITAL_MEASURES.systolic;
  if (kind === 'glucose') return unit === 'mmol/L' ? VITAL_MEASURES['glucose-molar'] : VITAL_MEASURES['glucose-mass'];
  return VITAL_MEASURES[kind];
}

function flagOfRow(kind: VitalKind, row: Pick<IndexedCareRecord, 'num1' | 'num2' | 'unit'>): VitalPoint['flag'] {
  const flags = [
    row.num1 === null ? undefined : flagOf(measureOf(kind, row.unit), row.num1),
    row.num2 === null ? undefined : flagOf(measureOf(kind, row.unit, true), row.num2),
  ];
  return flags.includes('H') ? 'high' : flags.includes('L') ? 'low' : 'normal';
}

/**
 * The care records of the patients this professional cares for, as the screens read them: the list with
 * today's to-dos, the chart, a vital sign over days or weeks, the handover. Charts and lists come from the
 * care index (migration 0150); a record is parsed only where its words are shown.
 */
export class CareChartReader {
  constructor(
    private readonly store: Store,
    private readonly round: MedicationRound,
    private readonly now: () => Date = () => new Date(),
  ) {}

  patients(): CarePatient[] {
    const names = new CareNames(this.store);
    const now = this.now();
    const dayAgo = new Date(now.getTime() - DAY_MS).toISOString();
    const doses = this.round.dosesBetween(new Date(now.getTime() - 12 * 3_600_000), new Date(now.getTime() + 12 * 3_600_000));
    return this.store.care
      .patientIds()
      .map((id) => {
        const patient = this.store.resources.get<Patient>('Patient', id)?.resource;
        const episode = this.activeEpisode(id);
        const rows = this.store.care.ofPatient(id, ['task']);
        const vitals = this.store.care.ofPatient(id, VITAL_KINDS, { from: dayAgo });
        const mine = doses.filter((d) => d.patientId === id);
        return {
          id,
          name: names.patient(id),
          birthDate: patient?.birthDate ?? null,
          organization: episode?.managingOrganization?.reference
            ? names.practitioner(episode.managingOrganization.reference)
            : null,
          openTasks: rows.filter((t) => !CLOSED_TASK.has(t.status ?? '')).length,
          dosesDue: mine.filter((d) => d.state === 'due').length,
          dosesOverdue: mine.filter((d) => d.state === 'overdue').length,
          abnormal: vitals.filter((v) => flagOfRow(v.kind as VitalKind, v) !== 'normal').length,
          pending: this.store.care.pendingCount(id),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  vitals(patientId: string, kind: VitalKind, from: string, to: string): VitalSeries {
    const rows = this.store.care.ofPatient(patientId, [kind], { from, to: `${to}T23:59:59.999Z\uffff` });
    const unit = rows.at(-1)?.unit ?? measureOf(kind, null).unit;
    const first = measureOf(kind, unit);
    const second = kind === 'blood-pressure' ? VITAL_MEASURES.diastolic : null;
    return {
      kind,
      unit,
      low: first.normal?.low ?? null,
      high: first.normal?.high ?? null,
      low2: second?.normal?.low ?? null,
      high2: second?.normal?.high ?? null,
      points: rows.map((row) => this.pointOf(kind, row)),
    };
  }

  chart(patientId: string): CareChart {
    const patient = this.store.resources.get<Patient>('Patient', patientId)?.resource;
    if (!patient && this.store.care.ofPatient(patientId, ['episode', 'careplan', 'medication']).length === 0)
      throw new DeskError('not_found', `no care record of patient ${patientId} on this device`, 'patientId');
    const names = new CareNames(this.store);
    const episode = this.activeEpisode(patientId);
    const latestVitals = VITAL_KINDS.flatMap((kind) => {
      const last = this.store.care.latest(patientId, kind);
      return last ? [{ ...this.pointOf(kind, last), kind }] : [];
    });
    return {
      patient: {
        id: patientId,
        name: names.patient(patientId),
        birthDate: patient?.birthDate ?? null,
        gender: patient?.gender ?? null,
        matricule: patient?.identifier?.[0]?.value ?? null,
        episode:
          episode?.type?.[0]?.text ??
          (episode?.managingOrganization?.reference ? names.practitioner(episode.managingOrganization.reference) : null),
      },
      carePlan: this.carePlan(patientId),
      tasks: this.tasks(patientId, false),
      notes: this.notes(patientId).reverse(),
      latestVitals,
      wounds: this.wounds(patientId),
      medications: this.store.care.ofPatient(patientId, ['medication']).flatMap((row) => {
        const request = this.store.resources.get<MedicationRequest>('MedicationRequest', row.id)?.resource;
        if (!request) return [];
        const timing =
          request.dosageInstruction?.flatMap((d) => [
            ...(d.timing?.repeat?.timeOfDay ?? []),
            ...(d.timing?.repeat?.when ?? []),
          ]) ?? [];
        return [
          {
            requestId: row.id,
            medication: medicationName(request),
            dosage:
              request.dosageInstruction
                ?.map((d) => d.text)
                .filter(Boolean)
                .join(' ; ') || null,
            times: timing.map((t) => t.slice(0, 5)),
            status: request.status,
          },
        ];
      }),
      pending: this.store.care.pendingCount(patientId),
    };
  }

  /** The latest handover record of the patients in the user's care (anyone's: the team shares one rhythm). */
  lastHandover(): { at: string; by: string } | null {
    let last: { at: string; by: string } | null = null;
    for (const row of this.store.care.allOfKind('handover')) {
      if (!row.at || (last && Date.parse(last.at) >= Date.parse(row.at))) continue;
      const record = this.store.resources.get<Observation>('Observation', row.id)?.resource;
      last = { at: row.at, by: record?.performer?.[0]?.reference ?? '' };
    }
    return last;
  }

  /** Open tasks, abnormal values, notes and doses not given since the last handover (or `since`). */
  handover(since?: string): Handover {
    const names = new CareNames(this.store);
    const last = this.lastHandover();
    const start =
      since ??
      last?.at ??
      // A handover made on this device before handovers were records.
      this.store.syncState.get(HANDOVER_AT_KEY) ??
      new Date(this.now().getTime() - DEFAULT_HANDOVER_WINDOW_MS).toISOString();
    const patients = this.store.care.patientIds();
    const openTasks = patients.flatMap((id) => this.tasks(id, true).map((t) => ({ ...t, patientName: names.patient(id) })));
    const observations = patients.flatMap((id) =>
      this.store.care
        .ofPatient(id, [...VITAL_KINDS, 'note'], { from: start })
        .flatMap((row) => this.store.resources.get<Observation>('Observation', row.id)?.resource ?? []),
    );
    const contents = handoverContents({ tasks: [], observations }, start);
    const pointOfObservation = (o: Observation) => {
      const row = this.store.care.row('Observation', o.id!);
      return row
        ? [
            {
              ...this.pointOf(row.kind as VitalKind, row),
              kind: row.kind as VitalKind,
              patientId: row.patientId,
              patientName: names.patient(row.patientId),
            },
          ]
        : [];
    };
    const notGiven = this.round.dosesBetween(new Date(start), this.now()).filter((d) => d.state !== 'given' && d.state !== 'due');
    return {
      since: start,
      last: last && { ...last, byName: names.practitioner(last.by) ?? last.by },
      openTasks,
      abnormal: contents.abnormal.flatMap(pointOfObservation),
      notes: contents.notes.flatMap((o) => {
        const row = this.store.care.row('Observation', o.id!);
        const note = row ? this.noteOf(row) : null;
        return note && row ? [{ ...note, patientId: row.patientId, patientName: names.patient(row.patientId) }] : [];
      }),
      dosesNotGiven: notGiven,
    };
  }

  private pointOf(kind: VitalKind, row: IndexedCareRecord): VitalPoint {
    const amended = row.status === 'amended' || row.status === 'corrected';
    const resource = amended ? this.store.resources.get<Observation>('Observation', row.id)?.resource : undefined;
    return {
      id: row.id,
      at: row.at ?? '',
      value: kind === 'blood-pressure' ? null : row.num1,
      systolic: kind === 'blood-pressure' ? row.num1 : null,
      diastolic: kind === 'blood-pressure' ? row.num2 : null,
      unit: row.unit ?? '',
      flag: flagOfRow(kind, row),
      pending: row.pending,
      correction: resource ? (correctionReasonOf(resource) ?? null) : null,
    };
  }

  private activeEpisode(patientId: string): EpisodeOfCare | undefined {
    const row = this.store.care
      .ofPatient(patientId, ['episode'])
      .filter((e) => e.status === 'active')
      .at(-1);
    return row ? this.store.resources.get<EpisodeOfCare>('EpisodeOfCare', row.id)?.resource : undefined;
  }

  private carePlan(patientId: string): CareChart['carePlan'] {
    const row = this.store.care
      .ofPatient(patientId, ['careplan'])
      .filter((p) => p.status === 'active' || p.status === 'draft')
      .at(-1);
    const cached = row ? this.store.resources.get<CarePlan>('CarePlan', row.id) : undefined;
    if (!cached) return null;
    const plan = cached.resource;
    const activities = (plan.activity ?? []).flatMap((a) => {
      if (a.detail?.description) return [a.detail.description];
      const ref = a.reference?.reference;
      if (ref?.startsWith('Task/')) {
        const task = this.store.resources.get<Task>('Task', ref.slice(5))?.resource;
        return task?.description ? [task.description] : [];
      }
      return a.reference?.display ? [a.reference.display] : [];
    });
    const goals = (plan.goal ?? []).flatMap((g) => {
      const goal = g.reference?.startsWith('Goal/')
        ? this.store.resources.get<Goal>('Goal', g.reference.slice(5))?.resource
        : undefined;
      return goal?.description?.text ? [goal.description.text] : g.display ? [g.display] : [];
    });
    return {
      id: cached.id,
      title: plan.title ?? '',
      versionId: cached.versionId,
      description: plan.description ?? null,
      activities,
      goals,
      pending: row!.pending,
    };
  }

  private tasks(patientId: string, openOnly: boolean): CareChart['tasks'] {
    return this.store.care.ofPatient(patientId, ['task']).flatMap((row) => {
      if (openOnly && CLOSED_TASK.has(row.status ?? '')) return [];
      const task = this.store.resources.get<Task>('Task', row.id)?.resource;
      if (!task) return [];
      return [
        {
          id: row.id,
          patientId,
          description: task.description ?? task.code?.text ?? '',
          status: task.status,
          due: task.executionPeriod?.end ?? null,
          pending: row.pending,
        },
      ];
    });
  }

  private notes(patientId: string): CareNote[] {
    return this.store.care.ofPatient(patientId, ['note']).flatMap((row) => this.noteOf(row) ?? []);
  }

  private noteOf(row: IndexedCareRecord): CareNote | null {
    const observation = this.store.resources.get<Observation>('Observation', row.id)?.resource;
    const content = observation ? nursingNoteOf(observation) : undefined;
    if (!observation || !content) return null;
    const author = observation.performer?.[0]?.reference;
    return {
      id: row.id,
      at: row.at ?? '',
      author: author ? new CareNames(this.store).practitioner(author) : null,
      kind: content.kind,
      text: content.kind === 'free' ? content.text : null,
      soap: content.kind === 'soap' ? content.parts : null,
      pending: row.pending,
      correction: correctionReasonOf(observation) ?? null,
    };
  }

  private wounds(patientId: string): CareChart['wounds'] {
    return this.store.care.ofPatient(patientId, ['wound']).flatMap((row) => {
      const wound = this.store.resources.get<Condition>('Condition', row.id)?.resource;
      if (!wound) return [];
      const assessments = this.store.care.byRef(`Condition/${row.id}`, 'wound-assessment').flatMap((a) => {
        const observation = this.store.resources.get<Observation>('Observation', a.id)?.resource;
        const read = observation ? woundAssessmentOf(observation) : undefined;
        if (!read) return [];
        return [
          {
            id: a.id,
            at: a.at ?? '',
            length: read.size.length ?? null,
            width: read.size.width ?? null,
            depth: read.size.depth ?? null,
            stage: read.stage ?? null,
            pending: a.pending,
            photos: read.photos,
          },
        ];
      });
      const photos = assessments.flatMap((a) =>
        a.photos.map((reference) => ({ reference, at: a.at, bytes: this.photoBytes(reference), pending: a.pending })),
      );
      return [
        {
          id: row.id,
          site: wound.bodySite?.[0]?.text ?? '',
          description: wound.code?.text ?? null,
          assessments,
          photos,
        },
      ];
    });
  }

  /** Bytes of a photo on this device (inline Binary, or its blob), null when not here. */
  photoBytes(reference: string): number | null {
    return photoOnDevice(this.store, reference)?.length ?? null;
  }
}

/** A photo's bytes from the cache: an inline Binary, or the blob it points at; undefined when not on this device. */
export function photoOnDevice(store: Store, reference: string): Buffer | undefined {
  const match = /^Binary\/([A-Za-z0-9\-.]{1,64})$/.exec(reference);
  if (!match) return undefined;
  const binary = store.resources.get<Binary>('Binary', match[1]!)?.resource;
  if (!binary) return undefined;
  if (binary.data) return Buffer.from(binary.data, 'base64');
  const blob = blobOf(binary);
  return blob ? store.blobs.get(blob.sha256) : undefined;
}
