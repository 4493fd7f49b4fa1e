/**
 * The public document library's seed (issue 13): the platform's editor (account demo.editor, an active
 * library-editor role at the eSanté agency) and 25 short documents in 6 themes, each a real PDF made
 * with pdf-lib, titled and summarised in French, German and English. Two documents have a newer
 * edition (the old one is retired and names its successor). Fixed data: no PRNG, no clock.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { DESK_ROLE_SYSTEM } from '../../../src-shared/domain/directory';
import {
  LIBRARY_EDITOR_ROLE_CODE,
  LIBRARY_PUBLISHER_ORGANIZATION,
  LIBRARY_THEME_SYSTEM,
  LIBRARY_TYPE_SYSTEM,
  translationExtension,
  type LibraryTheme,
} from '../../../src-shared/domain/library';
import { SYSTEM_AUTHOR } from '../policy/principal';
import type { SeedItem } from './generate';

export const LIBRARY_EDITOR = 'Practitioner/demo-library-editor';

/** The editor's directory records: always seeded (the account is). */
export function* libraryEditorRecords(): Generator<SeedItem> {
  const item = (resource: SeedItem['resource']): SeedItem => ({ createdBy: SYSTEM_AUTHOR, resource });
  yield item({
    resourceType: 'Organization',
    id: LIBRARY_PUBLISHER_ORGANIZATION,
    active: true,
    identifier: [{ system: 'https://esante.lu/fhir/NamingSystem/organization-id', value: 'ESANTE-AGENCY' }],
    name: 'Agence eSanté — bibliothèque documentaire',
    address: [{ use: 'work', line: ['125, route d’Esch'], city: 'Luxembourg', postalCode: 'L-1471', country: 'LU' }],
  });
  yield item({
    resourceType: 'Practitioner',
    id: LIBRARY_EDITOR.slice('Practitioner/'.length),
    active: true,
    identifier: [{ system: 'https://esante.lu/fhir/NamingSystem/professional-code', value: 'PDEMOEDITOR' }],
    name: [{ family: 'Klein', given: ['Elise'] }],
    gender: 'female',
  });
  yield item({
    resourceType: 'PractitionerRole',
    id: 'role-demo-library-editor',
    active: true,
    practitioner: { reference: LIBRARY_EDITOR },
    organization: { reference: `Organization/${LIBRARY_PUBLISHER_ORGANIZATION}` },
    code: [{ coding: [{ system: DESK_ROLE_SYSTEM, code: LIBRARY_EDITOR_ROLE_CODE, display: 'Éditrice de la bibliothèque' }] }],
  });
}

interface Text {
  title: string;
  summary: string;
}

interface DocSpec {
  id: string;
  theme: LibraryTheme;
  date: string;
  version: string;
  fr: Text;
  de: Text;
  en: Text;
  /** Lines of the PDF's body (French). */
  body: string[];
  /** The edition this one replaces (that one is then retired). */
  replaces?: string;
}

const d = (fr: [string, string], de: [string, string], en: [string, string]) => ({
  fr: { title: fr[0], summary: fr[1] },
  de: { title: de[0], summary: de[1] },
  en: { title: en[0], summary: en[1] },
});

export const LIBRARY_DOCUMENTS: readonly DocSpec[] = [
  // ── Prévention ──
  {
    id: 'lib-prevention-depistage-colorectal',
    theme: 'prevention',
    date: '2024-03-01',
    version: '1',
    ...d(
      [
        'Dépistage du cancer colorectal',
        'Qui peut participer, comment se déroule le test immunologique et que faire d’un résultat positif.',
      ],
      [
        'Darmkrebsfrüherkennung',
        'Wer teilnehmen kann, wie der immunologische Test abläuft und was bei einem positiven Ergebnis zu tun ist.',
      ],
      [
        'Colorectal cancer screening',
        'Who may take part, how the immunological test works and what to do after a positive result.',
      ],
    ),
    body: [
      'Programme national de dépistage, 55 à 74 ans.',
      'Test immunologique à domicile tous les deux ans.',
      'Un test positif appelle une coloscopie.',
    ],
  },
  {
    id: 'lib-prevention-tabac',
    theme: 'prevention',
    date: '2024-05-15',
    version: '1',
    ...d(
      ['Arrêter de fumer : les aides', 'Substituts nicotiniques, consultations d’aide et remboursements.'],
      ['Rauchstopp: Hilfsangebote', 'Nikotinersatz, Beratungsgespräche und Kostenerstattung.'],
      ['Quitting smoking: support', 'Nicotine replacement, counselling and reimbursement.'],
    ),
    body: [
      'Parlez-en à votre médecin.',
      'Les substituts nicotiniques sont partiellement remboursés.',
      'Une consultation d’aide au sevrage existe dans chaque hôpital.',
    ],
  },
  {
    id: 'lib-prevention-activite-physique',
    theme: 'prevention',
    date: '2023-09-10',
    version: '1',
    ...d(
      ['Activité physique après 60 ans', 'Recommandations simples : marche, équilibre, renforcement musculaire.'],
      ['Bewegung ab 60', 'Einfache Empfehlungen: Gehen, Gleichgewicht, Muskelkräftigung.'],
      ['Physical activity after 60', 'Simple advice: walking, balance, muscle strengthening.'],
    ),
    body: [
      '150 minutes d’activité modérée par semaine.',
      'Exercices d’équilibre deux fois par semaine.',
      'Prévenir les chutes à domicile.',
    ],
  },
  {
    id: 'lib-prevention-cancer-sein',
    theme: 'prevention',
    date: '2024-01-20',
    version: '1',
    ...d(
      ['Mammographie de dépistage', 'Le programme mammographie pour les femmes de 50 à 74 ans.'],
      ['Mammographie-Screening', 'Das Mammographie-Programm für Frauen von 50 bis 74 Jahren.'],
      ['Screening mammography', 'The mammography programme for women aged 50 to 74.'],
    ),
    body: ['Une mammographie tous les deux ans.', 'Invitation envoyée à domicile.', 'Examen pris en charge intégralement.'],
  },
  // ── Vaccination ──
  {
    id: 'lib-vaccination-calendrier-2024',
    theme: 'vaccination',
    date: '2024-01-10',
    version: '2024',
    ...d(
      ['Calendrier vaccinal 2024', 'Les vaccinations recommandées de la naissance à l’âge adulte (édition 2024).'],
      ['Impfkalender 2024', 'Die empfohlenen Impfungen von der Geburt bis zum Erwachsenenalter (Ausgabe 2024).'],
      ['Vaccination schedule 2024', 'Recommended vaccinations from birth to adulthood (2024 edition).'],
    ),
    body: [
      'Nourrissons : hexavalent à 2, 3 et 4 mois.',
      'Rougeole-oreillons-rubéole à 12 mois.',
      'Rappel diphtérie-tétanos tous les 10 ans.',
    ],
  },
  {
    id: 'lib-vaccination-calendrier-2025',
    theme: 'vaccination',
    date: '2025-01-10',
    version: '2025',
    replaces: 'lib-vaccination-calendrier-2024',
    ...d(
      [
        'Calendrier vaccinal 2025',
        'Les vaccinations recommandées de la naissance à l’âge adulte, avec le VRS pour les nourrissons.',
      ],
      ['Impfkalender 2025', 'Die empfohlenen Impfungen von der Geburt bis zum Erwachsenenalter, mit RSV für Säuglinge.'],
      ['Vaccination schedule 2025', 'Recommended vaccinations from birth to adulthood, with RSV for infants.'],
    ),
    body: [
      'Nouveau : anticorps contre le VRS pour les nourrissons.',
      'Hexavalent à 2, 3 et 4 mois.',
      'Rappel diphtérie-tétanos tous les 10 ans.',
    ],
  },
  {
    id: 'lib-vaccination-grippe',
    theme: 'vaccination',
    date: '2024-09-15',
    version: '1',
    ...d(
      ['Vaccination contre la grippe saisonnière', 'Personnes à risque, période de vaccination, gratuité.'],
      ['Grippeimpfung', 'Risikogruppen, Impfzeitraum, Kostenübernahme.'],
      ['Seasonal flu vaccination', 'People at risk, when to vaccinate, free of charge.'],
    ),
    body: [
      'Recommandée dès 65 ans et pour les soignants.',
      'D’octobre à décembre.',
      'Vaccin gratuit pour les personnes à risque.',
    ],
  },
  {
    id: 'lib-vaccination-hpv',
    theme: 'vaccination',
    date: '2024-02-01',
    version: '1',
    ...d(
      ['Vaccination HPV des jeunes', 'Pourquoi vacciner filles et garçons de 9 à 14 ans contre le papillomavirus.'],
      ['HPV-Impfung für Jugendliche', 'Warum Mädchen und Jungen von 9 bis 14 Jahren gegen HPV geimpft werden.'],
      ['HPV vaccination for young people', 'Why girls and boys aged 9 to 14 are vaccinated against HPV.'],
    ),
    body: ['Deux doses à six mois d’intervalle.', 'Protège contre plusieurs cancers.', 'Rattrapage possible jusqu’à 26 ans.'],
  },
  {
    id: 'lib-vaccination-zona',
    theme: 'vaccination',
    date: '2024-06-01',
    version: '1',
    ...d(
      ['Vaccination contre le zona', 'Le vaccin recombinant pour les personnes de plus de 65 ans.'],
      ['Gürtelrose-Impfung', 'Der rekombinante Impfstoff für Personen über 65 Jahre.'],
      ['Shingles vaccination', 'The recombinant vaccine for people over 65.'],
    ),
    body: [
      'Deux doses à deux mois d’intervalle.',
      'Réduit le risque de douleurs post-zostériennes.',
      'Demandez conseil à votre médecin.',
    ],
  },
  // ── Diabète ──
  {
    id: 'lib-diabete-pied',
    theme: 'diabetes',
    date: '2023-11-14',
    version: '1',
    ...d(
      ['Le pied diabétique : prévenir les plaies', 'Examiner ses pieds chaque jour, chaussures adaptées, quand consulter.'],
      ['Der diabetische Fuß: Wunden vorbeugen', 'Tägliche Fußkontrolle, passende Schuhe, wann zum Arzt.'],
      ['The diabetic foot: preventing wounds', 'Daily foot checks, suitable shoes, when to see a doctor.'],
    ),
    body: [
      'Inspectez vos pieds chaque jour.',
      'Jamais de bouillotte ni de pédicure coupante.',
      'Toute plaie doit être montrée à un soignant.',
    ],
  },
  {
    id: 'lib-diabete-hypoglycemie',
    theme: 'diabetes',
    date: '2024-04-02',
    version: '1',
    ...d(
      ['Reconnaître et traiter une hypoglycémie', 'Les signes, les 15 g de sucre, et quand appeler le 112.'],
      ['Unterzuckerung erkennen und behandeln', 'Die Anzeichen, die 15 g Zucker, und wann die 112 anrufen.'],
      ['Recognising and treating hypoglycaemia', 'The signs, the 15 g of sugar, and when to call 112.'],
    ),
    body: [
      'Sueurs, tremblements, faim, confusion.',
      'Prendre 15 g de sucre rapide, contrôler après 15 minutes.',
      'Perte de connaissance : appeler le 112.',
    ],
  },
  {
    id: 'lib-diabete-carnet-v1',
    theme: 'diabetes',
    date: '2022-06-01',
    version: '1',
    ...d(
      ['Carnet de suivi du diabète', 'Le carnet pour noter glycémies, HbA1c et examens annuels (version 1).'],
      ['Diabetes-Verlaufsheft', 'Das Heft für Blutzucker, HbA1c und jährliche Untersuchungen (Version 1).'],
      ['Diabetes follow-up booklet', 'The booklet for blood sugar, HbA1c and yearly check-ups (version 1).'],
    ),
    body: ['Glycémies à jeun et après les repas.', 'HbA1c tous les trois mois.', 'Fond d’œil et bilan rénal chaque année.'],
  },
  {
    id: 'lib-diabete-carnet-v2',
    theme: 'diabetes',
    date: '2024-10-01',
    version: '2',
    replaces: 'lib-diabete-carnet-v1',
    ...d(
      [
        'Carnet de suivi du diabète',
        'Le carnet pour noter glycémies, HbA1c et examens annuels, avec la mesure continue du glucose.',
      ],
      [
        'Diabetes-Verlaufsheft',
        'Das Heft für Blutzucker, HbA1c und jährliche Untersuchungen, mit kontinuierlicher Glukosemessung.',
      ],
      [
        'Diabetes follow-up booklet',
        'The booklet for blood sugar, HbA1c and yearly check-ups, with continuous glucose monitoring.',
      ],
    ),
    body: [
      'Nouveau : temps dans la cible (capteur de glucose).',
      'HbA1c tous les trois mois.',
      'Fond d’œil, bilan rénal et examen des pieds chaque année.',
    ],
  },
  {
    id: 'lib-diabete-alimentation',
    theme: 'diabetes',
    date: '2023-03-08',
    version: '1',
    ...d(
      ['Diabète de type 2 : bien manger', 'Repères simples pour les repas, sans régime strict.'],
      ['Typ-2-Diabetes: gesund essen', 'Einfache Orientierung für die Mahlzeiten, ohne strenge Diät.'],
      ['Type 2 diabetes: eating well', 'Simple guidance for meals, without a strict diet.'],
    ),
    body: ['Des légumes à chaque repas.', 'Des féculents complets en quantité modérée.', 'L’eau comme boisson principale.'],
  },
  // ── Soins palliatifs ──
  {
    id: 'lib-palliatif-directives',
    theme: 'palliative-care',
    date: '2024-02-20',
    version: '1',
    ...d(
      [
        'Directives anticipées et fin de vie',
        'Comment rédiger ses dispositions de fin de vie et désigner une personne de confiance.',
      ],
      [
        'Patientenverfügung und Lebensende',
        'Wie man seine Verfügung zum Lebensende verfasst und eine Vertrauensperson bestimmt.',
      ],
      ['Advance directives and end of life', 'How to write end-of-life wishes and name a trusted person.'],
    ),
    body: [
      'Les dispositions de fin de vie sont enregistrées auprès de la Commission nationale.',
      'Elles peuvent être modifiées à tout moment.',
      'Désignez une personne de confiance.',
    ],
  },
  {
    id: 'lib-palliatif-douleur',
    theme: 'palliative-care',
    date: '2023-10-05',
    version: '1',
    ...d(
      ['Soulager la douleur en soins palliatifs', 'Évaluer la douleur, les antalgiques, le rôle de l’équipe.'],
      ['Schmerzlinderung in der Palliativpflege', 'Schmerzen einschätzen, Schmerzmittel, die Rolle des Teams.'],
      ['Pain relief in palliative care', 'Assessing pain, analgesics, the team’s role.'],
    ),
    body: [
      'Évaluer la douleur à chaque visite (échelle de 0 à 10).',
      'Adapter le traitement sans attendre.',
      'Prévenir la constipation sous opioïdes.',
    ],
  },
  {
    id: 'lib-palliatif-aidants',
    theme: 'palliative-care',
    date: '2024-07-12',
    version: '1',
    ...d(
      ['Accompagner un proche en fin de vie', 'Congé d’accompagnement, aides à domicile et soutien des aidants.'],
      ['Einen Angehörigen am Lebensende begleiten', 'Begleitungsurlaub, Hilfe zu Hause und Unterstützung für Angehörige.'],
      ['Caring for a relative at the end of life', 'Carer’s leave, home help and support for carers.'],
    ),
    body: [
      'Le congé d’accompagnement dure jusqu’à cinq jours.',
      'Les réseaux de soins à domicile interviennent jour et nuit.',
      'Des groupes de parole existent pour les aidants.',
    ],
  },
  {
    id: 'lib-palliatif-soins-bouche',
    theme: 'palliative-care',
    date: '2023-12-01',
    version: '1',
    ...d(
      ['Soins de bouche en fin de vie', 'Prévenir la sécheresse et les mycoses buccales : gestes simples.'],
      ['Mundpflege am Lebensende', 'Mundtrockenheit und Pilzbefall vorbeugen: einfache Handgriffe.'],
      ['Mouth care at the end of life', 'Preventing dry mouth and oral thrush: simple care.'],
    ),
    body: [
      'Humidifier la bouche toutes les deux heures.',
      'Inspecter la langue et les gencives.',
      'Signaler toute plaque blanche.',
    ],
  },
  // ── Hygiène ──
  {
    id: 'lib-hygiene-mains',
    theme: 'hygiene',
    date: '2023-05-05',
    version: '1',
    ...d(
      ['Hygiène des mains : les 5 moments', 'Quand se frictionner les mains au cours d’un soin, selon l’OMS.'],
      ['Händehygiene: die 5 Momente', 'Wann die Hände während der Pflege desinfiziert werden, nach WHO.'],
      ['Hand hygiene: the 5 moments', 'When to rub hands during care, according to the WHO.'],
    ),
    body: [
      'Avant le contact avec le patient.',
      'Avant un geste aseptique, après un risque d’exposition.',
      'Après le contact avec le patient et son environnement.',
    ],
  },
  {
    id: 'lib-hygiene-domicile',
    theme: 'hygiene',
    date: '2024-03-18',
    version: '1',
    ...d(
      ['Précautions d’hygiène au domicile', 'Tenue, matériel et déchets de soins lors des visites à domicile.'],
      ['Hygiene bei Hausbesuchen', 'Kleidung, Material und Pflegeabfälle bei Hausbesuchen.'],
      ['Hygiene during home visits', 'Clothing, equipment and care waste during home visits.'],
    ),
    body: [
      'Sac de soins nettoyé chaque jour.',
      'Déchets piquants dans un collecteur.',
      'Friction hydro-alcoolique à l’entrée et à la sortie.',
    ],
  },
  {
    id: 'lib-hygiene-bmr',
    theme: 'hygiene',
    date: '2024-08-22',
    version: '1',
    ...d(
      ['Bactéries multirésistantes : conduite à tenir', 'Précautions contact pour un patient porteur de BMR.'],
      ['Multiresistente Erreger: Vorgehen', 'Kontaktschutzmaßnahmen bei Trägern multiresistenter Erreger.'],
      ['Multidrug-resistant bacteria: what to do', 'Contact precautions for a patient carrying resistant bacteria.'],
    ),
    body: [
      'Tablier à usage unique pour les soins rapprochés.',
      'Matériel dédié au patient si possible.',
      'Informer l’équipe et le laboratoire.',
    ],
  },
  {
    id: 'lib-hygiene-plaies',
    theme: 'hygiene',
    date: '2023-07-30',
    version: '1',
    ...d(
      ['Réfection d’un pansement simple', 'Les étapes d’un pansement propre au domicile.'],
      ['Einfacher Verbandwechsel', 'Die Schritte eines sauberen Verbandwechsels zu Hause.'],
      ['Changing a simple dressing', 'The steps of a clean dressing change at home.'],
    ),
    body: [
      'Friction des mains, gants non stériles pour retirer.',
      'Nettoyer du plus propre au plus sale.',
      'Noter l’aspect de la plaie dans le dossier.',
    ],
  },
  // ── Formulaires administratifs ──
  {
    id: 'lib-formulaire-medecin-referent',
    theme: 'administrative-forms',
    date: '2024-01-05',
    version: '1',
    ...d(
      ['Formulaire : déclaration du médecin référent', 'À remplir avec votre médecin pour le désigner comme référent.'],
      ['Formular: Erklärung des Referenzarztes', 'Mit Ihrem Arzt auszufüllen, um ihn als Referenzarzt zu benennen.'],
      ['Form: declaring your referring doctor', 'To fill in with your doctor to name them as referring doctor.'],
    ),
    body: [
      'Nom et matricule du patient : ____________',
      'Nom et code du médecin : ____________',
      'Date et signatures : ____________',
    ],
  },
  {
    id: 'lib-formulaire-acces-dsp',
    theme: 'administrative-forms',
    date: '2024-04-11',
    version: '1',
    ...d(
      ['Formulaire : demande de copie du DSP', 'Demander une copie de son dossier de soins partagé.'],
      ['Formular: Antrag auf Kopie der DSP', 'Eine Kopie der gemeinsamen Patientenakte beantragen.'],
      ['Form: requesting a copy of the DSP', 'Request a copy of one’s shared care record.'],
    ),
    body: [
      'Nom, prénom, matricule : ____________',
      'Adresse d’envoi : ____________',
      'Joindre une copie d’une pièce d’identité.',
    ],
  },
  {
    id: 'lib-formulaire-soins-domicile',
    theme: 'administrative-forms',
    date: '2023-09-01',
    version: '1',
    ...d(
      ['Formulaire : demande de soins à domicile', 'La demande de prise en charge par un réseau d’aides et de soins.'],
      ['Formular: Antrag auf häusliche Pflege', 'Der Antrag auf Betreuung durch ein Hilfs- und Pflegenetz.'],
      ['Form: requesting home care', 'Applying for care by a home-care network.'],
    ),
    body: [
      'Identité du patient : ____________',
      'Soins demandés et fréquence : ____________',
      'Prescription médicale jointe : oui / non',
    ],
  },
];

async function pdfOf(spec: DocSpec): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  // Fixed metadata: the same document on every machine, every run.
  const fixed = new Date(`${spec.date}T00:00:00Z`);
  pdf.setTitle(spec.fr.title);
  pdf.setAuthor('Agence eSanté');
  pdf.setProducer('eSanté Desk seed');
  pdf.setCreator('eSanté Desk seed');
  pdf.setCreationDate(fixed);
  pdf.setModificationDate(fixed);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const page = pdf.addPage([595, 842]);
  // Helvetica's WinAnsi has no typographic apostrophe: the straight one is printed instead.
  const plain = (text: string) => text.replace(/’/g, "'");
  page.drawText(plain(spec.fr.title), { x: 50, y: 780, size: 18, font: bold });
  page.drawText(plain(`Édition ${spec.version} — ${spec.date}`), { x: 50, y: 755, size: 10, font });
  let y = 720;
  for (const line of [spec.fr.summary, '', ...spec.body]) {
    page.drawText(plain(line), { x: 50, y, size: 11, font, maxWidth: 495 });
    y -= 22;
  }
  page.drawText('Agence eSanté — bibliothèque documentaire', { x: 50, y: 40, size: 8, font });
  return pdf.save({ useObjectStreams: false });
}

let made: Promise<SeedItem[]> | undefined;

/** The library documents and their files (built once per process: every test platform seeds them). */
export function demoLibrary(): Promise<SeedItem[]> {
  made ??= (async () => {
    const items: SeedItem[] = [];
    const successors = new Map(LIBRARY_DOCUMENTS.filter((s) => s.replaces).map((s) => [s.replaces!, s.id]));
    for (const spec of LIBRARY_DOCUMENTS) {
      const bytes = await pdfOf(spec);
      const binaryId = `${spec.id}-pdf`;
      const successor = successors.get(spec.id);
      items.push({
        createdBy: LIBRARY_EDITOR,
        resource: {
          resourceType: 'Binary',
          id: binaryId,
          contentType: 'application/pdf',
          securityContext: { reference: `Library/${spec.id}` },
          data: Buffer.from(bytes).toString('base64'),
        },
      });
      items.push({
        createdBy: LIBRARY_EDITOR,
        resource: {
          resourceType: 'Library',
          id: spec.id,
          extension: [translationExtension('de', spec.de), translationExtension('en', spec.en)],
          version: spec.version,
          name: spec.id.replace(/-/g, '_'),
          title: spec.fr.title,
          status: successor ? 'retired' : 'active',
          type: { coding: [{ system: LIBRARY_TYPE_SYSTEM, code: 'asset-collection' }] },
          date: spec.date,
          publisher: 'Agence eSanté',
          description: spec.fr.summary,
          topic: [{ coding: [{ system: LIBRARY_THEME_SYSTEM, code: spec.theme }] }],
          language: 'fr',
          ...(successor || spec.replaces
            ? {
                relatedArtifact: [
                  ...(successor ? [{ type: 'successor' as const, resource: `Library/${successor}` }] : []),
                  ...(spec.replaces ? [{ type: 'predecessor' as const, resource: `Library/${spec.replaces}` }] : []),
                ],
              }
            : {}),
          content: [
            {
              contentType: 'application/pdf',
              language: 'fr',
              url: `Binary/${binaryId}`,
              size: bytes.length,
              title: `${spec.id}.pdf`,
            },
          ],
        } as fhir4.Library & { id: string },
      });
    }
    return items;
  })();
  return made;
}
