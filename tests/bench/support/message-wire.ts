/**
 * The bench sends messages exactly as `Mailbox.send` does: the core's own wire module
 * (src-main/core/messaging/message-wire.ts). Kept as a thin adapter for the bench's call sites.
 */
import type { Bundle } from 'fhir/r4';
import { messageBundle as coreMessageBundle, sealBody } from '../../../src-main/core/messaging/message-wire';

/** What the body part holds once decrypted; it names the envelope `messageId` it is sealed for. */
export function sealedBody(messageId: string, subject: string, body: string): Uint8Array {
  return sealBody({ messageId, subject, body, attachments: [] });
}

export function messageBundle(id: string, sender: string, recipients: string[], parts: Uint8Array[], sentAt: string): Bundle {
  return coreMessageBundle({ id, sender, recipients, parts, sentAt }).bundle;
}
