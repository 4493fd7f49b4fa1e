/**
 * The resources a busy home-care nurse writes: vital-sign Observations and nursing Tasks about the
 * seeded patients, with the free text the cache's full-text index picks up. Deterministic by index.
 */
import type { Observation, Task } from 'fhir/r4';

const VITALS = [
  { code: '8867-4', display: 'Fréquence cardiaque', unit: '/min', base: 60, spread: 40 },
  { code: '8310-5', display: 'Température corporelle', unit: 'Cel', base: 36, spread: 3 },
  { code: '41653-7', display: 'Glycémie capillaire', unit: 'mg/dL', base: 70, spread: 120 },
  { code: '59408-5', display: 'Saturation en oxygène', unit: '%', base: 88, spread: 12 },
  { code: '29463-7', display: 'Poids corporel', unit: 'kg', base: 45, spread: 60 },
] as const;

const TASKS = [
  { code: 'wound-care', display: 'Soins de plaie', text: 'Réfection du pansement, plaie propre, bourgeonnement satisfaisant' },
  { code: 'insulin', display: 'Injection d’insuline', text: 'Insuline rapide selon schéma, glycémie contrôlée avant injection' },
  {
    code: 'hygiene',
    display: 'Toilette complète',
    text: 'Aide à la toilette au lit, prévention d’escarres, massage des points d’appui',
  },
  {
    code: 'medication',
    display: 'Préparation du pilulier',
    text: 'Pilulier hebdomadaire préparé, traitement anticoagulant vérifié',
  },
  {
    code: 'compression',
    display: 'Pose de bas de contention',
    text: 'Bas de contention classe 2, œdème des membres inférieurs en diminution',
  },
] as const;

const EPOCH = Date.UTC(2024, 0, 1);

export type OwnResource = (Observation | Task) & { id: string };

export function ownResource(i: number, owner: string, patients: number, familyNames: readonly string[]): OwnResource {
  const patient = `Patient/pat-${String(1 + (i % Math.max(1, patients))).padStart(6, '0')}`;
  const when = new Date(EPOCH + i * 97_000).toISOString();
  const family = familyNames[i % familyNames.length]!;
  if (i % 2 === 0) {
    const v = VITALS[(i >> 1) % VITALS.length]!;
    return {
      resourceType: 'Observation',
      id: `bench-obs-${i}`,
      status: 'final',
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/observation-category',
              code: 'vital-signs',
              display: 'Signes vitaux',
            },
          ],
        },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: v.code, display: v.display }], text: v.display },
      subject: { reference: patient },
      performer: [{ reference: owner }],
      effectiveDateTime: when,
      valueQuantity: {
        value: Math.round((v.base + (((i * 7919) % 1000) / 1000) * v.spread) * 10) / 10,
        unit: v.unit,
        system: 'http://unitsofmeasure.org',
        code: v.unit,
      },
      note: [{ text: `Tournée du matin, patient ${family}, mesure au domicile` }],
    };
  }
  const t = TASKS[(i >> 1) % TASKS.length]!;
  return {
    resourceType: 'Task',
    id: `bench-task-${i}`,
    status: i % 3 === 0 ? 'completed' : 'requested',
    intent: 'order',
    code: {
      coding: [{ system: 'https://esante.lu/fhir/CodeSystem/nursing-act', code: t.code, display: t.display }],
      text: t.display,
    },
    description: `${t.text} (${family})`,
    for: { reference: patient },
    owner: { reference: owner },
    authoredOn: when,
  };
}
