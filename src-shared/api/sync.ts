import { z } from 'zod';
import { defineMethod } from './contract';

export const syncStatus = z.object({
  connectivity: z.enum(['online', 'offline', 'unauthenticated']),
  running: z.boolean(),
  lastSuccessAt: z.string().nullable(),
  pending: z.number().int().nonnegative(),
  conflicts: z.number().int().nonnegative(),
  progress: z
    .object({
      phase: z.enum(['pull', 'push']),
      done: z.number().int().nonnegative(),
      total: z.number().int().nonnegative().nullable(),
    })
    .nullable(),
});
export type SyncStatus = z.infer<typeof syncStatus>;

/** One field that differs between this device's version and the platform's, in words. */
const fieldValue = z.object({
  text: z.string(),
  /** `binary`: an attached file, `text` is its size in bytes (its content is never sent to the screen). */
  kind: z.enum(['text', 'binary']),
});
export const conflictChange = z.object({
  /** The field's path without array positions, e.g. `description`, `content.attachment.title`. */
  field: z.string(),
  mine: fieldValue.nullable(),
  theirs: fieldValue.nullable(),
});
export type ConflictChange = z.infer<typeof conflictChange>;

/** A write the platform refused because its version moved on: described, not shown as FHIR JSON. */
export const conflictView = z.object({
  opId: z.string(),
  entityKey: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  resourceType: z.string(),
  /** What the record is called (its description, title or type), when it says. */
  record: z.string().nullable(),
  patient: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** Who wrote each version, when the record names an author. */
  mineBy: z.string().nullable(),
  theirsBy: z.string().nullable(),
  /** When the platform's version was written. */
  theirsAt: z.string().nullable(),
  /** False when the platform sent no version with its refusal (then `theirs` is null everywhere). */
  platformHasVersion: z.boolean(),
  changes: z.array(conflictChange),
  /** Both versions as FHIR JSON, for diagnostics and tests; the screen shows `changes`. */
  local: z.unknown(),
  server: z.unknown(),
});
export type ConflictView = z.infer<typeof conflictView>;

export const syncMethods = {
  status: defineMethod(z.object({}).strict(), syncStatus),
  /** Sync now (push then pull) and report the state after it. */
  now: defineMethod(z.object({}).strict(), syncStatus),
  conflicts: defineMethod(z.object({}).strict(), z.array(conflictView)),
  resolve: defineMethod(z.object({ opId: z.string().min(1).max(128), choice: z.enum(['mine', 'theirs']) }).strict(), syncStatus),
};
