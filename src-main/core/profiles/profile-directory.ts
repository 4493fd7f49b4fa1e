import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DeskError } from '../../../src-shared/domain/errors';
import { ProfileKey, wipe, type KeyProtector, type ScryptParams } from '../keys/index';
import { createStore, openStore, type Store } from '../store/index';
import { AutoLock, systemClock, type IdleClock } from './auto-lock';
import { ProfileIndex, type ProfileSummary } from './profile-index';
import { UnlockThrottle } from './unlock-throttle';

/** Another account on the same machine must not even list the profiles, let alone copy a cache. */
const OWNER_ONLY_DIR = 0o700;

export interface ProfileDirectoryOptions {
  /** Holds `profiles.json` and `profiles/<id>/{key.json,cache.db}`. */
  dataDir: string;
  nativeBinding?: string;
  /** scrypt cost for new passphrase wraps (tests lower it). */
  scrypt?: ScryptParams;
  /** Lock an unlocked profile after this long without `touch()`; no auto-lock when omitted. */
  autoLockMs?: number;
  clock?: IdleClock;
  /** Told when a profile locks (by `lock` or by inactivity), so the UI can show the unlock screen. */
  onLocked?: (profileId: string) => void;
}

export interface NewProfileDetails {
  platformUserId?: string;
  platformUrl?: string;
}

export interface UnlockedProfile {
  profile: ProfileSummary;
  store: Store;
  /** Report user activity; postpones the auto-lock. */
  touch(): void;
}

interface Session extends UnlockedProfile {
  autoLock: AutoLock | null;
}

/**
 * The profiles on this device, each a professional with its own key file and encrypted cache,
 * and which of them are unlocked.
 */
export class ProfileDirectory {
  private readonly index: ProfileIndex;
  private readonly sessions = new Map<string, Session>();
  private readonly clock: IdleClock;

  constructor(private readonly options: ProfileDirectoryOptions) {
    this.index = new ProfileIndex(join(options.dataDir, 'profiles.json'));
    this.clock = options.clock ?? systemClock;
  }

  list(): ProfileSummary[] {
    return this.index.read();
  }

  get(id: string): ProfileSummary {
    const profile = this.index.read().find((p) => p.id === id);
    if (profile === undefined) throw new DeskError('not_found', `no profile ${id} on this device`, 'profileId');
    return profile;
  }

  /** Creates the key file and an empty encrypted cache; the profile starts locked. */
  async create(displayName: string, passphrase: string, details: NewProfileDetails = {}): Promise<ProfileSummary> {
    const name = displayName.trim();
    if (name.length === 0 || name.length > 100) {
      throw new DeskError('invalid_input', 'the profile name needs 1 to 100 characters', 'displayName');
    }
    const profiles = this.index.read();
    const profile: ProfileSummary = {
      id: randomUUID(),
      displayName: name,
      platformUserId: details.platformUserId ?? null,
      platformUrl: details.platformUrl ?? null,
      createdAt: this.now().toISOString(),
    };
    const dir = this.profileDir(profile.id);
    this.ensurePrivateDirs();
    mkdirSync(dir, { mode: OWNER_ONLY_DIR });
    try {
      const dataKey = await this.keyOf(profile.id).create(passphrase);
      try {
        createStore({ path: this.cachePath(profile.id), dataKey, ...this.binding() }).close();
      } finally {
        wipe(dataKey);
      }
      // Listed last: a crash before this line leaves an unlisted folder, never a listed half-profile.
      this.index.write([...profiles, profile]);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return profile;
  }

  async unlock(id: string, passphrase: string): Promise<UnlockedProfile> {
    const profile = this.get(id);
    this.ensurePrivateDirs(id);
    const dataKey = await this.throttleOf(id).guard(() => this.keyOf(id).unlock(passphrase));
    return this.openSession(profile, dataKey);
  }

  unlockWithProtector(id: string, protector: KeyProtector): UnlockedProfile {
    const profile = this.get(id);
    this.ensurePrivateDirs(id);
    return this.openSession(profile, this.keyOf(id).unlockWithProtector(protector));
  }

  session(id: string): UnlockedProfile | undefined {
    return this.sessions.get(id);
  }

  /** Closes the cache; SQLite3MultipleCiphers wipes its key copy. The data key itself was wiped at unlock. */
  lock(id: string): void {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.sessions.delete(id);
    session.autoLock?.stop();
    session.store.close();
    this.options.onLocked?.(id);
  }

  lockAll(): void {
    for (const id of [...this.sessions.keys()]) this.lock(id);
  }

  async changePassphrase(id: string, current: string, next: string): Promise<void> {
    this.get(id);
    await this.throttleOf(id).guard(() => this.keyOf(id).changePassphrase(current, next));
  }

  async remember(id: string, passphrase: string, protector: KeyProtector): Promise<void> {
    this.get(id);
    await this.throttleOf(id).guard(() => this.keyOf(id).remember(passphrase, protector));
  }

  forget(id: string): void {
    this.get(id);
    this.keyOf(id).forget();
  }

  isRemembered(id: string): boolean {
    this.get(id);
    return this.keyOf(id).isRemembered();
  }

  profileDir(id: string): string {
    return join(this.options.dataDir, 'profiles', id);
  }

  private openSession(profile: ProfileSummary, dataKey: Buffer): UnlockedProfile {
    const existing = this.sessions.get(profile.id);
    if (existing !== undefined) {
      // Already open (second window): the key was verified again, the same cache is shared.
      wipe(dataKey);
      existing.touch();
      return existing;
    }
    let store: Store;
    try {
      store = openStore({ path: this.cachePath(profile.id), dataKey, ...this.binding() });
    } finally {
      wipe(dataKey);
    }
    const autoLock =
      this.options.autoLockMs === undefined
        ? null
        : new AutoLock(this.options.autoLockMs, () => this.lock(profile.id), this.clock);
    const session: Session = { profile, store, autoLock, touch: () => autoLock?.touch() };
    this.sessions.set(profile.id, session);
    return session;
  }

  /**
   * The data dir, `profiles/` and (given an id) the profile's folder exist and are owner-only. A folder
   * an older build left 0755 is tightened here; the files inside are tightened by their owners
   * (the store for cache.db and its -wal/-shm, the key file on its next write).
   */
  private ensurePrivateDirs(id?: string): void {
    const dirs = [this.options.dataDir, join(this.options.dataDir, 'profiles')];
    if (id !== undefined) dirs.push(this.profileDir(id));
    for (const dir of dirs) {
      mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR });
      if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, OWNER_ONLY_DIR);
    }
  }

  private keyOf(id: string): ProfileKey {
    return new ProfileKey(
      join(this.profileDir(id), 'key.json'),
      id,
      this.options.scrypt === undefined ? {} : { scrypt: this.options.scrypt },
    );
  }

  /** Every check of a profile's passphrase goes through its throttle (see UnlockThrottle). */
  private throttleOf(id: string): UnlockThrottle {
    return new UnlockThrottle(join(this.profileDir(id), 'unlock-attempts.json'), () => this.clock.now());
  }

  private cachePath(id: string): string {
    return join(this.profileDir(id), 'cache.db');
  }

  private binding(): { nativeBinding?: string } {
    return this.options.nativeBinding === undefined ? {} : { nativeBinding: this.options.nativeBinding };
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}
