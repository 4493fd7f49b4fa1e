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

export const conflictView = z.object({
  opId: z.string(),
  entityKey: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  /** This device's version and the platform's, as FHIR JSON, shown side by side. */
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
