import type { AuditTrail } from '../audit/audit-trail';
import type { AnonymousReadLimiter } from './anonymous-reads';
import type { LoginService } from '../auth/login-service';
import type { PlatformStorage } from '../storage/platform-storage';
import type { PolicyRegistry } from '../policy/policy-registry';

/** What the HTTP routes are wired to. */
export interface PlatformServices {
  storage: PlatformStorage;
  /** The access rules every route's repository asks (policies.ts). */
  policies: PolicyRegistry;
  logins: LoginService;
  audit: AuditTrail;
  /** Random id of this database, carried in $changes cursors. */
  epoch: string;
  bodyLimit: number;
  /** Largest `POST /fhir` transaction (a message with its encrypted attachments). */
  messageBodyLimit: number;
  /** Default validity of a presence code issued by the patient simulator (issue 5). */
  presenceCodeTtlSeconds: number;
  /** Rate limit of reads without a token, per client address (default: http/anonymous-reads.ts). */
  anonymousReads?: AnonymousReadLimiter;
  /** Host names served besides the loopback names and the listening address (http/server.ts checkHost). */
  allowedHosts?: readonly string[];
}
