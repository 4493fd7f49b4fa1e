/**
 * The decrypted body of a secure message (what the signature covers), shared by everyone who reads or
 * writes the wire. It names its envelope and the SHA-256 of each attachment, so a part swapped for
 * another, or replayed from another message, no longer matches what the sender signed (issue 9).
 */
import { z } from 'zod';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from './messaging';

export const SEALED_BODY_VERSION = 2;

/** Lower-case hex SHA-256 of the attachment's plaintext bytes. */
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 as 64 lower-case hex digits');

export const sealedAttachmentSchema = z
  .object({
    name: z.string().min(1).max(200),
    contentType: z.string().min(1).max(100),
    size: z.number().int().nonnegative().max(MAX_ATTACHMENT_BYTES),
    sha256: sha256Hex,
  })
  .strict();
export type SealedAttachment = z.infer<typeof sealedAttachmentSchema>;

export const sealedBodySchema = z
  .object({
    v: z.literal(SEALED_BODY_VERSION),
    /** The Communication id of the envelope it was sealed for: a body replayed under another envelope is caught. */
    messageId: z.string().min(1).max(64),
    subject: z.string().max(200),
    body: z.string().max(100_000),
    /** One per attachment part of the envelope, in order (part i + 1). */
    attachments: z.array(sealedAttachmentSchema).max(MAX_ATTACHMENTS),
  })
  .strict();
export type SealedBody = z.infer<typeof sealedBodySchema>;

/**
 * What a decrypted body turned out to be: our sealed JSON; plain text (another OpenPGP client such as
 * GnuPG wrote it, and it is shown as the text of the message); or something claiming to be our format
 * (a JSON object with a `v`) that fails the schema — shown as unreadable, never trusted in part.
 */
export type ReadBody =
  { kind: 'sealed'; sealed: SealedBody } | { kind: 'plain'; text: string } | { kind: 'malformed'; reason: string };

export function readSealedBody(text: string): ReadBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'plain', text };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('v' in parsed)) return { kind: 'plain', text };
  const checked = sealedBodySchema.safeParse(parsed);
  if (checked.success) return { kind: 'sealed', sealed: checked.data };
  const issue = checked.error.issues[0]!;
  return { kind: 'malformed', reason: `${issue.path.map(String).join('.') || 'body'}: ${issue.message}` };
}
