/**
 * Mock LuxTrust login: identifier + password + one-time code → a short-lived access token and a
 * rotating refresh token, bound to a session that logout revokes. Five wrong tries on one
 * identifier lock it for a while (429 with Retry-After), whether or not the identifier exists,
 * so the answer never tells which identifiers are real.
 *
 * Each attempt is checked against the lock and counted as a failure in one write transaction BEFORE
 * the password is verified (a success then clears the count): parallel attempts are serialised by
 * that count, so no more than five are ever verified per lock window. An unknown identifier's
 * password is verified too, against a dummy hash, so it takes as long as a real one. Throttle rows
 * expire after the lock window and their number is capped, so made-up identifiers cannot fill the disk.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '../../../src-shared/domain/roles';
import { badRequest, FhirError, unauthorized } from '../fhir/fhir-error';
import type { Principal } from '../policy/principal';
import type { Account, PlatformStorage } from '../storage/platform-storage';
import type { AccessTokens } from './access-tokens';
import { dummyPasswordHash, sameSecret, verifyPassword } from './passwords';

export const MAX_LOGIN_FAILURES = 5;
/** How long a lock lasts, and how long a failure is remembered after the last one. */
export const LOCKOUT_MS = 5 * 60_000;
/** Most throttle rows kept: beyond it, unlocked rows are evicted first, oldest first. */
export const MAX_THROTTLE_ROWS = 10_000;
const REFRESH_TTL_MS = 12 * 3600_000;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  user: { id: string; role: Role; name: string };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function requireString(body: unknown, field: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string' || value.length === 0) throw badRequest(`${field}: required string missing`, field, 'required');
  if (value.length > 256) throw badRequest(`${field}: longer than 256 characters`, field, 'value');
  return value;
}

const WRONG_CREDENTIALS = 'identifier, password or one-time code (otp) is wrong';

export interface LoginOptions {
  /** Checks a password against a stored hash (default: scrypt, passwords.ts); tests pass a spy to count the work done. */
  verifyPassword?: (password: string, storedHash: string) => Promise<boolean>;
  /** Epoch ms (default Date.now); tests move it past the lock window. */
  clock?: () => number;
  /** Most throttle rows kept (default MAX_THROTTLE_ROWS). */
  maxThrottleRows?: number;
}

export class LoginService {
  private readonly verify: (password: string, storedHash: string) => Promise<boolean>;
  private readonly clock: () => number;
  private readonly maxThrottleRows: number;

  constructor(
    private readonly storage: PlatformStorage,
    private readonly tokens: AccessTokens,
    options: LoginOptions = {},
  ) {
    this.verify = options.verifyPassword ?? verifyPassword;
    this.clock = options.clock ?? Date.now;
    this.maxThrottleRows = options.maxThrottleRows ?? MAX_THROTTLE_ROWS;
    // Made now rather than on the first unknown identifier, whose answer would otherwise take two hashes.
    dummyPasswordHash().catch(() => undefined);
  }

  async login(body: unknown): Promise<TokenResponse> {
    const identifier = requireString(body, 'identifier');
    const password = requireString(body, 'password');
    const otp = requireString(body, 'otp');
    const now = this.clock();

    const gate = await this.storage.write(async (tx): Promise<{ lockedUntil: number } | { account: Account | undefined }> => {
      const previous = await tx.loginThrottle(identifier);
      if (previous.lockedUntil > now) return { lockedUntil: previous.lockedUntil };
      const staleAt = now - LOCKOUT_MS;
      const fresh = previous.lastFailureAt <= staleAt;
      // A new row (or a stale one restarting): make room for it, and forget what is past the window.
      if (fresh) await tx.pruneLoginThrottles(staleAt, this.maxThrottleRows - 1);
      const failures = (fresh ? 0 : previous.failures) + 1;
      await tx.setLoginThrottle(identifier, {
        failures,
        lockedUntil: failures >= MAX_LOGIN_FAILURES ? now + LOCKOUT_MS : 0,
        lastFailureAt: now,
      });
      return { account: await tx.account(identifier) };
    });
    if ('lockedUntil' in gate) throw this.lockedError(gate.lockedUntil - now);

    // Counted already: whatever happens from here, this attempt used one of the tries.
    const { account } = gate;
    const passwordOk = await this.verify(password, account?.passwordHash ?? (await dummyPasswordHash()));
    const otpOk = account !== undefined && sameSecret(otp, account.otp);
    if (!account || !passwordOk || !otpOk) throw unauthorized(WRONG_CREDENTIALS);

    const sessionId = randomUUID();
    const refreshToken = randomBytes(32).toString('base64url');
    await this.storage.write(async (tx) => {
      await tx.clearLoginThrottle(identifier);
      await tx.createSession(sessionId, identifier, now);
      await tx.putRefreshToken(hashToken(refreshToken), { sessionId, expiresAt: now + REFRESH_TTL_MS, used: false });
    });
    return this.respond(account, sessionId, refreshToken);
  }

  /** Exchanges a refresh token for a new pair; a token used twice revokes its whole session. */
  async refresh(body: unknown): Promise<TokenResponse> {
    const presented = requireString(body, 'refresh_token');
    const now = Date.now();
    const next = randomBytes(32).toString('base64url');
    const outcome = await this.storage.write(async (tx): Promise<{ error: string } | { account: Account; sessionId: string }> => {
      const record = await tx.refreshToken(hashToken(presented));
      if (!record || record.expiresAt <= now) return { error: 'refresh_token: unknown or expired' };
      const identifier = await tx.sessionActive(record.sessionId);
      if (identifier === undefined) return { error: 'refresh_token: its session was logged out' };
      if (record.used) {
        // Reuse means the token leaked: end the session for everyone holding it.
        await tx.revokeSession(record.sessionId);
        return { error: 'refresh_token: already used; the session is revoked, log in again' };
      }
      const account = await tx.account(identifier);
      if (!account) return { error: 'refresh_token: the account no longer exists' };
      await tx.markRefreshTokenUsed(hashToken(presented));
      await tx.putRefreshToken(hashToken(next), { sessionId: record.sessionId, expiresAt: now + REFRESH_TTL_MS, used: false });
      return { account, sessionId: record.sessionId };
    });
    if ('error' in outcome) throw unauthorized(outcome.error);
    return this.respond(outcome.account, outcome.sessionId, next);
  }

  async logout(principal: Principal): Promise<void> {
    await this.storage.write((tx) => tx.revokeSession(principal.sessionId));
  }

  /** The caller proven by an `Authorization: Bearer` header; null without one; 401 if it proves nothing. */
  async authenticate(authorization: string | undefined): Promise<Principal | null> {
    if (authorization === undefined || authorization === '') return null;
    const m = /^Bearer ([A-Za-z0-9\-_.]+)$/.exec(authorization);
    if (!m) throw unauthorized('Authorization: expected "Bearer <access token>"', 'security');
    const principal = await this.tokens.verify(m[1] ?? '');
    const active = await this.storage.read((tx) => tx.sessionActive(principal.sessionId));
    if (active === undefined) throw unauthorized('Authorization: the session of this token was logged out', 'expired');
    return principal;
  }

  private lockedError(remainingMs: number): FhirError {
    const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
    return new FhirError(
      429,
      { code: 'throttled', diagnostics: `identifier: locked after ${MAX_LOGIN_FAILURES} wrong tries; retry in ${seconds} s` },
      { 'Retry-After': String(seconds) },
    );
  }

  private async respond(account: Account, sessionId: string, refreshToken: string): Promise<TokenResponse> {
    const principal: Principal = { userRef: account.userRef, role: account.role as Role, name: account.displayName, sessionId };
    return {
      access_token: await this.tokens.sign(principal),
      token_type: 'Bearer',
      expires_in: this.tokens.ttlSeconds,
      refresh_token: refreshToken,
      user: { id: account.userRef, role: principal.role, name: account.displayName },
    };
  }
}
