import { z } from 'zod';
import { isStrongEnoughPassphrase, MAX_PASSPHRASE_LENGTH, PASSPHRASE_RULE } from '../domain/passphrase';
import { ROLES } from '../domain/roles';
import { defineMethod } from './contract';
import { profileState } from './app';

export const profileSummary = z.object({
  id: z.string(),
  displayName: z.string(),
  /** The platform user (`Practitioner/…`) this profile belongs to. */
  userId: z.string().nullable(),
  /** The OS keychain holds this profile's key ("remember on this device"): unlock without the passphrase. */
  remembered: z.boolean(),
});

export const platformUser = z.object({ id: z.string(), role: z.enum(ROLES), name: z.string() });
export type ProfileSummaryView = z.infer<typeof profileSummary>;

export const sessionStatus = z.object({
  state: profileState,
  profile: profileSummary.nullable(),
  /** Who is logged in on the open profile, as the platform said at the last login. */
  user: platformUser.nullable(),
  /** Whether the core holds platform tokens for the open profile (it may still be offline). */
  loggedIn: z.boolean(),
  /** Whether this shell can keep a profile's key in the OS keychain (Electron's safeStorage). */
  canRemember: z.boolean(),
});
export type SessionStatus = z.infer<typeof sessionStatus>;

/** A new passphrase protects the encrypted cache on this device: the shared rule, the same the core applies. */
const passphrase = z.string().max(MAX_PASSPHRASE_LENGTH).refine(isStrongEnoughPassphrase, PASSPHRASE_RULE);
/** An existing passphrase: whatever was set then (an older build allowed shorter ones), so only bounded. */
const currentPassphrase = z.string().min(1, 'required').max(MAX_PASSPHRASE_LENGTH);

export const sessionMethods = {
  profiles: defineMethod(z.object({}).strict(), z.array(profileSummary)),
  status: defineMethod(z.object({}).strict(), sessionStatus),
  /** Online: LuxTrust-style login; the passphrase opens this user's cache, or creates it on first login. */
  login: defineMethod(
    z
      .object({
        identifier: z.string().trim().min(1, 'required').max(128),
        password: z.string().min(1, 'required').max(256),
        otp: z.string().regex(/^\d{6}$/, 'six digits'),
        passphrase,
      })
      .strict(),
    sessionStatus,
  ),
  /** Offline: opens a profile's cache with its passphrase. */
  unlock: defineMethod(
    z
      .object({
        profileId: z.string().min(1).max(64),
        passphrase: currentPassphrase,
        /** Also keep the key in the OS keychain, so the next unlock needs no passphrase. */
        remember: z.boolean().optional(),
      })
      .strict(),
    sessionStatus,
  ),
  /** Opens a remembered profile through the OS keychain. */
  unlockRemembered: defineMethod(z.object({ profileId: z.string().min(1).max(64) }).strict(), sessionStatus),
  /** Stops remembering a profile on this device: the passphrase is needed again. */
  forget: defineMethod(z.object({ profileId: z.string().min(1).max(64) }).strict(), sessionStatus),
  lock: defineMethod(z.object({}).strict(), sessionStatus),
  /** Re-wraps the open profile's data key under a new passphrase; the cache itself is untouched. */
  changePassphrase: defineMethod(z.object({ current: currentPassphrase, next: passphrase }).strict(), sessionStatus),
};
