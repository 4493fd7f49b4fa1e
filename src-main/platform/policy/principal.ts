import type { Role } from '../../../src-shared/domain/roles';

/** The authenticated caller of a request, as proven by its access token. */
export interface Principal {
  /** "Practitioner/…" or "Patient/…". */
  userRef: string;
  role: Role;
  name: string;
  /** The login session the token belongs to (logout revokes it). */
  sessionId: string;
}

/** Author recorded on resources the platform writes itself (audit events, seed data). */
export const SYSTEM_AUTHOR = 'system';
