/**
 * Short-lived access tokens: HS256 JWTs signed with jose, with a random secret kept in the platform
 * database (so tokens survive a platform restart but not a new data directory).
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ROLES, type Role } from '../../../src-shared/domain/roles';
import { unauthorized } from '../fhir/fhir-error';
import type { Principal } from '../policy/principal';

const ISSUER = 'urn:esante:mock-luxtrust';
const AUDIENCE = 'urn:esante:fhir';

export class AccessTokens {
  constructor(
    private readonly secret: Uint8Array,
    readonly ttlSeconds: number,
  ) {}

  async sign(principal: Principal): Promise<string> {
    return new SignJWT({ role: principal.role, name: principal.name, sid: principal.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.userRef)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(Math.floor(Date.now() / 1000) + this.ttlSeconds)
      .sign(this.secret);
  }

  /** The principal a token proves; a 401 FhirError saying why when it proves nothing. */
  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      const { sub, role, name, sid } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof name !== 'string' || !ROLES.includes(role as Role)) {
        throw unauthorized('Authorization: access token lacks its subject, role or session', 'security');
      }
      return { userRef: sub, role: role as Role, name, sessionId: sid };
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw unauthorized('Authorization: access token expired; refresh it at /auth/refresh', 'expired');
      if (error instanceof errors.JOSEError)
        throw unauthorized('Authorization: access token invalid (bad signature or claims)', 'security');
      throw error;
    }
  }
}
