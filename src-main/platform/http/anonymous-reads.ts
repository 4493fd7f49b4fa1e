/**
 * Reads without a token (the public library, the key directory) cost the platform the same as any
 * other: each client address gets a bucket of `burst` requests refilled at `perMinute`, and a 429 with
 * Retry-After once it is empty. Authenticated requests are never counted here. The clock is injected,
 * so tests decide when time passes.
 *
 * The buckets live in this process, also when several instances share a PostgreSQL database: the limit
 * guards each instance's capacity, not a secret, so N instances serve one address at most N budgets
 * and each stays as loaded as one alone; kept in the database, every anonymous read would become a
 * shared write (tests/integration/postgres/anonymous-limit-instances.test.ts). What must hold across
 * instances — the login throttle, presence-code tries — is in the storage.
 */
import { FhirError } from '../fhir/fhir-error';

export interface AnonymousReadLimit {
  /** Requests an address may make at once. */
  burst: number;
  /** Requests regained per minute. */
  perMinute: number;
}

export const DEFAULT_ANONYMOUS_READ_LIMIT: AnonymousReadLimit = { burst: 600, perMinute: 300 };
/** Addresses remembered at most (the oldest are forgotten first: a flood of addresses cannot grow memory). */
const MAX_ADDRESSES = 10_000;

export class AnonymousReadLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: AnonymousReadLimit = DEFAULT_ANONYMOUS_READ_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request from the address's bucket, or throws 429 saying when to come back. */
  admit(address: string): void {
    const now = this.now();
    const previous = this.buckets.get(address);
    const regained = previous ? ((now - previous.at) / 60_000) * this.limit.perMinute : this.limit.burst;
    const tokens = Math.min(this.limit.burst, (previous?.tokens ?? 0) + regained);
    this.buckets.delete(address);
    if (this.buckets.size >= MAX_ADDRESSES) this.buckets.delete(this.buckets.keys().next().value!);
    if (tokens < 1) {
      this.buckets.set(address, { tokens, at: now });
      const seconds = this.limit.perMinute > 0 ? Math.ceil(((1 - tokens) * 60) / this.limit.perMinute) : 3600;
      throw new FhirError(
        429,
        {
          code: 'throttled',
          diagnostics: `too many requests without login from this address (limit ${this.limit.burst}, then ${this.limit.perMinute} a minute); log in or retry in ${seconds} s`,
        },
        { 'Retry-After': String(seconds) },
      );
    }
    this.buckets.set(address, { tokens: tokens - 1, at: now });
  }
}
