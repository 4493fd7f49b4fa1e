/**
 * The bench sends messages exactly as `Mailbox.send` does: the core's own wire module
 * (src-main/core/messaging/message-wire.ts). Kept as a thin adapter for the bench's call sites.
 */
import type { Bundle } from 'fhir/r4';
import { messageBundle as coreMessageBundle, sealBody } from '../../../src-main/core/messaging/message-wire';

/** What the body part holds once decrypted. */
export function sealedBody(subject: string, body: string): Uint8Array {
  return sealBody({ subject, body, attachments: [] });
}

export function messageBundle(sender: string, recipients: string[], parts: Uint8Array[], sentAt: string): Bundle {
  return coreMessageBundle({ sender, recipients, parts, sentAt }).bundle;
}
