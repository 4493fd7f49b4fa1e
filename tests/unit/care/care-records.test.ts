import type { Task } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import {
  careRecordProblems,
  handoverContents,
  handoverObservation,
  lastHandoverAt,
  nursingNoteObservation,
  nursingNoteOf,
  vitalSignObservation,
  woundAssessmentObservation,
  woundAssessmentOf,
  woundCondition,
  isWound,
} from '../../../src-shared/domain/care';

const input = (effective: string) => ({ patient: 'Patient/p1', effective, author: 'Practitioner/n1' });

describe('nursing notes, wounds, handover', () => {
  it('a nursing note is free text or SOAP, read back as written; an empty one is refused', () => {
    const free = nursingNoteObservation(input('2026-06-01T09:00:00Z'), { kind: 'free', text: 'Bonne nuit, pas de douleur.' });
    expect(nursingNoteOf(free)).toEqual({ kind: 'free', text: 'Bonne nuit, pas de douleur.' });
    const soap = nursingNoteObservation(input('2026-06-01T09:00:00Z'), {
      kind: 'soap',
      parts: { subjective: 'fatigue', plan: 'revoir demain' },
    });
    expect(nursingNoteOf(soap)).toEqual({ kind: 'soap', parts: { subjective: 'fatigue', plan: 'revoir demain' } });
    expect(careRecordProblems(free)).toEqual([]);
    expect(careRecordProblems({ ...free, valueString: '  ' })[0]).toMatchObject({ rule: 'note-content' });
  });

  it('a wound assessment carries its size in cm, stage and photos; a size in mm or of 500 cm is refused', () => {
    const wound = woundCondition({
      patient: 'Patient/p1',
      id: 'w1',
      onset: '2026-05-20',
      bodySite: 'talon gauche',
      description: 'escarre',
    });
    expect(isWound(wound)).toBe(true);
    const assessment = woundAssessmentObservation(
      { ...input('2026-06-01T09:00:00Z'), wound: 'Condition/w1' },
      { size: { length: 3.2, width: 2 }, stage: '2', photos: ['Binary/photo-1'] },
    );
    expect(woundAssessmentOf(assessment)).toEqual({
      wound: 'Condition/w1',
      effective: '2026-06-01T09:00:00Z',
      size: { length: 3.2, width: 2 },
      stage: '2',
      photos: ['Binary/photo-1'],
    });
    expect(careRecordProblems(assessment)).toEqual([]);
    const mm = structuredClone(assessment);
    mm.component![0]!.valueQuantity!.code = 'mm';
    expect(careRecordProblems(mm)[0]).toMatchObject({ rule: 'wound-size', field: 'Observation.component[0].valueQuantity.code' });
    const huge = structuredClone(assessment);
    huge.component![1]!.valueQuantity!.value = 500;
    expect(careRecordProblems(huge)[0]).toMatchObject({
      rule: 'wound-size',
      field: 'Observation.component[1].valueQuantity.value',
    });
  });

  it('a handover passes on open tasks, abnormal values and notes since the last one', () => {
    const before = handoverObservation(input('2026-06-01T06:00:00Z'), 'nuit calme', []);
    const oldFever = vitalSignObservation({ patient: 'Patient/p1', effective: '2026-06-01T05:00:00Z' }, { temperature: 38.9 });
    const fever = vitalSignObservation({ patient: 'Patient/p1', effective: '2026-06-01T10:00:00Z' }, { temperature: 38.9 });
    const normal = vitalSignObservation({ patient: 'Patient/p1', effective: '2026-06-01T10:00:00Z' }, { pulse: 80 });
    const note = nursingNoteObservation(input('2026-06-01T11:00:00Z'), { kind: 'free', text: 'appelé le médecin' });
    const tasks: Task[] = [
      { resourceType: 'Task', status: 'requested', intent: 'order' },
      { resourceType: 'Task', status: 'completed', intent: 'order' },
    ];
    const observations = [before, oldFever, fever, normal, note];
    const since = lastHandoverAt(observations);
    expect(since).toBe('2026-06-01T06:00:00Z');
    const contents = handoverContents({ tasks, observations }, since);
    expect(contents.openTasks).toEqual([tasks[0]]);
    expect(contents.abnormal).toEqual([fever]);
    expect(contents.notes).toEqual([note]);
  });
});
