/**
 * Short-lived access tokens: HS256 JWTs signed with jose, with a random secret kept in the platform
 * database (so tokens survive a platform restart but not a new data directory).
 *
 * A token that verified is remembered, by its exact text, until its `exp` (a client sends the same token with
 * every request for its lifetime: the signature and claims of those bytes were already checked with this
 * secret, and checking them again is a fixed ~6 % of the platform's CPU under load). At its `exp` the entry
 * is dropped and the full check answers, as jose does, that it expired. Whether the token's session is still
 * open is not remembered: LoginService.authenticate asks the store on every request, so a logout refuses the
 * next request at once. The memory is bounded (the oldest entries go first).
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ROLES, type Role } from '../../../src-shared/domain/roles';
import { unauthorized } from '../fhir/fhir-error';
import type { Principal } from '../policy/principal';

const ISSUER = 'urn:esante:mock-luxtrust';
const AUDIENCE = 'urn:esante:fhir';
/** Tokens remembered at most (each a few hundred bytes): beyond it the oldest is forgotten, and checked again if it comes back. */
const VERIFIED_TOKENS_KEPT = 4096;

interface Verified {
  principal: Principal;
  /** The token's `exp` in epoch ms: from then on it is expired, as jose decides (`exp <= now` in whole seconds). */
  expiresAtMs: number;
}

export class AccessTokens {
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly secret: Uint8Array,
    readonly ttlSeconds: number,
    /** Epoch ms; a test moves it to cross a token's expiry without waiting. */
    private readonly clock: () => number = Date.now,
  ) {}

  async sign(principal: Principal): Promise<string> {
    return new SignJWT({ role: principal.role, name: principal.name, sid: principal.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.userRef)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(this.clock() / 1000))
      .setJti(randomUUID())
      .setExpirationTime(Math.floor(this.clock() / 1000) + this.ttlSeconds)
      .sign(this.secret);
  }

  /** The principal a token proves; a 401 FhirError saying why when it proves nothing. */
  async verify(token: string): Promise<Principal> {
    const now = this.clock();
    const known = this.verified.get(token);
    if (known && now < known.expiresAtMs) return { ...known.principal };
    if (known) this.verified.delete(token); // expired: the full check below says so
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(now),
      });
      const { sub, role, name, sid, exp } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof name !== 'string' || !ROLES.includes(role as Role)) {
        throw unauthorized('Authorization: access token lacks its subject, role or session', 'security');
      }
      const principal: Principal = { userRef: sub, role: role as Role, name, sessionId: sid };
      // A token without `exp` would never expire here: only tokens that do are remembered (ours all do).
      if (typeof exp === 'number') this.remember(token, { principal, expiresAtMs: exp * 1000 });
      return { ...principal };
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw unauthorized('Authorization: access token expired; refresh it at /auth/refresh', 'expired');
      if (error instanceof errors.JOSEError)
        throw unauthorized('Authorization: access token invalid (bad signature or claims)', 'security');
      throw error;
    }
  }

  private remember(token: string, verified: Verified): void {
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, verified);
  }
}
