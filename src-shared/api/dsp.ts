import { z } from 'zod';
import { base64ByteLength, describeByteLimit, MAX_DOCUMENT_BYTES } from '../domain/attachments';
import { CONFIDENTIALITY_LEVELS } from '../domain/confidentiality';
import { DSP_DOCUMENT_TYPE_CODES } from '../domain/dsp';
import { defineMethod } from './contract';

const documentType = z.enum(DSP_DOCUMENT_TYPE_CODES as [string, ...string[]]);
const confidentiality = z.enum(CONFIDENTIALITY_LEVELS);
const id = z.string().min(1).max(64);

export const accessReason = z.object({
  kind: z.enum(['referent', 'trust-circle', 'presence-code', 'author']),
  until: z.string().nullable(),
});

export const dspPatient = z.object({
  id: z.string(),
  name: z.string(),
  matricule: z.string().nullable(),
  birthDate: z.string().nullable(),
  documentCount: z.number().int().nonnegative(),
  access: z.array(accessReason),
});
export type DspPatient = z.infer<typeof dspPatient>;

export const recentPatient = z.object({ id: z.string(), name: z.string(), openedAt: z.string() });
export type RecentPatient = z.infer<typeof recentPatient>;

export const dspDocumentSummary = z.object({
  id: z.string(),
  patientId: z.string(),
  type: z.string().nullable(),
  title: z.string(),
  date: z.string().nullable(),
  author: z.string().nullable(),
  organization: z.string().nullable(),
  confidentiality: confidentiality,
  status: z.enum(['current', 'superseded', 'entered-in-error']),
  contentType: z.string().nullable(),
  /** Written on this device and not yet acknowledged by the platform. */
  pending: z.boolean(),
  mine: z.boolean(),
  replaces: z.string().nullable(),
});
export type DspDocumentSummary = z.infer<typeof dspDocumentSummary>;

/** Why a document's content is not shown: not on this device yet (offline), a type the app cannot display, or none at all. */
export const documentContentUnavailable = z.enum(['not-on-device', 'not-displayable', 'no-content']);
export type DocumentContentUnavailable = z.infer<typeof documentContentUnavailable>;

/** Base64 of at most MAX_DOCUMENT_BYTES (20 MiB), counted in decoded bytes: 20 MiB + 1 byte is refused. */
const content = z
  .string()
  .max(Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4 + 4, `at most ${describeByteLimit(MAX_DOCUMENT_BYTES)}`)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
  .refine((data) => base64ByteLength(data) <= MAX_DOCUMENT_BYTES, `at most ${describeByteLimit(MAX_DOCUMENT_BYTES)}`);

const newDocument = z
  .object({
    type: documentType,
    title: z.string().trim().min(1, 'required').max(200),
    confidentiality: confidentiality.default('N'),
    contentType: z.enum(['application/pdf', 'text/plain']),
    data: content.min(1, 'required'),
  })
  .strict();

export const dspMethods = {
  /** "Mes patients": the patients whose DSP this professional may open, and why. */
  patients: defineMethod(z.object({}).strict(), z.array(dspPatient)),
  /** Records that this professional opened a patient's DSP; kept in the encrypted cache. */
  opened: defineMethod(z.object({ patientId: id }).strict(), z.object({})),
  /** The DSPs opened last (at most `limit`) that this professional may still open. */
  recentPatients: defineMethod(z.object({ limit: z.number().int().min(1).max(20).default(5) }).strict(), z.array(recentPatient)),
  documents: defineMethod(
    z
      .object({
        patientId: id,
        type: documentType.optional(),
        author: z.string().trim().max(100).optional(),
        from: z.iso.date().optional(),
        to: z.iso.date().optional(),
        text: z.string().trim().max(100).optional(),
      })
      .strict(),
    z.array(dspDocumentSummary),
  ),
  /**
   * A document with its content: `text` for text, `data` (base64) for a PDF, or neither and `unavailable`
   * saying why — the content has not reached this device yet, or it is of a type the app cannot show.
   */
  document: defineMethod(
    z.object({ id }).strict(),
    dspDocumentSummary.extend({
      data: z.string().nullable(),
      text: z.string().nullable(),
      unavailable: documentContentUnavailable.nullable(),
    }),
  ),
  addDocument: defineMethod(newDocument.extend({ patientId: id }), z.object({ id: z.string() })),
  /** A correction is a new document that replaces the old one; the old one is never overwritten. */
  correct: defineMethod(newDocument.extend({ replaces: id }), z.object({ id: z.string() })),
  markEnteredInError: defineMethod(z.object({ id }).strict(), z.object({ id: z.string() })),
  /** The code a patient gives at the visit: opens their DSP to this professional until it expires. */
  redeemPresenceCode: defineMethod(
    z
      .object({
        patientId: id,
        code: z
          .string()
          .trim()
          .regex(/^\d{8}$/, 'eight digits'),
      })
      .strict(),
    z.object({ until: z.string().nullable() }),
  ),
};
