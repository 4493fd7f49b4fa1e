import { z } from 'zod';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '../domain/messaging';
import { defineMethod } from './contract';

export const mailFolder = z.enum(['inbox', 'sent', 'drafts', 'archive']);
export type MailFolderName = z.infer<typeof mailFolder>;

/** What a signature check concluded; anything but `valid` (or `own`) is shown as a warning. */
export const signatureCheck = z.enum(['valid', 'invalid', 'missing', 'unknown-signer', 'unreadable', 'own']);
export const deliveryState = z.enum(['pending', 'sent', 'delivered', 'read']);

const party = z.object({ reference: z.string(), name: z.string() });

/** The sender as the directory knows them: a name can be imitated, the identifier and the key's fingerprint cannot. */
const sender = party.extend({
  /** The directory's identifier of the sender (a professional's code, else the directory reference). */
  identifier: z.string(),
});

export const messageSummary = z.object({
  id: z.string(),
  folder: mailFolder,
  sender,
  /** Fingerprint (upper-case hex) of the directory key that signed the message; null when none matched or unsigned. */
  signerFingerprint: z.string().nullable(),
  recipients: z.array(party),
  subject: z.string(),
  sentAt: z.string().nullable(),
  unread: z.boolean(),
  signature: signatureCheck,
  attachmentCount: z.number().int().nonnegative(),
  /** The least advanced delivery state over all recipients (for the sent folder). */
  delivery: deliveryState,
});
export type MessageSummary = z.infer<typeof messageSummary>;

export const messageView = messageSummary.extend({
  body: z.string(),
  attachments: z.array(z.object({ name: z.string(), contentType: z.string(), size: z.number().int().nonnegative() })),
  deliveries: z.array(z.object({ recipient: z.string(), status: deliveryState, at: z.string().nullable() })),
});
export type MessageView = z.infer<typeof messageView>;

/** Base64 of at most MAX_ATTACHMENT_BYTES bytes. */
const base64Attachment = z
  .string()
  .max(Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4, `at most ${MAX_ATTACHMENT_BYTES / (1024 * 1024)} MB`)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

const reference = z
  .string()
  .regex(/^(Practitioner|Organization)\/[A-Za-z0-9\-.]{1,64}$/, 'a professional or an organisation of the directory');

export const composeInput = z
  .object({
    to: z.array(reference).min(1, 'at least one recipient').max(50),
    subject: z.string().trim().min(1, 'required').max(200),
    body: z.string().max(100_000),
    attachments: z
      .array(
        z.object({ name: z.string().min(1).max(200), contentType: z.string().min(1).max(100), data: base64Attachment }).strict(),
      )
      .max(MAX_ATTACHMENTS, `at most ${MAX_ATTACHMENTS} attachments`)
      .default([]),
  })
  .strict();
export type ComposeInput = z.input<typeof composeInput>;

export const recipientHit = z.object({
  reference: z.string(),
  name: z.string(),
  kind: z.enum(['person', 'group']),
  detail: z.string().nullable(),
  /** A person without a published key cannot receive encrypted mail yet. */
  hasKey: z.boolean(),
});
export type RecipientHit = z.infer<typeof recipientHit>;

const byId = z.object({ id: z.string().min(1).max(64) }).strict();

export const mailboxMethods = {
  /** This professional's key: fingerprint to compare out of band, and whether the directory has it. */
  keyInfo: defineMethod(z.object({}).strict(), z.object({ fingerprint: z.string().nullable(), published: z.boolean() })),
  /** A new key pair; the old one is retired in the directory but kept here so old mail stays readable. */
  rotateKey: defineMethod(z.object({}).strict(), z.object({ fingerprint: z.string() })),
  list: defineMethod(
    z.object({ folder: mailFolder, query: z.string().trim().max(100).optional() }).strict(),
    z.array(messageSummary),
  ),
  counts: defineMethod(z.object({}).strict(), z.record(mailFolder, z.object({ total: z.number(), unread: z.number() }))),
  /** Opens a message (and tells the sender it was read). */
  open: defineMethod(byId, messageView),
  /** Encrypts and queues; `draftId` is the draft it replaces. */
  send: defineMethod(composeInput.extend({ draftId: z.string().max(64).optional() }), z.object({ id: z.string() })),
  saveDraft: defineMethod(
    composeInput.extend({ id: z.string().max(64).optional(), subject: z.string().max(200) }),
    z.object({ id: z.string() }),
  ),
  archive: defineMethod(byId, z.object({ id: z.string() })),
  attachment: defineMethod(
    z
      .object({
        id: z.string().min(1).max(64),
        index: z
          .number()
          .int()
          .min(0)
          .max(MAX_ATTACHMENTS - 1),
      })
      .strict(),
    z.object({ name: z.string(), contentType: z.string(), data: z.string() }),
  ),
  searchRecipients: defineMethod(
    z.object({ text: z.string().trim().min(2, 'at least 2 characters').max(100) }).strict(),
    z.array(recipientHit),
  ),
};
