/**
 * Mock LuxTrust login: identifier + password + one-time code → a short-lived access token and a
 * rotating refresh token, bound to a session that logout revokes. Five wrong tries on one
 * identifier lock it for a while (429 with Retry-After), whether or not the identifier exists,
 * so the answer never tells which identifiers are real.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '../../../src-shared/domain/roles';
import { badRequest, FhirError, unauthorized } from '../fhir/fhir-error';
import type { Principal } from '../policy/principal';
import type { Account, PlatformStorage } from '../storage/platform-storage';
import type { AccessTokens } from './access-tokens';
import { sameSecret, verifyPassword } from './passwords';

export const MAX_LOGIN_FAILURES = 5;
export const LOCKOUT_MS = 5 * 60_000;
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

export class LoginService {
  constructor(
    private readonly storage: PlatformStorage,
    private readonly tokens: AccessTokens,
  ) {}

  async login(body: unknown): Promise<TokenResponse> {
    const identifier = requireString(body, 'identifier');
    const password = requireString(body, 'password');
    const otp = requireString(body, 'otp');
    const now = Date.now();

    const { throttle, account } = await this.storage.read(async (tx) => ({
      throttle: await tx.loginThrottle(identifier),
      account: await tx.account(identifier),
    }));
    if (throttle.lockedUntil > now) throw this.lockedError(throttle.lockedUntil - now);

    const passwordOk = account ? await verifyPassword(password, account.passwordHash) : false;
    if (!account || !passwordOk || !sameSecret(otp, account.otp)) {
      await this.storage.write(async (tx) => {
        const current = await tx.loginThrottle(identifier);
        const failures = current.failures + 1;
        await tx.setLoginThrottle(identifier, { failures, lockedUntil: failures >= MAX_LOGIN_FAILURES ? now + LOCKOUT_MS : 0 });
      });
      throw unauthorized(WRONG_CREDENTIALS);
    }

    const sessionId = randomUUID();
    const refreshToken = randomBytes(32).toString('base64url');
    await this.storage.write(async (tx) => {
      await tx.setLoginThrottle(identifier, { failures: 0, lockedUntil: 0 });
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
