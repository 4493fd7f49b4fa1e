/**
 * A LoginService on a real SQLite file with one real account (scrypt hash), for the login security
 * tests: they inject a password verifier spy and a clock, and count throttle rows in the file itself.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { AccessTokens } from '../../../src-main/platform/auth/access-tokens';
import { LoginService, type LoginOptions } from '../../../src-main/platform/auth/login-service';
import { hashPassword } from '../../../src-main/platform/auth/passwords';
import { FhirError } from '../../../src-main/platform/fhir/fhir-error';
import type { Account } from '../../../src-main/platform/storage/platform-storage';
import { SqliteStorage } from '../../../src-main/platform/storage/sqlite-storage';

export interface LoginBench {
  logins: LoginService;
  account: Account;
  password: string;
  /** The HTTP status a login attempt ends with (200, or the FhirError's status). */
  attempt(identifier: string, password: string, otp?: string): Promise<number>;
  /** Rows of login_throttle in the database file (optionally for one identifier). */
  throttleRows(identifier?: string): number;
  close(): Promise<void>;
}

export async function openLoginBench(options: LoginOptions = {}): Promise<LoginBench> {
  // On tmpfs where there is one: the throttle tests commit thousands of small transactions, and an
  // fsync each on a shared disk would make their duration depend on the machine's load.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'esante-login-'));
  const file = join(dir, 'platform.sqlite');
  const storage = new SqliteStorage(file);
  const password = 'correct horse battery';
  const account: Account = {
    identifier: 'dr.real',
    passwordHash: await hashPassword(password),
    otp: '424242',
    role: 'gp',
    userRef: 'Practitioner/real',
    displayName: 'Dr Real',
  };
  await storage.write((tx) => tx.putAccount(account));
  const logins = new LoginService(storage, new AccessTokens(randomBytes(32), 900), options);
  const reader = new Database(file, { readonly: true });
  return {
    logins,
    account,
    password,
    async attempt(identifier, pw, otp = account.otp) {
      try {
        await logins.login({ identifier, password: pw, otp });
        return 200;
      } catch (error) {
        if (error instanceof FhirError) return error.status;
        throw error;
      }
    },
    throttleRows(identifier) {
      const row = (
        identifier === undefined
          ? reader.prepare('SELECT count(*) AS n FROM login_throttle').get()
          : reader.prepare('SELECT count(*) AS n FROM login_throttle WHERE identifier = ?').get(identifier)
      ) as { n: number };
      return row.n;
    },
    async close() {
      reader.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
