/**
 * Wire vocabulary of the public document library (issue 13), shared by the platform and the client core.
 *
 * A library document is a FHIR `Library` (type `asset-collection`), not a DocumentReference: a
 * DocumentReference is a patient's DSP document, governed by the DSP decision table; a public leaflet
 * is no patient's, and giving it a type of its own keeps the one public exception to "every request
 * needs a token" to that type (and to the Binaries a Library names), far from any DSP rule.
 *
 * - `title` and `description` are French (the default language); German and English ride in
 *   LIBRARY_TRANSLATION_URL extensions (sub-extensions `lang`, `title`, `summary`).
 * - `topic` holds the theme (LIBRARY_THEME_SYSTEM); `version` and `date` the edition.
 * - `status` `active` is the current edition, `retired` a superseded one; `relatedArtifact`
 *   `successor` names its replacement, `predecessor` what a new edition replaces.
 * - `content[]` attachments point at `Binary/<id>` whose `securityContext` is the Library.
 */
import type { Attachment, Library } from 'fhir/r4';

export const LIBRARY_THEME_SYSTEM = 'https://esante.lu/fhir/CodeSystem/library-theme';
export const LIBRARY_TRANSLATION_URL = 'https://esante.lu/fhir/StructureDefinition/library-translation';
export const LIBRARY_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/library-type';

/** Desk role code (DESK_ROLE_SYSTEM) of a PractitionerRole making its holder an editor of the library. */
export const LIBRARY_EDITOR_ROLE_CODE = 'library-editor';
/** The organisation whose editors publish the library (the platform's agency). */
export const LIBRARY_PUBLISHER_ORGANIZATION = 'esante-agency';

export const LIBRARY_THEMES = [
  'prevention',
  'vaccination',
  'diabetes',
  'palliative-care',
  'hygiene',
  'administrative-forms',
] as const;
export type LibraryTheme = (typeof LIBRARY_THEMES)[number];

export const LIBRARY_LANGUAGES = ['fr', 'de', 'en'] as const;
export type LibraryLanguage = (typeof LIBRARY_LANGUAGES)[number];

/** The largest file of a library document (a leaflet or a form, never a book). */
export const MAX_LIBRARY_FILE_BYTES = 10 * 1024 * 1024;

export interface LibraryText {
  title: string;
  summary: string;
}

/** Title and summary in `lang`, falling back to French (the document's own language). */
export function libraryText(library: Library, lang: LibraryLanguage): LibraryText {
  const french = { title: library.title ?? library.name ?? library.id ?? '', summary: library.description ?? '' };
  if (lang === 'fr') return french;
  for (const ext of library.extension ?? []) {
    if (ext.url !== LIBRARY_TRANSLATION_URL) continue;
    const part = (name: string) => ext.extension?.find((e) => e.url === name);
    if (part('lang')?.valueCode !== lang) continue;
    return { title: part('title')?.valueString ?? french.title, summary: part('summary')?.valueString ?? french.summary };
  }
  return french;
}

export function translationExtension(lang: Exclude<LibraryLanguage, 'fr'>, text: LibraryText) {
  return {
    url: LIBRARY_TRANSLATION_URL,
    extension: [
      { url: 'lang', valueCode: lang },
      { url: 'title', valueString: text.title },
      { url: 'summary', valueString: text.summary },
    ],
  };
}

export function themeOf(library: Library): LibraryTheme | undefined {
  for (const topic of library.topic ?? [])
    for (const coding of topic.coding ?? [])
      if (coding.system === LIBRARY_THEME_SYSTEM && (LIBRARY_THEMES as readonly string[]).includes(coding.code ?? ''))
        return coding.code as LibraryTheme;
  return undefined;
}

function relatedId(library: Library, type: 'successor' | 'predecessor'): string | undefined {
  const ref = library.relatedArtifact?.find((r) => r.type === type)?.resource;
  return ref?.startsWith('Library/') ? ref.slice('Library/'.length) : undefined;
}

/** The edition that replaces this one (a superseded document is `retired` and names it). */
export const successorOf = (library: Library) => relatedId(library, 'successor');
export const predecessorOf = (library: Library) => relatedId(library, 'predecessor');

/** The files of a document: attachments pointing at a Binary. */
export function libraryFiles(library: Library): Array<Attachment & { binaryId: string }> {
  return (library.content ?? []).flatMap((a) =>
    a.url?.startsWith('Binary/') ? [{ ...a, binaryId: a.url.slice('Binary/'.length) }] : [],
  );
}

/** The Library a Binary is a file of (its securityContext), if any. */
export function libraryOfBinary(binary: { securityContext?: { reference?: string } }): string | undefined {
  const ref = binary.securityContext?.reference;
  return typeof ref === 'string' && ref.startsWith('Library/') ? ref.slice('Library/'.length) : undefined;
}
