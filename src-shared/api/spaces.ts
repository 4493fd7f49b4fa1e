import { z } from 'zod';
import { MAX_SPACE_FILE_BYTES, SPACE_MEMBER_STATUSES } from '../domain/spaces';
import { defineMethod } from './contract';

const id = z.string().min(1).max(64);
const practitioner = z.string().regex(/^Practitioner\/[A-Za-z0-9\-.]{1,64}$/, 'Practitioner/<id>');
const text = z.string().trim().min(1, 'required').max(20_000);
const signature = z.enum(['valid', 'invalid', 'missing', 'unknown-signer', 'unreadable', 'own']);

export const spaceMember = z.object({ reference: z.string(), name: z.string(), status: z.enum(SPACE_MEMBER_STATUSES) });
export type SpaceMemberView = z.infer<typeof spaceMember>;

export const spaceSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  owner: z.string(),
  ownerName: z.string(),
  mine: z.boolean(),
  /** The user's own status: an invitation waits for their answer. */
  myStatus: z.enum(SPACE_MEMBER_STATUSES),
  /** Since when the user is a member: nothing posted before can be read. */
  memberSince: z.string().nullable(),
  members: z.array(spaceMember),
  unread: z.number().int().nonnegative(),
  /** Created or changed on this device and not yet acknowledged by the platform. */
  pending: z.boolean(),
});
export type SpaceSummary = z.infer<typeof spaceSummary>;

export const threadSummary = z.object({
  id: z.string(),
  title: z.string(),
  /** False: started before the user joined (or unreadable): its title cannot be read. */
  readable: z.boolean(),
  sender: z.string(),
  senderName: z.string(),
  sentAt: z.string(),
  posts: z.number().int().nonnegative(),
  unread: z.number().int().nonnegative(),
  mentionsMe: z.number().int().nonnegative(),
  lastActivity: z.string(),
});
export type ThreadSummary = z.infer<typeof threadSummary>;

export const spacePost = z.object({
  id: z.string(),
  sender: z.string(),
  senderName: z.string(),
  sentAt: z.string(),
  text: z.string(),
  readable: z.boolean(),
  signature,
  mentions: z.array(z.object({ reference: z.string(), name: z.string() })),
  mentionsMe: z.boolean(),
  mine: z.boolean(),
  pending: z.boolean(),
  unread: z.boolean(),
});
export type SpacePost = z.infer<typeof spacePost>;

export const spaceFile = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  description: z.string(),
  sender: z.string(),
  senderName: z.string(),
  sentAt: z.string(),
  readable: z.boolean(),
  signature,
  /** The earlier version this one replaces. */
  replaces: z.string().nullable(),
  /** A newer version replaced this one. */
  superseded: z.boolean(),
  version: z.number().int().positive(),
  pending: z.boolean(),
  unread: z.boolean(),
});
export type SpaceFile = z.infer<typeof spaceFile>;

/** Base64 of at most MAX_SPACE_FILE_BYTES. */
const fileData = z
  .string()
  .min(1, 'required')
  .max(Math.ceil(MAX_SPACE_FILE_BYTES / 3) * 4, `at most ${MAX_SPACE_FILE_BYTES / 1024 / 1024} MB`)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

export const spacesMethods = {
  /** The user's spaces and invitations, with unread counts. */
  list: defineMethod(z.object({}).strict(), z.array(spaceSummary)),
  create: defineMethod(
    z
      .object({
        name: z.string().trim().min(1, 'required').max(120),
        description: z.string().trim().max(500).optional(),
        invite: z.array(practitioner).max(200).default([]),
      })
      .strict(),
    z.object({ id: z.string() }),
  ),
  invite: defineMethod(z.object({ spaceId: id, member: practitioner }).strict(), z.object({})),
  remove: defineMethod(z.object({ spaceId: id, member: practitioner }).strict(), z.object({})),
  accept: defineMethod(z.object({ spaceId: id }).strict(), z.object({})),
  decline: defineMethod(z.object({ spaceId: id }).strict(), z.object({})),
  leave: defineMethod(z.object({ spaceId: id }).strict(), z.object({})),
  threads: defineMethod(z.object({ spaceId: id }).strict(), z.array(threadSummary)),
  /** A thread's posts; opening it marks them read. */
  thread: defineMethod(
    z.object({ threadId: id }).strict(),
    z.object({ thread: threadSummary.nullable(), spaceId: z.string(), posts: z.array(spacePost) }),
  ),
  startThread: defineMethod(
    z
      .object({
        spaceId: id,
        title: z.string().trim().min(1, 'required').max(200),
        text,
        mentions: z.array(practitioner).max(50).default([]),
      })
      .strict(),
    z.object({ id: z.string() }),
  ),
  reply: defineMethod(
    z.object({ threadId: id, text, mentions: z.array(practitioner).max(50).default([]) }).strict(),
    z.object({ id: z.string() }),
  ),
  files: defineMethod(z.object({ spaceId: id }).strict(), z.array(spaceFile)),
  shareFile: defineMethod(
    z
      .object({
        spaceId: id,
        name: z.string().trim().min(1, 'required').max(200),
        contentType: z.string().trim().min(1).max(100),
        description: z.string().trim().max(1000).default(''),
        data: fileData,
        replaces: id.optional(),
      })
      .strict(),
    z.object({ id: z.string() }),
  ),
  /** A file's decrypted bytes (base64); opening it marks it read. */
  openFile: defineMethod(
    z.object({ fileId: id }).strict(),
    z.object({ name: z.string(), contentType: z.string(), data: z.string() }),
  ),
};
