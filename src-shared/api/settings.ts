import { z } from 'zod';
import { defineMethod } from './contract';

/** What the UI may read and change of the user's preferences (never a secret). */
export const userPreferences = z.object({
  language: z.enum(['fr', 'de', 'en']),
  autoLockMinutes: z.number().int().min(1).max(240),
});
export type UserPreferences = z.infer<typeof userPreferences>;

export const settingsMethods = {
  get: defineMethod(z.object({}).strict(), userPreferences),
  update: defineMethod(userPreferences.partial().strict(), userPreferences),
};
