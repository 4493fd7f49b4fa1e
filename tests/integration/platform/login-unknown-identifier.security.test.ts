/**
 * Threat: finding out which identifiers exist by timing the login. An unknown identifier used to be
 * answered without hashing (~2 ms against ~45 ms), so the answer time told real accounts apart. Now an
 * unknown identifier's password is verified against a dummy hash with the same scrypt parameters as a
 * real account's: the same work, the same answer. Checked by counting the verifier's calls, not by time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../src-main/platform/auth/passwords';
import { openLoginBench, type LoginBench } from './login-bench';

/** "scrypt$N$r$p$salt$key" → the parameters and the salt and key sizes, which decide the work done. */
function hashShape(stored: string): string {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  return `${scheme} N=${n} r=${r} p=${p} salt=${Buffer.from(salt ?? '', 'base64').length}B key=${Buffer.from(key ?? '', 'base64').length}B`;
}

let bench: LoginBench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

describe('login with an unknown identifier', () => {
  it('verifies the password against a hash of the same parameters as a real account, once', async () => {
    const verified: string[] = [];
    bench = await openLoginBench({
      verifyPassword: async (password, storedHash) => {
        verified.push(storedHash);
        return verifyPassword(password, storedHash);
      },
    });

    expect(await bench.attempt('nobody.here', 'whatever-password')).toBe(401);
    expect(verified).toHaveLength(1);
    expect(hashShape(verified[0]!)).toBe(hashShape(bench.account.passwordHash));

    // A real identifier with a wrong password: exactly the same work.
    expect(await bench.attempt(bench.account.identifier, 'whatever-password')).toBe(401);
    expect(verified).toHaveLength(2);
    expect(hashShape(verified[1]!)).toBe(hashShape(verified[0]!));
  });

  it('answers an unknown identifier exactly as a wrong password, and locks it after the same number of tries', async () => {
    bench = await openLoginBench();
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 6; i++) {
      unknown.push(await bench.attempt('nobody.here', `guess-${i}`));
      known.push(await bench.attempt(bench.account.identifier, `guess-${i}`));
    }
    expect(unknown).toEqual(known);
    expect(known).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
