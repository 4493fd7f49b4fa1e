/**
 * Who may see a message (issue 6): its sender and its effective recipients — the Practitioners named
 * directly and the members of the Organizations (service mailboxes) named, as expanded when it was
 * sent. The expansion is recorded in the envelope itself (one delivery-status entry per effective
 * recipient), so read, search and `$changes` decide from the stored resource alone. Pure.
 */
import { DELIVERY_STATUS_URL, DELIVERY_STATUSES, type DeliveryStatus } from '../../../src-shared/domain/messaging';
import type { ResourceTypeDef } from '../fhir/resource-types';
import type { ReferenceEntry } from '../fhir/search-index';

/**
 * Internal search-index parameter holding the audience of a message resource (the Communication and
 * its Binary parts). It is no declared search parameter, so no client can query or forge it.
 */
export const AUDIENCE_PARAM = '_audience';

/** Resource types whose versions may carry an audience (and are then visible to it only). */
export const AUDIENCE_TYPES = ['Communication', 'Binary'] as const;

export interface DeliveryEntry {
  recipient: string;
  status: DeliveryStatus;
  at: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The per-recipient delivery status recorded by the platform in a stored Communication. */
export function deliveryEntries(communication: fhir4.Resource): DeliveryEntry[] {
  const extensions = (communication as fhir4.Communication).extension ?? [];
  const entries: DeliveryEntry[] = [];
  for (const ext of extensions) {
    if (ext.url !== DELIVERY_STATUS_URL) continue;
    const part = (name: string) => ext.extension?.find((e) => e.url === name);
    const recipient = part('recipient')?.valueReference?.reference;
    const status = part('status')?.valueCode;
    const at = part('at')?.valueDateTime;
    if (typeof recipient === 'string' && DELIVERY_STATUSES.includes(status as DeliveryStatus) && typeof at === 'string') {
      entries.push({ recipient, status: status as DeliveryStatus, at });
    }
  }
  return entries;
}

export function deliveryExtension(entry: DeliveryEntry): fhir4.Extension {
  return {
    url: DELIVERY_STATUS_URL,
    extension: [
      { url: 'recipient', valueReference: { reference: entry.recipient } },
      { url: 'status', valueCode: entry.status },
      { url: 'at', valueDateTime: entry.at },
    ],
  };
}

export function senderOf(communication: fhir4.Resource): string | undefined {
  const sender = (communication as fhir4.Communication).sender?.reference;
  return typeof sender === 'string' ? sender : undefined;
}

/** Sender and effective recipients of a stored Communication. */
export function audienceOf(communication: fhir4.Resource): string[] {
  const sender = senderOf(communication);
  return [...new Set([...(sender ? [sender] : []), ...deliveryEntries(communication).map((e) => e.recipient)])];
}

/** The Communication ("id") an encrypted Binary part belongs to, from its securityContext; undefined for other Binaries. */
export function messageOfBinary(binary: fhir4.Resource): string | undefined {
  const context = (binary as fhir4.Binary).securityContext;
  const ref = isRecord(context) ? context.reference : undefined;
  return typeof ref === 'string' && ref.startsWith('Communication/') ? ref.slice('Communication/'.length) : undefined;
}

/** How far a status has come: a receipt never moves it backwards (read implies delivered). */
export const DELIVERY_RANK: Record<DeliveryStatus, number> = { sent: 0, delivered: 1, read: 2 };

/** The message a transaction sends, once every rule has passed (messaging/messaging.ts). */
export interface MessagePlan {
  communicationId: string;
  /** Sender and effective recipients. */
  audience: string[];
  binaryIds: Set<string>;
}

/** Index rows naming who may see this version (none for anything but message resources). */
export function audienceIndex(def: ResourceTypeDef, resource: fhir4.Resource, plan: MessagePlan | undefined): ReferenceEntry[] {
  let audience: string[] = [];
  if (def.type === 'Communication') audience = audienceOf(resource);
  else if (def.type === 'Binary') {
    const message = messageOfBinary(resource);
    if (message !== undefined) {
      // Only reachable inside the message's own transaction (messaging/messaging.ts guardWrite refuses the rest).
      if (!plan || plan.communicationId !== message)
        throw new Error(`Binary/${resource.id}: message part written outside its message transaction`);
      audience = plan.audience;
    }
  }
  return audience.map((target) => ({ param: AUDIENCE_PARAM, target }));
}
