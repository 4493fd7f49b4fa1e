import { z } from 'zod';
import { LIBRARY_LANGUAGES, LIBRARY_THEMES } from '../domain/library';
import { defineMethod } from './contract';

const id = z.string().min(1).max(64);
export const libraryTheme = z.enum(LIBRARY_THEMES);
export const libraryLanguage = z.enum(LIBRARY_LANGUAGES);

export const libraryDocumentSummary = z.object({
  id: z.string(),
  theme: libraryTheme.nullable(),
  /** In the language asked for (French when the document has no translation). */
  title: z.string(),
  summary: z.string(),
  version: z.string().nullable(),
  date: z.string().nullable(),
  /** A superseded edition: `replacedBy` names the one to read instead. */
  superseded: z.boolean(),
  replacedBy: z.string().nullable(),
  replaces: z.string().nullable(),
  /** Its PDF is on this device (opened or pinned before): readable offline. */
  onDevice: z.boolean(),
  pinned: z.boolean(),
});
export type LibraryDocumentSummary = z.infer<typeof libraryDocumentSummary>;

export const librarySearchResult = z.object({
  documents: z.array(libraryDocumentSummary),
  /** The platform could not be reached: the documents listed are those kept on this device. */
  offline: z.boolean(),
});
export type LibrarySearchResult = z.infer<typeof librarySearchResult>;

export const libraryMethods = {
  /** Documents by theme and/or full text (title and summary in FR/DE/EN); superseded editions only when asked. */
  search: defineMethod(
    z
      .object({
        text: z.string().trim().max(100).optional(),
        theme: libraryTheme.optional(),
        lang: libraryLanguage.default('fr'),
        includeSuperseded: z.boolean().default(false),
      })
      .strict(),
    librarySearchResult,
  ),
  /** One document with its PDF (base64); fetched once, then kept on this device for offline reading. */
  open: defineMethod(
    z.object({ id, lang: libraryLanguage.default('fr') }).strict(),
    z.object({ document: libraryDocumentSummary, contentType: z.string(), data: z.string(), offline: z.boolean() }),
  ),
  /** Keeps (or stops keeping) a document on this device for offline reading. */
  pin: defineMethod(z.object({ id, pinned: z.boolean() }).strict(), z.object({ id: z.string(), pinned: z.boolean() })),
};
