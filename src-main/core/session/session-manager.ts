import type { SessionStatus } from '../../../src-shared/api';
import { DeskError } from '../../../src-shared/domain/errors';
import { PlatformClient, PlatformError, toDeskError } from '../platform-client';
import type { KeyProtector } from '../keys';
import type { ProfileDirectory, ProfileSummary } from '../profiles';
import type { EventBus } from '../services/events';
import { ActiveSession, type ActiveSessionOptions } from './active-session';

/** A platform failure during login; a refused login is about the identifier the user typed. */
export function loginError(error: unknown): DeskError {
  if (!(error instanceof PlatformError)) return error instanceof DeskError ? error : new DeskError('internal', 'login failed');
  const desk = toDeskError(error);
  return desk.code === 'unauthenticated' || desk.code === 'rate_limited' ? toDeskError(error, 'identifier') : desk;
}

/** Which profile is open on this device, and the login, unlock and lock that change it. */
export class SessionManager {
  private active: ActiveSession | null = null;

  constructor(
    private readonly profiles: ProfileDirectory,
    private readonly platformUrl: string,
    private readonly events: EventBus,
    private readonly options: ActiveSessionOptions = {},
    /** The OS keychain, in Electron; absent in the browser shell. */
    private readonly keyProtector?: KeyProtector,
  ) {}

  private get canRemember(): boolean {
    return this.keyProtector?.isAvailable() ?? false;
  }

  private summaryView(profile: ProfileSummary) {
    return {
      id: profile.id,
      displayName: profile.displayName,
      userId: profile.platformUserId,
      remembered: this.canRemember && this.profiles.isRemembered(profile.id),
    };
  }

  status(): SessionStatus {
    const active = this.active;
    const user = active?.client.user ?? null;
    return {
      state: active ? 'unlocked' : this.profiles.list().length > 0 ? 'locked' : 'none',
      profile: active ? this.summaryView(active.unlocked.profile) : null,
      user,
      loggedIn: user !== null,
      canRemember: this.canRemember,
    };
  }

  listProfiles() {
    return this.profiles.list().map((profile) => this.summaryView(profile));
  }

  /** The open profile, or a `locked` error the UI answers with the unlock screen. */
  require(): ActiveSession {
    if (!this.active || !this.active.store.isOpen) throw new DeskError('locked', 'no profile is unlocked');
    this.active.unlocked.touch();
    return this.active;
  }

  current(): ActiveSession | null {
    return this.active;
  }

  /**
   * Online login. The passphrase opens this professional's cache on this device, or creates it at the
   * first login. A wrong passphrase never creates a second, empty cache.
   */
  async login(input: { identifier: string; password: string; otp: string; passphrase: string }): Promise<SessionStatus> {
    const client = new PlatformClient({ fhirBaseUrl: this.platformUrl });
    let platformSession;
    try {
      platformSession = await client.login(input.identifier, input.password, input.otp);
    } catch (error) {
      throw loginError(error);
    }
    const existing = this.profiles.list().find((p) => p.platformUserId === platformSession.user.id);
    const profile =
      existing ??
      (await this.profiles.create(platformSession.user.name, input.passphrase, {
        platformUserId: platformSession.user.id,
        platformUrl: this.platformUrl,
      }));
    await this.open(profile.id, input.passphrase);
    await this.active!.adoptLogin(platformSession);
    void this.active!.worker.nudge();
    this.events.emit('session.changed', {});
    return this.status();
  }

  /** Offline unlock: the cache opens with the passphrase; sync resumes with the kept tokens if any. */
  async unlock(profileId: string, passphrase: string, remember = false): Promise<SessionStatus> {
    await this.open(profileId, passphrase);
    if (remember && this.keyProtector && this.canRemember) await this.profiles.remember(profileId, passphrase, this.keyProtector);
    void this.active!.worker.nudge();
    this.events.emit('session.changed', {});
    return this.status();
  }

  async unlockRemembered(profileId: string): Promise<SessionStatus> {
    if (!this.keyProtector || !this.canRemember)
      throw new DeskError('locked', 'this device cannot remember profiles; unlock with the passphrase');
    if (this.active && this.active.profileId !== profileId) await this.lock();
    if (!this.active) {
      const unlocked = this.profiles.unlockWithProtector(profileId, this.keyProtector);
      this.active = new ActiveSession(unlocked, this.platformUrl, this.events, this.options);
    }
    void this.active.worker.nudge();
    this.events.emit('session.changed', {});
    return this.status();
  }

  forget(profileId: string): SessionStatus {
    this.profiles.forget(profileId);
    return this.status();
  }

  /**
   * Drops every profile's device wrap. For a shell that finds its keychain is no keychain at all (a
   * wrap an older build made under Electron's basic_text fallback opens with a password every copy of
   * Electron knows): the passphrase is asked again, and nothing weaker stays on disk. A key file that
   * cannot be read is left as it is; its unlock reports it.
   */
  forgetAllRemembered(): void {
    for (const profile of this.profiles.list()) {
      try {
        this.profiles.forget(profile.id);
      } catch (error) {
        if (!(error instanceof DeskError && error.code === 'key_file_damaged')) throw error;
      }
    }
  }

  async lock(): Promise<SessionStatus> {
    const active = this.active;
    if (active) {
      this.active = null;
      await active.stop();
      this.profiles.lock(active.profileId);
      this.events.emit('session.changed', {});
    }
    return this.status();
  }

  async changePassphrase(current: string, next: string): Promise<SessionStatus> {
    await this.profiles.changePassphrase(this.require().profileId, current, next);
    return this.status();
  }

  /** The profile directory locked a profile on its own (inactivity): stop its sync. */
  handleAutoLock(profileId: string): void {
    if (this.active?.profileId !== profileId) return;
    const active = this.active;
    this.active = null;
    void active.stop();
    this.events.emit('session.changed', {});
  }

  async close(): Promise<void> {
    await this.lock();
  }

  private async open(profileId: string, passphrase: string): Promise<void> {
    if (this.active && this.active.profileId !== profileId) await this.lock();
    if (this.active) return;
    const unlocked = await this.profiles.unlock(profileId, passphrase);
    this.active = new ActiveSession(unlocked, this.platformUrl, this.events, this.options);
  }
}
