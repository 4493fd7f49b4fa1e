/** Reference data for realistic Luxembourg seed records: communes with their postal-code ranges, streets, names. */

export interface Commune {
  name: string;
  /** Inclusive range of the 4-digit postal codes (written "L-1234"). */
  postalCodes: [number, number];
}

export const COMMUNES: readonly Commune[] = [
  { name: 'Luxembourg', postalCodes: [1009, 2999] },
  { name: 'Esch-sur-Alzette', postalCodes: [4001, 4279] },
  { name: 'Differdange', postalCodes: [4501, 4699] },
  { name: 'Dudelange', postalCodes: [3401, 3499] },
  { name: 'Ettelbruck', postalCodes: [9001, 9099] },
  { name: 'Diekirch', postalCodes: [9201, 9299] },
  { name: 'Wiltz', postalCodes: [9501, 9599] },
  { name: 'Echternach', postalCodes: [6401, 6499] },
  { name: 'Remich', postalCodes: [5501, 5599] },
  { name: 'Grevenmacher', postalCodes: [6701, 6799] },
  { name: 'Mersch', postalCodes: [7501, 7599] },
  { name: 'Clervaux', postalCodes: [9701, 9799] },
  { name: 'Vianden', postalCodes: [9401, 9499] },
  { name: 'Pétange', postalCodes: [4701, 4799] },
  { name: 'Schifflange', postalCodes: [3801, 3899] },
  { name: 'Bettembourg', postalCodes: [3201, 3299] },
  { name: 'Hesperange', postalCodes: [5801, 5899] },
  { name: 'Strassen', postalCodes: [8001, 8099] },
  { name: 'Mamer', postalCodes: [8201, 8299] },
  { name: 'Mondorf-les-Bains', postalCodes: [5601, 5699] },
  { name: 'Steinfort', postalCodes: [8401, 8499] },
  { name: 'Redange-sur-Attert', postalCodes: [8501, 8599] },
];

export const STREETS: readonly string[] = [
  'rue de la Gare',
  "route d'Arlon",
  'avenue de la Liberté',
  'rue Principale',
  'Grand-Rue',
  "rue de l'Église",
  'rue du Moulin',
  'rue des Champs',
  'boulevard Royal',
  'rue de Luxembourg',
  'rue de la Montagne',
  'rue du Parc',
  'rue des Jardins',
  'rue Michel Rodange',
  'rue Dicks',
  'rue Émile Mayrisch',
  'rue du Fossé',
  'rue de la Source',
  'rue des Prés',
  'route de Thionville',
];

export const FAMILY_NAMES: readonly string[] = [
  'Schmit', 'Muller', 'Weber', 'Wagner', 'Hoffmann', 'Thill', 'Schmitz', 'Schroeder', 'Reuter', 'Klein',
  'Kremer', 'Becker', 'Meyer', 'Majerus', 'Welter', 'Schiltz', 'Kieffer', 'Hansen', 'Weis', 'Ries',
  'Steichen', 'Faber', 'Kayser', 'Theisen', 'Goergen', 'Wagener', 'Schneider', 'Lentz', 'Frisch', 'Feltgen',
  'Da Silva', 'Pereira', 'Ferreira', 'Rodrigues', 'Dos Santos', 'Gonçalves', 'Fernandes', 'Lopes',
  'Martin', 'Bernard', 'Rossi', 'Bianchi', 'Thiel', 'Hilbert', 'Zeimet', 'Bettendorf',
];

export const GIVEN_NAMES = {
  male: ['Jean', 'Marc', 'Paul', 'Luc', 'Claude', 'Pierre', 'Tom', 'Max', 'Ben', 'Jos', 'Romain', 'Gilles', 'Patrick', 'Laurent', 'Michel', 'Carlos', 'João', 'Marco', 'Noah', 'Léo', 'Gabriel'],
  female: ['Marie', 'Anne', 'Sophie', 'Claudine', 'Martine', 'Carole', 'Nathalie', 'Sandra', 'Lisa', 'Emma', 'Léa', 'Mia', 'Sarah', 'Ana', 'Maria', 'Julie', 'Chantal', 'Josée', 'Michèle', 'Lara'],
} as const;

export const SPECIALTY_SYSTEM = 'https://esante.lu/fhir/CodeSystem/specialty';
export const SPECIALTIES: ReadonlyArray<{ code: string; display: string }> = [
  { code: 'cardiology', display: 'Cardiologie' },
  { code: 'oncology', display: 'Oncologie' },
  { code: 'radiology', display: 'Radiologie' },
  { code: 'pneumology', display: 'Pneumologie' },
  { code: 'gastroenterology', display: 'Gastro-entérologie' },
  { code: 'dermatology', display: 'Dermatologie' },
  { code: 'pediatrics', display: 'Pédiatrie' },
  { code: 'gynecology', display: 'Gynécologie-obstétrique' },
  { code: 'neurology', display: 'Neurologie' },
  { code: 'geriatrics', display: 'Gériatrie' },
  { code: 'laboratory-medicine', display: 'Biologie clinique' },
];
export const GENERAL_PRACTICE = { code: 'general-practice', display: 'Médecine générale' };
export const NURSING = { code: 'nursing', display: 'Soins infirmiers' };
export const CARE_AIDE = { code: 'care-aide', display: 'Aide-soignant' };

/** Document kinds (LOINC) with a line of plausible content each. */
/** The 8 DSP document types (LOINC), also the value set bound to DocumentReference.type (fhir/resource-types.ts). */
export const DOCUMENT_KINDS: ReadonlyArray<{ code: string; display: string; title: string; text: string }> = [
  { code: '60591-5', display: 'Patient summary Document', title: 'Résumé patient', text: 'Antécédents : HTA, diabète de type 2. Allergies : pénicilline. Traitement : metformine 850 mg 2×/j, ramipril 5 mg/j.' },
  { code: '11502-2', display: 'Laboratory report', title: "Résultats d'analyses", text: 'Hémogramme normal. CRP 3 mg/L. Créatinine 0,9 mg/dL. HbA1c 6,8 %.' },
  { code: '18842-5', display: 'Discharge summary', title: "Lettre de sortie d'hospitalisation", text: 'Hospitalisation de 4 jours. Évolution favorable, sortie à domicile.' },
  { code: '18748-4', display: 'Diagnostic imaging study', title: "Compte rendu d'imagerie", text: 'Radiographie thoracique de face : pas de foyer, pas d’épanchement.' },
  { code: '57833-6', display: 'Prescription for medication', title: 'Ordonnance', text: 'Metformine 850 mg : 1 cp matin et soir. Ramipril 5 mg : 1 cp le matin. Renouvelable 3 mois.' },
  { code: '34746-8', display: 'Nurse Note', title: 'Note infirmière', text: 'Soins infirmiers à domicile : pansement, surveillance glycémique (1,32 g/L à jeun).' },
  { code: '11488-4', display: 'Consult note', title: 'Lettre du spécialiste', text: 'Avis cardiologique : ECG sinusal, pas de trouble de la conduction. Poursuite du traitement.' },
  { code: '18776-5', display: 'Plan of care note', title: 'Plan de soins', text: 'Objectifs : HbA1c < 7 %, marche 30 min/j. Passage infirmier quotidien, contrôle biologique trimestriel.' },
];
