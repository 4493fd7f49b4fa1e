import { z } from 'zod';
import { defineMethod } from './contract';

export const profileState = z.enum(['none', 'locked', 'unlocked']);
export type ProfileState = z.infer<typeof profileState>;

export const appMethods = {
  /** What the UI needs to show which app, shell and platform it is talking to. */
  info: defineMethod(
    z.object({}).strict(),
    z.object({
      version: z.string(),
      shell: z.enum(['electron', 'browser']),
      platformUrl: z.string(),
      profileState,
      /** The platform runs inside this app (demo mode: the patient simulator is available). */
      embeddedPlatform: z.boolean(),
    }),
  ),
};
