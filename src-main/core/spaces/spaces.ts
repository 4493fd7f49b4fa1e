import { randomUUID } from 'node:crypto';
import type { Binary, Bundle, Communication, Group, Parameters } from 'fhir/r4';
import type { SpaceFile, SpacePost, SpaceSummary, ThreadSummary } from '../../../src-shared/api';
import { DeskError } from '../../../src-shared/domain/errors';
import {
  activeMembers,
  audienceOfContent,
  contentKindOf,
  isSpace,
  memberStatus,
  replacedFileOf,
  spaceMembers,
  spaceOfContent,
  spaceOwner,
  threadOf,
  type SealedSpaceContent,
  type SpaceContentKind,
} from '../../../src-shared/domain/spaces';
import { AttachmentQueue } from '../attachments';
import type { PlatformClient } from '../platform-client';
import type { DirectoryLookup } from '../messaging/directory-lookup';
import { sha256Hex, base64Of } from '../messaging/message-wire';
import { decryptAndVerify, encryptAndSign, UnreadableMessageError } from '../messaging/pgp';
import type { SpaceContentRow, Store } from '../store';
import { descriptionOf, newSpaceGroup, sealSpaceContent, spacePostBundle, unsealSpaceContent } from './space-wire';

const PER_TRANSACTION = 200;

/**
 * The collaborative spaces of one profile (issue 13): creates spaces and answers invitations through
 * the outbox; encrypts every thread, post and file to the space's active members (the audience frozen
 * at send time) and signs it; after each pull decrypts what arrived into the cache, and purges every
 * space the user no longer belongs to — its Group, its content and its files.
 */
export class Spaces {
  constructor(
    private readonly store: Store,
    private readonly client: PlatformClient,
    private readonly directory: DirectoryLookup,
    private readonly afterWrite: () => void,
    private readonly now: () => Date = () => new Date(),
    /** A file's bytes travel apart from its Binary (issue 10): fetched, cached and evicted by the attachment queue. */
    private readonly attachments: AttachmentQueue = new AttachmentQueue(store, client),
  ) {}

  private me(): string {
    const user = this.client.user;
    if (!user) throw new DeskError('unauthenticated', 'log in once online to use the collaborative spaces');
    return user.id;
  }

  private cachedGroups(): Array<{ group: Group; pending: boolean }> {
    return this.store.resources
      .listByType<Group>('Group', { limit: 10_000 })
      .filter((c) => isSpace(c.resource))
      .map((c) => ({ group: c.resource, pending: c.versionId === 0 }));
  }

  private group(spaceId: string): Group {
    const cached = this.store.resources.get<Group>('Group', spaceId)?.resource;
    if (!cached || !isSpace(cached)) throw new DeskError('not_found', `no space ${spaceId}`, 'spaceId');
    return cached;
  }

  list(): SpaceSummary[] {
    const me = this.me();
    const unread = this.store.spaces.unreadBySpace(me);
    return this.cachedGroups()
      .flatMap(({ group, pending }) => {
        const myStatus = memberStatus(group, me);
        if (myStatus !== 'active' && myStatus !== 'invited') return [];
        const owner = spaceOwner(group) ?? '';
        const members = spaceMembers(group);
        return [
          {
            id: group.id!,
            name: group.name ?? group.id!,
            description: descriptionOf(group),
            owner,
            ownerName: this.directory.nameOf(owner),
            mine: owner === me,
            myStatus,
            memberSince: members.find((m) => m.reference === me)?.since ?? null,
            members: members.map((m) => ({ reference: m.reference, name: this.directory.nameOf(m.reference), status: m.status })),
            unread: myStatus === 'active' ? (unread.get(group.id!) ?? 0) : 0,
            pending,
          },
        ];
      })
      .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  }

  create(input: { name: string; description?: string | undefined; invite: string[] }): string {
    const me = this.me();
    const group = newSpaceGroup({
      name: input.name,
      ...(input.description ? { description: input.description } : {}),
      owner: me,
      invite: [...new Set(input.invite)],
      now: this.now().toISOString(),
    });
    this.store.transaction(() => {
      this.store.resources.saveLocal(group);
      this.store.outbox.enqueue({ entityKey: `Group/${group.id}`, method: 'PUT', url: `Group/${group.id}`, body: group });
    });
    this.afterWrite();
    return group.id;
  }

  /** A membership move: invite / remove (the owner), accept / decline (the invitee), leave (a member). */
  membership(spaceId: string, operation: 'invite' | 'remove' | 'accept' | 'decline' | 'leave', member?: string): void {
    this.group(spaceId);
    const body: Parameters = {
      resourceType: 'Parameters',
      ...(member ? { parameter: [{ name: 'member', valueReference: { reference: member } }] } : {}),
    };
    this.store.outbox.enqueue({ entityKey: `Group/${spaceId}`, method: 'POST', url: `Group/${spaceId}/$${operation}`, body });
    this.afterWrite();
  }

  threads(spaceId: string): ThreadSummary[] {
    this.group(spaceId);
    return this.store.spaces.threads(spaceId, this.me()).map((t) => ({ ...t, senderName: this.directory.nameOf(t.sender) }));
  }

  thread(threadId: string): { thread: ThreadSummary | null; spaceId: string; posts: SpacePost[] } {
    const me = this.me();
    const header = this.store.spaces.get(threadId);
    const posts = this.store.spaces.posts(threadId);
    const spaceId = header?.spaceId ?? posts[0]?.spaceId;
    if (!spaceId) throw new DeskError('not_found', `no thread ${threadId}`, 'threadId');
    const summary = this.store.spaces.threads(spaceId, me).find((t) => t.id === threadId);
    const view = posts.map((p) => this.postView(p, me));
    this.store.spaces.markThreadRead(threadId, this.now().toISOString());
    return {
      thread: summary ? { ...summary, senderName: this.directory.nameOf(summary.sender) } : null,
      spaceId,
      posts: header ? [this.postView(header, me), ...view] : view,
    };
  }

  private postView(row: SpaceContentRow, me: string): SpacePost {
    return {
      id: row.id,
      sender: row.sender,
      senderName: this.directory.nameOf(row.sender),
      sentAt: row.sentAt,
      text: row.text,
      readable: row.readable,
      signature: row.signature as SpacePost['signature'],
      mentions: row.mentions.map((reference) => ({ reference, name: this.directory.nameOf(reference) })),
      mentionsMe: row.mentions.includes(me),
      mine: row.sender === me,
      pending: row.pending,
      unread: row.readAt === null && row.sender !== me,
    };
  }

  files(spaceId: string): SpaceFile[] {
    this.group(spaceId);
    const me = this.me();
    const rows = this.store.spaces.files(spaceId);
    const replaced = new Set(rows.flatMap((r) => (r.replaces ? [r.replaces] : [])));
    const versionOf = (row: SpaceContentRow): number => {
      let version = 1;
      let previous = row.replaces;
      const seen = new Set<string>();
      while (previous && !seen.has(previous)) {
        seen.add(previous);
        version += 1;
        previous = rows.find((r) => r.id === previous)?.replaces ?? null;
      }
      return version;
    };
    return rows.map((row) => ({
      id: row.id,
      name: row.file?.name ?? '',
      contentType: row.file?.contentType ?? 'application/octet-stream',
      size: row.file?.size ?? 0,
      description: row.text,
      sender: row.sender,
      senderName: this.directory.nameOf(row.sender),
      sentAt: row.sentAt,
      readable: row.readable,
      signature: row.signature as SpaceFile['signature'],
      replaces: row.replaces,
      superseded: replaced.has(row.id),
      version: versionOf(row),
      pending: row.pending,
      unread: row.readAt === null && row.sender !== me,
    }));
  }

  startThread(input: { spaceId: string; title: string; text: string; mentions: string[] }): Promise<string> {
    return this.post(input.spaceId, 'thread', { title: input.title, text: input.text, mentions: input.mentions });
  }

  async reply(input: { threadId: string; text: string; mentions: string[] }): Promise<string> {
    const header = this.store.spaces.get(input.threadId) ?? this.store.spaces.posts(input.threadId)[0];
    const spaceId = header?.spaceId;
    if (!spaceId) throw new DeskError('not_found', `no thread ${input.threadId}`, 'threadId');
    return this.post(spaceId, 'post', { text: input.text, mentions: input.mentions, thread: input.threadId });
  }

  async shareFile(input: {
    spaceId: string;
    name: string;
    contentType: string;
    description: string;
    data: string;
    replaces?: string | undefined;
  }): Promise<string> {
    if (input.replaces) {
      const previous = this.store.spaces.get(input.replaces);
      if (previous?.kind !== 'file' || previous.spaceId !== input.spaceId)
        throw new DeskError('invalid_input', 'a new version replaces a file of the same space', 'replaces');
    }
    const bytes = Buffer.from(input.data, 'base64');
    return this.post(input.spaceId, 'file', {
      text: input.description,
      mentions: [],
      file: { name: input.name, contentType: input.contentType, size: bytes.length, sha256: sha256Hex(bytes) },
      bytes,
      ...(input.replaces ? { replaces: input.replaces } : {}),
    });
  }

  /**
   * Encrypts to the space's active members as this device knows them (the platform refuses with 409 if
   * that is no longer who they are) and signs; queued, so it is kept offline and sent later.
   */
  private async post(
    spaceId: string,
    kind: SpaceContentKind,
    content: {
      title?: string;
      text: string;
      mentions: string[];
      thread?: string;
      replaces?: string;
      file?: SealedSpaceContent['file'];
      bytes?: Buffer;
    },
  ): Promise<string> {
    const me = this.me();
    const group = this.group(spaceId);
    if (memberStatus(group, me) !== 'active')
      throw new DeskError('forbidden', 'accept the invitation before posting in this space', 'spaceId');
    const ownKey = this.store.pgpKeys.active();
    if (!ownKey) throw new DeskError('unauthenticated', 'no messaging key yet: log in once online');
    // Every active member with a published key (a colleague who never logged in has none yet, and reads
    // this no more than someone who joins later).
    const audience: string[] = [];
    const keys: string[] = [];
    for (const member of activeMembers(group)) {
      const key = member === me ? ownKey.publicKey : this.directory.keysOf(member).find((k) => k.active)?.armored;
      if (!key) continue;
      audience.push(member);
      keys.push(key);
    }
    const id = randomUUID();
    const sentAt = this.now().toISOString();
    const mentions = content.mentions.filter((m) => audience.includes(m));
    const sealed: Omit<SealedSpaceContent, 'v'> = {
      contentId: id,
      space: spaceId,
      kind,
      text: content.text,
      ...(content.title !== undefined ? { title: content.title } : {}),
      ...(mentions.length > 0 ? { mentions } : {}),
      ...(content.file ? { file: content.file } : {}),
    };
    const ciphertext = await encryptAndSign(sealSpaceContent(sealed), keys, ownKey.privateKey);
    const fileBytes = content.bytes ? await encryptAndSign(content.bytes, keys, ownKey.privateKey) : undefined;
    const bundle = spacePostBundle({
      id,
      spaceId,
      kind,
      sender: me,
      audience,
      sentAt,
      sealed: ciphertext,
      ...(content.thread ? { thread: content.thread } : {}),
      ...(content.replaces ? { replaces: content.replaces } : {}),
      ...(fileBytes ? { fileBytes } : {}),
    });
    this.store.transaction(() => {
      this.store.spaces.save({
        id,
        spaceId,
        kind,
        threadId: content.thread ?? null,
        sender: me,
        sentAt,
        title: content.title ?? '',
        text: content.text,
        mentions,
        file: content.file ? { ...content.file, binaryId: `${id}-data` } : null,
        replaces: content.replaces ?? null,
        readable: true,
        signature: 'own',
        readAt: sentAt,
        pending: true,
        versionId: 0,
      });
      this.store.outbox.enqueue({
        entityKey: `Communication/${id}`,
        method: 'POST',
        url: `Group/${spaceId}/$post`,
        body: bundle,
      });
    });
    this.afterWrite();
    return id;
  }

  async openFile(fileId: string): Promise<{ name: string; contentType: string; data: string }> {
    const row = this.store.spaces.get(fileId);
    if (row?.kind !== 'file' || !row.file) throw new DeskError('not_found', `no file ${fileId}`, 'fileId');
    if (!row.readable)
      throw new DeskError('forbidden', 'this file was shared before you joined the space: it cannot be read', 'fileId');
    const ciphertext = await this.attachments.bytesOf(row.file.binaryId, this.binary(row.file.binaryId));
    if (!ciphertext)
      throw new DeskError('offline', 'the file has not been downloaded yet; it comes with the next sync', 'fileId');
    const opened = await decryptAndVerify(
      ciphertext,
      this.privateKeys(),
      this.directory.keysOf(row.sender).map((k) => k.armored),
    );
    if (sha256Hex(opened.data) !== row.file.sha256)
      throw new DeskError('forbidden', 'this file is not the one its author signed', 'fileId');
    this.store.spaces.markRead(fileId, this.now().toISOString());
    return { name: row.file.name, contentType: row.file.contentType, data: base64Of(opened.data) };
  }

  private binary(id: string): Binary | undefined {
    const cached = this.store.resources.get<Binary>('Binary', id)?.resource;
    if (cached) return cached;
    // Our own file, still waiting in the outbox.
    for (const op of this.store.outbox.listUnacked(10_000)) {
      const bundle = op.body as Bundle | null;
      const entry = bundle?.resourceType === 'Bundle' ? bundle.entry?.find((e) => e.resource?.id === id) : undefined;
      if (entry?.resource?.resourceType === 'Binary') return entry.resource as Binary;
    }
    return undefined;
  }

  private privateKeys(): string[] {
    return this.store.pgpKeys.all().map((k) => k.privateKey);
  }

  /**
   * After a pull: every space the user no longer belongs to is purged (its content, its files, its
   * Group), then what arrived is decrypted into the cache. Returns how many posts and files from
   * others arrived.
   */
  async processIncoming(): Promise<{ arrived: number; purged: number }> {
    const me = this.client.user?.id;
    if (!me) return { arrived: 0, purged: 0 };
    const purged = this.purgeLostSpaces(me);
    const arrived = await this.directory.withKeysSnapshot(() => this.openNewContent(me));
    const resent = await this.resendToCurrentMembers(me);
    if (arrived > 0 || purged > 0 || resent > 0) this.afterWrite();
    return { arrived, purged };
  }

  /**
   * A post queued offline is refused (409) when someone it was encrypted for has left the space meanwhile. Nothing
   * about it needs a person's decision — the author meant it for the space, and the platform only refuses a reader
   * who is gone — so after the pull that brought the new membership it is encrypted again, from the author's own
   * copy in the queued ciphertext, for the people of its audience who are still members, and queued under a new
   * operation (the refused one stays refused in the platform's ledger). Never for a newcomer: the audience only
   * shrinks, as if the post had been sent when it was written. Any other refusal stays in the quarantine.
   */
  private async resendToCurrentMembers(me: string): Promise<number> {
    const ownKey = this.store.pgpKeys.active();
    if (!ownKey) return 0;
    let resent = 0;
    for (const entry of this.store.quarantine.list()) {
      const op = this.store.outbox.get(entry.opId);
      if (!op || op.method !== 'POST' || !/^Group\/[^/]+\/\$post$/.test(op.url)) continue;
      const bundle = op.body as Bundle;
      const communication = bundle.entry?.find((e) => e.resource?.resourceType === 'Communication')?.resource as
        Communication | undefined;
      const spaceId = communication && spaceOfContent(communication);
      const kind = communication && contentKindOf(communication);
      const group = spaceId ? this.store.resources.get<Group>('Group', spaceId)?.resource : undefined;
      if (!communication?.id || !spaceId || !kind || !group || memberStatus(group, me) !== 'active') continue;
      const members = activeMembers(group);
      const before = audienceOfContent(communication);
      if (before.every((m) => members.includes(m))) continue; // not a stale audience: refused for another reason
      const audience: string[] = [];
      const keys: string[] = [];
      for (const member of before.filter((m) => members.includes(m))) {
        const key = member === me ? ownKey.publicKey : this.directory.keysOf(member).find((k) => k.active)?.armored;
        if (!key) continue;
        audience.push(member);
        keys.push(key);
      }
      const reseal = async (data: string | undefined) =>
        data === undefined
          ? undefined
          : (await decryptAndVerify(Buffer.from(data, 'base64'), this.privateKeys(), [ownKey.publicKey])).data;
      const plain = await reseal(communication.payload?.[0]?.contentAttachment?.data);
      const sealed = plain && unsealSpaceContent(plain);
      const binary = bundle.entry?.find((e) => e.resource?.resourceType === 'Binary')?.resource as Binary | undefined;
      // A file whose bytes left the queued body (the attachment queue holds them) is for the person to resend.
      if (!sealed || (binary && binary.data === undefined)) continue;
      const mentions = (sealed.mentions ?? []).filter((m) => audience.includes(m));
      const { v: _version, ...content } = sealed;
      const fileBytes = binary ? await reseal(binary.data) : undefined;
      const thread = threadOf(communication);
      const replaces = replacedFileOf(communication);
      const body = spacePostBundle({
        id: communication.id,
        spaceId,
        kind,
        sender: me,
        audience,
        sentAt: communication.sent ?? this.now().toISOString(),
        sealed: await encryptAndSign(sealSpaceContent({ ...content, mentions }), keys, ownKey.privateKey),
        ...(thread ? { thread } : {}),
        ...(replaces ? { replaces } : {}),
        ...(fileBytes ? { fileBytes: await encryptAndSign(fileBytes, keys, ownKey.privateKey) } : {}),
      });
      this.store.transaction(() => {
        this.store.quarantine.resolve(op.opId);
        this.store.outbox.discard(op.opId);
        this.store.outbox.enqueue({ entityKey: op.entityKey, method: 'POST', url: op.url, body });
        const row = this.store.spaces.get(communication.id!);
        if (row) this.store.spaces.save({ ...row, mentions });
      });
      resent += 1;
    }
    return resent;
  }

  /** The spaces this device holds anything of, that no longer show themselves to the user as a member. */
  private purgeLostSpaces(me: string): number {
    const held = new Set(this.store.spaces.spaceIds());
    for (const c of this.store.spaces.unprocessed(100_000)) {
      const space = spaceOfContent(JSON.parse(c.json) as Communication);
      if (space) held.add(space);
    }
    for (const { group } of this.cachedGroups()) held.add(group.id!);
    let purged = 0;
    for (const spaceId of held) {
      const group = this.store.resources.get<Group>('Group', spaceId)?.resource;
      const status = group ? memberStatus(group, me) : undefined;
      if (status === 'active') continue;
      // Invited again after leaving: the invitation stays, nothing of the content does.
      if (status === 'invited' && !this.store.spaces.spaceIds().includes(spaceId)) continue;
      this.purgeSpace(spaceId, status !== 'invited');
      purged += 1;
    }
    return purged;
  }

  private purgeSpace(spaceId: string, withGroup: boolean): void {
    this.store.transaction(() => {
      const dropped = new Set(this.store.spaces.purgeSpace(spaceId));
      for (const cached of this.store.resources.listByType<Communication>('Communication', { limit: 1_000_000 })) {
        if (spaceOfContent(cached.resource) === spaceId && contentKindOf(cached.resource)) dropped.add(cached.resource.id!);
      }
      for (const id of dropped) {
        const communication = this.store.resources.versionOf('Communication', id);
        if (communication) this.store.resources.markDeleted('Communication', id, communication.versionId);
        const binary = this.store.resources.versionOf('Binary', `${id}-data`);
        if (binary) this.store.resources.markDeleted('Binary', `${id}-data`, binary.versionId);
      }
      const group = this.store.resources.versionOf('Group', spaceId);
      if (withGroup && group && !group.deleted) this.store.resources.markDeleted('Group', spaceId, group.versionId);
    });
  }

  private async openNewContent(me: string): Promise<number> {
    let arrived = 0;
    const incoming = this.store.spaces.unprocessed(100_000);
    for (let start = 0; start < incoming.length; start += PER_TRANSACTION) {
      const rows: SpaceContentRow[] = [];
      for (const item of incoming.slice(start, start + PER_TRANSACTION)) {
        const communication = JSON.parse(item.json) as Communication;
        const existing = this.store.spaces.get(item.id);
        if (existing) {
          rows.push({ ...existing, pending: false, versionId: item.versionId });
          continue;
        }
        const row = await this.open(communication, item.versionId, me);
        if (!row) continue;
        rows.push(row);
        if (row.sender !== me) arrived += 1;
      }
      this.store.transaction(() => rows.forEach((row) => this.store.spaces.save(row)));
    }
    return arrived;
  }

  /** Decrypts one piece of content; kept as unreadable (never hidden) when it cannot be opened. */
  private async open(communication: Communication, versionId: number, me: string): Promise<SpaceContentRow | null> {
    const kind = contentKindOf(communication);
    const spaceId = spaceOfContent(communication);
    const sender = communication.sender?.reference ?? '';
    if (!kind || !spaceId) return null;
    const base: SpaceContentRow = {
      id: communication.id!,
      spaceId,
      kind,
      threadId: threadOf(communication) ?? null,
      sender,
      sentAt: communication.sent ?? communication.meta?.lastUpdated ?? this.now().toISOString(),
      title: '',
      text: '',
      mentions: [],
      file: null,
      replaces: replacedFileOf(communication) ?? null,
      readable: false,
      signature: 'unreadable',
      readAt: sender === me ? (communication.sent ?? null) : null,
      pending: false,
      versionId,
    };
    const data = communication.payload?.[0]?.contentAttachment?.data;
    if (!data || !audienceOfContent(communication).includes(me)) return base;
    try {
      const opened = await decryptAndVerify(
        Buffer.from(data, 'base64'),
        this.privateKeys(),
        this.directory.keysOf(sender).map((k) => k.armored),
      );
      const sealed = unsealSpaceContent(opened.data);
      // The sealed content names its Communication and space: a ciphertext replayed under another is not trusted.
      if (!sealed || sealed.contentId !== communication.id || sealed.space !== spaceId || sealed.kind !== kind) return base;
      const binaryUrl = communication.payload?.[1]?.contentAttachment?.url;
      return {
        ...base,
        title: sealed.title ?? '',
        text: sealed.text,
        mentions: sealed.mentions ?? [],
        file: sealed.file && binaryUrl ? { ...sealed.file, binaryId: binaryUrl.slice('Binary/'.length) } : null,
        readable: true,
        signature: opened.signature,
      };
    } catch (error) {
      if (!(error instanceof UnreadableMessageError)) throw error;
      return base;
    }
  }
}
