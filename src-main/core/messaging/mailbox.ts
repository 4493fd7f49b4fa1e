import { randomUUID } from 'node:crypto';
import type { Binary, Bundle, Communication, Endpoint, Organization, Parameters, Practitioner } from 'fhir/r4';
import type { ComposeInput, MessageSummary, MessageView, RecipientHit } from '../../../src-shared/api';
import { DeskError } from '../../../src-shared/domain/errors';
import { describeByteLimit, MAX_MESSAGE_BYTES } from '../../../src-shared/domain/attachments';
import { DELIVERY_STATUS_URL, openpgpEndpointId, PGP_CONTENT_TYPE } from '../../../src-shared/domain/messaging';
import { AttachmentQueue, binaryIdOf } from '../attachments';
import { PlatformError, type PlatformClient, type PlatformUser } from '../platform-client';
import type { DeliveryEntry, MailFolder, Store, StoredMessage } from '../store';
import { DirectoryLookup, displayNameOf } from './directory-lookup';
import { keyEndpoint } from './key-endpoint';
import type { SealedBody } from '../../../src-shared/domain/sealed-body';
import { base64Of, messageBundle, sealBody, sha256Hex, unsealBody } from './message-wire';
import { decryptAndVerify, encryptAndSign, generateKeyPair, UnreadableMessageError } from './pgp';

const DELIVERY_ORDER = ['pending', 'sent', 'delivered', 'read'] as const;
const ENVELOPES_PER_TRANSACTION = 200;

function leastDelivered(entries: DeliveryEntry[]): DeliveryEntry['status'] {
  if (entries.length === 0) return 'pending';
  return entries.reduce<DeliveryEntry['status']>(
    (least, e) => (DELIVERY_ORDER.indexOf(e.status) < DELIVERY_ORDER.indexOf(least) ? e.status : least),
    'read',
  );
}

export function deliveryOf(communication: Communication): DeliveryEntry[] {
  return (communication.extension ?? [])
    .filter((e) => e.url === DELIVERY_STATUS_URL)
    .map((e) => {
      const part = (name: string) => e.extension?.find((x) => x.url === name);
      return {
        recipient: part('recipient')?.valueReference?.reference ?? '',
        status: (part('status')?.valueCode ?? 'sent') as DeliveryEntry['status'],
        at: part('at')?.valueDateTime ?? null,
      };
    });
}

function summaryOf(message: StoredMessage, directory: DirectoryLookup): MessageSummary {
  return {
    id: message.id,
    folder: message.folder,
    sender: {
      reference: message.sender,
      name: message.senderName || directory.nameOf(message.sender),
      identifier: directory.identifierOf(message.sender),
    },
    signerFingerprint: message.signerFingerprint,
    recipients: message.recipients,
    subject: message.subject,
    sentAt: message.sentAt,
    unread: message.readAt === null,
    signature: message.signature,
    attachmentCount: message.attachments.length,
    delivery: leastDelivered(message.delivery),
  };
}

/**
 * The secure mailbox of one profile (issue 6): encrypts to every recipient and to the sender and signs;
 * sends through the outbox (so offline compose is kept and sent later); opens what sync brings in,
 * verifying signatures against the directory keys; keeps decrypted mail only in the encrypted cache.
 */
export class Mailbox {
  readonly directory: DirectoryLookup;

  constructor(
    private readonly store: Store,
    private readonly client: PlatformClient,
    private readonly afterWrite: () => void,
    private readonly now: () => Date = () => new Date(),
    /** Encrypted parts travel as blobs through the profile's attachment queue. */
    private readonly attachments: AttachmentQueue = new AttachmentQueue(store, client),
  ) {
    this.directory = new DirectoryLookup(store, client);
  }

  private me(): PlatformUser {
    const user = this.client.user;
    if (!user) throw new DeskError('unauthenticated', 'log in once online to use the secure messaging');
    return user;
  }

  /** First login on this device: a key pair, kept in the cache, its public half published in the directory. */
  async ensureKeyPublished(): Promise<void> {
    const user = this.client.user;
    if (!user || !user.id.startsWith('Practitioner/')) return;
    if (this.store.pgpKeys.active()) return;
    await this.publishNewKey(user);
  }

  /**
   * Key rotation: a new key pair becomes the one others encrypt to; the old public key is retired in
   * the directory (status off, kept so its old signatures still verify) and the old private key stays
   * in the cache, so mail encrypted to it stays readable.
   */
  async rotateKey(): Promise<string> {
    const user = this.me();
    const previous = this.store.pgpKeys.active();
    const retired = previous
      ? this.store.resources.get<Endpoint>('Endpoint', openpgpEndpointId(previous.fingerprint))
      : undefined;
    if (previous && !retired) throw new DeskError('offline', 'the current key is not published yet; sync before rotating it');
    return this.publishNewKey(user, retired);
  }

  private async publishNewKey(user: PlatformUser, retire?: { resource: Endpoint; versionId: number }): Promise<string> {
    const pair = await generateKeyPair(user.name, `${user.id.split('/')[1]}@esante.lu`);
    const endpoint = keyEndpoint(user.id, pair, this.now().toISOString());
    this.store.transaction(() => {
      this.store.pgpKeys.addActive({
        fingerprint: pair.fingerprint,
        publicKey: pair.publicKeyArmored,
        privateKey: pair.privateKeyArmored,
        createdAt: this.now().toISOString(),
      });
      this.store.outbox.enqueue({
        entityKey: `Endpoint/${endpoint.id}`,
        method: 'PUT',
        url: `Endpoint/${endpoint.id}`,
        body: endpoint,
      });
      if (retire) {
        const off: Endpoint = {
          ...retire.resource,
          status: 'off',
          period: { ...retire.resource.period, end: this.now().toISOString() },
        };
        this.store.outbox.enqueue({
          entityKey: `Endpoint/${off.id}`,
          method: 'PUT',
          url: `Endpoint/${off.id}`,
          body: off,
          ifMatch: `W/"${retire.versionId}"`,
        });
      }
    });
    this.afterWrite();
    return pair.fingerprint;
  }

  keyInfo(): { fingerprint: string | null; published: boolean } {
    const key = this.store.pgpKeys.active();
    if (!key) return { fingerprint: null, published: false };
    const published = this.store.resources.get<Endpoint>('Endpoint', openpgpEndpointId(key.fingerprint)) !== undefined;
    return { fingerprint: key.fingerprint, published };
  }

  list(folder: MailFolder, query?: string): MessageSummary[] {
    const messages = query
      ? this.store.mailbox.search(query).filter((m) => m.folder === folder)
      : this.store.mailbox.list(folder);
    return messages.map((m) => summaryOf(m, this.directory));
  }

  counts() {
    return this.store.mailbox.counts();
  }

  /** Who can be written to: professionals (with or without a key yet) and organisations' service mailboxes. */
  async searchRecipients(text: string): Promise<RecipientHit[]> {
    const [people, groups] = await Promise.all([
      this.searchDirectory<Practitioner>('Practitioner', text),
      this.searchDirectory<Organization>('Organization', text),
    ]);
    return [
      ...people.map((p) => ({
        reference: `Practitioner/${p.id}`,
        name: displayNameOf(p, p.id ?? ''),
        kind: 'person' as const,
        detail: p.qualification?.[0]?.code?.text ?? p.address?.[0]?.city ?? null,
        hasKey: this.directory.keysOf(`Practitioner/${p.id}`).some((k) => k.active),
      })),
      ...groups.map((o) => ({
        reference: `Organization/${o.id}`,
        name: o.name ?? o.id!,
        kind: 'group' as const,
        detail: o.address?.[0]?.city ?? null,
        hasKey: true,
      })),
    ];
  }

  private async searchDirectory<T extends Practitioner | Organization>(type: T['resourceType'], text: string): Promise<T[]> {
    try {
      return await this.client.search<T>(type, { name: text, _count: '20' });
    } catch (error) {
      if (!(error instanceof PlatformError) || !error.isTransient) throw error;
      return this.store.resources.search(text, 20, type).map((c) => c.resource as unknown as T);
    }
  }

  saveDraft(input: { id?: string | undefined; to: string[]; subject: string; body: string }): string {
    const me = this.me();
    const id = input.id ?? randomUUID();
    const existing = this.store.mailbox.get(id);
    if (existing && existing.folder !== 'drafts') throw new DeskError('invalid_input', 'only drafts can be edited', 'id');
    this.store.mailbox.save({
      id,
      folder: 'drafts',
      sender: me.id,
      senderName: me.name,
      recipients: input.to.map((reference) => ({ reference, name: this.directory.nameOf(reference) })),
      subject: input.subject,
      body: input.body,
      attachments: [],
      sentAt: null,
      readAt: this.now().toISOString(),
      signature: 'own',
      signerFingerprint: null,
      delivery: [],
      versionId: 0,
    });
    return id;
  }

  /** Encrypts and queues a message; it leaves the device when the platform can be reached. */
  async send(input: ComposeInput & { draftId?: string | undefined }): Promise<string> {
    const me = this.me();
    const ownKey = this.store.pgpKeys.active();
    if (!ownKey) throw new DeskError('unauthenticated', 'no messaging key yet: log in once online');
    const people = new Set<string>();
    for (const reference of input.to) {
      if (reference.startsWith('Organization/')) (await this.directory.membersOf(reference)).forEach((m) => people.add(m));
      else people.add(reference);
    }
    people.delete(me.id);
    const recipientKeys = [...people].map((person) => {
      const key = this.directory.keysOf(person).find((k) => k.active);
      if (!key) throw new DeskError('invalid_input', `${this.directory.nameOf(person)} has no published messaging key yet`, 'to');
      return key.armored;
    });
    if (recipientKeys.length === 0) throw new DeskError('invalid_input', 'no recipient besides yourself', 'to');
    const encryptTo = [...recipientKeys, ownKey.publicKey];

    const attachments = (input.attachments ?? []).map((a) => ({ ...a, bytes: Buffer.from(a.data, 'base64') }));
    // The limit holds for the whole message, checked at once (offline too): before encrypting, on the
    // plaintext, and again on the encrypted parts that travel.
    const tooLarge = () =>
      new DeskError(
        'invalid_input',
        `attachments: a message holds at most ${describeByteLimit(MAX_MESSAGE_BYTES)}`,
        'attachments',
      );
    if (attachments.reduce((sum, a) => sum + a.bytes.length, Buffer.byteLength(input.body)) > MAX_MESSAGE_BYTES) throw tooLarge();
    // The id is chosen before sealing: the signed body names its envelope, so it cannot be replayed under another.
    const messageId = randomUUID();
    const sealed = {
      messageId,
      subject: input.subject,
      body: input.body,
      attachments: attachments.map((a) => ({
        name: a.name,
        contentType: a.contentType,
        size: a.bytes.length,
        sha256: sha256Hex(a.bytes),
      })),
    };
    const parts = [
      await encryptAndSign(sealBody(sealed), encryptTo, ownKey.privateKey),
      ...(await Promise.all(attachments.map((a) => encryptAndSign(a.bytes, encryptTo, ownKey.privateKey)))),
    ];

    if (parts.reduce((sum, part) => sum + part.length, 0) > MAX_MESSAGE_BYTES) throw tooLarge();

    const sentAt = this.now().toISOString();
    this.store.transaction(() => {
      // The parts go as blobs; the message waits in the outbox until every one of them is uploaded.
      const blobs = parts.map((part) => this.attachments.stage(part, PGP_CONTENT_TYPE));
      const { id, bundle } = messageBundle({ id: messageId, sender: me.id, recipients: input.to, parts: blobs, sentAt });
      this.store.mailbox.save({
        id,
        folder: 'sent',
        sender: me.id,
        senderName: me.name,
        recipients: input.to.map((reference) => ({ reference, name: this.directory.nameOf(reference) })),
        subject: input.subject,
        body: input.body,
        attachments: sealed.attachments,
        sentAt,
        readAt: sentAt,
        signature: 'own',
        signerFingerprint: ownKey.fingerprint,
        delivery: [...people].map((recipient) => ({ recipient, status: 'pending', at: null })),
        versionId: 0,
      });
      this.store.outbox.enqueue({ entityKey: `Communication/${id}`, method: 'POST', url: '', body: bundle });
      for (const blob of blobs) this.attachments.holdWrites([`Communication/${id}`], blob.sha256);
      if (input.draftId) this.store.mailbox.delete(input.draftId);
    });
    this.attachments.keepToBudget();
    this.afterWrite();
    return messageId;
  }

  /**
   * Opens what the last pull brought: new mail is decrypted and verified into the cache and
   * acknowledged as delivered; delivery receipts update the sent folder. Returns how many messages arrived.
   */
  async processIncoming(): Promise<number> {
    return this.directory.withKeysSnapshot(() => this.openNewEnvelopes());
  }

  private async openNewEnvelopes(): Promise<number> {
    const me = this.client.user?.id;
    if (!me) return 0;
    let arrived = 0;
    const envelopes = this.store.mailbox.unprocessedEnvelopes(100_000);
    // Decrypting is asynchronous; saving is not. Chunks keep one write transaction (one fsync) per
    // couple of hundred messages instead of one per message, without holding all plaintext in memory.
    for (let start = 0; start < envelopes.length; start += ENVELOPES_PER_TRANSACTION) {
      const writes: (() => void)[] = [];
      for (const envelope of envelopes.slice(start, start + ENVELOPES_PER_TRANSACTION)) {
        const communication = JSON.parse(envelope.json) as Communication;
        const existing = this.store.mailbox.get(envelope.id);
        const delivery = deliveryOf(communication);
        if (existing) {
          writes.push(() =>
            this.store.mailbox.save({
              ...existing,
              delivery: delivery.length > 0 ? delivery : existing.delivery,
              versionId: envelope.versionId,
            }),
          );
          continue;
        }
        const opened = await this.openIncoming(communication);
        if (!opened) continue; // its body part has not arrived yet: next pull
        const mine = communication.sender?.reference === me;
        writes.push(() => {
          this.store.mailbox.save({
            ...opened,
            folder: mine ? 'sent' : 'inbox',
            delivery,
            versionId: envelope.versionId,
            readAt: mine ? opened.sentAt : null,
          });
          if (!mine) this.enqueueReceipt(envelope.id, 'delivered');
        });
        if (!mine) arrived += 1;
      }
      this.store.transaction(() => writes.forEach((write) => write()));
    }
    if (arrived > 0) this.afterWrite();
    return arrived;
  }

  async open(id: string): Promise<MessageView> {
    const message = this.store.mailbox.get(id);
    if (!message) throw new DeskError('not_found', `no message ${id}`, 'id');
    if (message.readAt === null) {
      const readAt = this.now().toISOString();
      this.store.transaction(() => {
        this.store.mailbox.save({ ...message, readAt });
        if (message.folder === 'inbox' || message.folder === 'archive') this.enqueueReceipt(id, 'read');
      });
      message.readAt = readAt;
      this.afterWrite();
    }
    return {
      ...summaryOf(message, this.directory),
      body: message.body,
      attachments: message.attachments,
      deliveries: message.delivery,
    };
  }

  archive(id: string): void {
    const message = this.store.mailbox.get(id);
    if (!message) throw new DeskError('not_found', `no message ${id}`, 'id');
    this.store.mailbox.save({ ...message, folder: 'archive' });
  }

  async attachment(id: string, index: number): Promise<{ name: string; contentType: string; data: string }> {
    const message = this.store.mailbox.get(id);
    const meta = message?.attachments[index];
    if (!message || !meta) throw new DeskError('not_found', `no attachment ${index} in message ${id}`, 'index');
    const communication = this.communication(id);
    const url = communication?.payload?.[index + 1]?.contentAttachment?.url;
    const part = url ? await this.partBytes(url) : undefined;
    if (!part)
      throw new DeskError('offline', 'the attachment is not on this device yet; it is fetched once the platform can be reached');
    const opened = await decryptAndVerify(
      part,
      this.privateKeys(),
      this.directory.keysOf(message.sender).map((k) => k.armored),
    );
    if (meta.sha256 !== undefined && sha256Hex(opened.data) !== meta.sha256) {
      throw new DeskError('forbidden', 'this attachment is not the one the sender signed', 'index');
    }
    return { name: meta.name, contentType: meta.contentType, data: base64Of(opened.data) };
  }

  private privateKeys(): string[] {
    return this.store.pgpKeys.all().map((k) => k.privateKey);
  }

  private enqueueReceipt(id: string, status: 'delivered' | 'read'): void {
    const parameters: Parameters = { resourceType: 'Parameters', parameter: [{ name: 'status', valueCode: status }] };
    this.store.outbox.enqueue({
      entityKey: `Communication/${id}`,
      method: 'POST',
      url: `Communication/${id}/$receipt`,
      body: parameters,
    });
  }

  /** The envelope from the cache, or from our own queued transaction while it has not been sent. */
  private communication(id: string): Communication | undefined {
    return (
      this.store.resources.get<Communication>('Communication', id)?.resource ??
      this.queuedResource<Communication>(`Communication/${id}`)
    );
  }

  private binary(reference: string): Binary | undefined {
    const [, id] = reference.split('/');
    return (id ? this.store.resources.get<Binary>('Binary', id)?.resource : undefined) ?? this.queuedResource<Binary>(reference);
  }

  /**
   * The encrypted bytes of a message part: inline (older messages), or its blob from the cache or fetched
   * by the attachment queue. Undefined when they cannot be had now (offline, or not yet readable).
   */
  private async partBytes(reference: string): Promise<Buffer | undefined> {
    const binaryId = binaryIdOf(reference);
    if (!binaryId) return undefined;
    try {
      return await this.attachments.bytesOf(binaryId, this.binary(reference));
    } catch (error) {
      if (error instanceof PlatformError && error.failure.kind === 'rejected') return undefined;
      throw error;
    }
  }

  private queuedResource<T>(reference: string): T | undefined {
    for (const op of this.store.outbox.listUnacked(10_000)) {
      const bundle = op.body as Bundle | null;
      const entry = bundle?.resourceType === 'Bundle' ? bundle.entry?.find((e) => e.request?.url === reference) : undefined;
      if (entry?.resource) return entry.resource as T;
    }
    return undefined;
  }

  /**
   * Whether the envelope carries exactly what the signed body describes: its own id, and one part per
   * listed attachment whose decrypted bytes have the listed SHA-256 (so a part swapped for another, or
   * replayed from another message, is caught even when it is the same sender's and the same size).
   */
  private async partsMatch(
    communication: Communication,
    sealed: SealedBody,
    sender: string,
  ): Promise<'match' | 'mismatch' | 'not-yet'> {
    const attachmentParts = (communication.payload ?? []).slice(1);
    if (sealed.messageId !== communication.id || attachmentParts.length !== sealed.attachments.length) return 'mismatch';
    for (const [i, listed] of sealed.attachments.entries()) {
      const url = attachmentParts[i]!.contentAttachment?.url;
      const part = url ? await this.partBytes(url) : undefined;
      if (!part) return 'not-yet';
      try {
        const opened = await decryptAndVerify(
          part,
          this.privateKeys(),
          this.directory.keysOf(sender).map((k) => k.armored),
        );
        if (opened.data.length !== listed.size || sha256Hex(opened.data) !== listed.sha256) return 'mismatch';
      } catch (error) {
        if (!(error instanceof UnreadableMessageError)) throw error;
        return 'mismatch';
      }
    }
    return 'match';
  }

  private async openIncoming(
    communication: Communication,
  ): Promise<Omit<StoredMessage, 'folder' | 'delivery' | 'versionId'> | null> {
    const sender = communication.sender?.reference ?? '';
    const bodyUrl = communication.payload?.[0]?.contentAttachment?.url;
    const bodyPart = bodyUrl ? await this.partBytes(bodyUrl) : undefined;
    if (!bodyPart) return null;
    const base = {
      id: communication.id!,
      sender,
      senderName: this.directory.nameOf(sender),
      recipients: (communication.recipient ?? []).map((r) => ({
        reference: r.reference ?? '',
        name: this.directory.nameOf(r.reference ?? ''),
      })),
      sentAt: communication.sent ?? null,
      readAt: null,
    };
    try {
      const opened = await decryptAndVerify(
        bodyPart,
        this.privateKeys(),
        this.directory.keysOf(sender).map((k) => k.armored),
      );
      const read = unsealBody(opened.data);
      // A body claiming our format that fails its schema is not trusted in part: shown as unreadable.
      if (read.kind === 'malformed') {
        return { ...base, subject: '', body: '', attachments: [], signature: 'unreadable', signerFingerprint: null };
      }
      const signerFingerprint = opened.signerFingerprint;
      if (read.kind === 'plain') {
        return { ...base, subject: '', body: read.text, attachments: [], signature: opened.signature, signerFingerprint };
      }
      const parts = await this.partsMatch(communication, read.sealed, sender);
      if (parts === 'not-yet') return null; // an attachment part has not arrived yet: next pull
      return {
        ...base,
        subject: read.sealed.subject,
        body: read.sealed.body,
        attachments: read.sealed.attachments,
        // The signature covers the body; the body covers its envelope and every attachment. A mismatch
        // is the sender's signature not holding for what arrived: the same warning as a bad signature.
        signature: opened.signature === 'valid' && parts === 'mismatch' ? 'invalid' : opened.signature,
        signerFingerprint,
      };
    } catch (error) {
      if (!(error instanceof UnreadableMessageError)) throw error;
      // Shown as such, never hidden: the user must know a message arrived that cannot be trusted.
      return { ...base, subject: '', body: '', attachments: [], signature: 'unreadable', signerFingerprint: null };
    }
  }
}
